import { create } from 'zustand'
import type { FlowSummary } from '../api/flows.ts'
import type { Direction } from '../layout/geometry.ts'

/** State of the editor's views that is not part of the flow (and so not undoable). */
export interface UiState {
  flows: FlowSummary[]
  /** Opening or listing failed: shown instead of the canvas. */
  loadError: string | null
  loading: boolean
  direction: Direction
  /** Edges selected on the canvas (`from|handle`); node selection lives in the editor store. */
  selectedEdges: string[]
  /** Bumped to ask the canvas to zoom to fit. */
  fitRequest: number
  /** True while ELK is laying out. */
  layingOut: boolean
  /** A place in the YAML to show (a problem's line), with a counter so the same line can be asked twice. */
  yamlJump: { line: number; col: number; seq: number } | null
  set(patch: Partial<Omit<UiState, 'set'>>): void
}

const storedDirection = (): Direction => (globalThis.localStorage?.getItem('phonetree.direction') === 'TB' ? 'TB' : 'LR')

export const useUi = create<UiState>((set) => ({
  flows: [],
  loadError: null,
  loading: false,
  direction: storedDirection(),
  selectedEdges: [],
  fitRequest: 0,
  layingOut: false,
  yamlJump: null,
  set: (patch) => set(patch),
}))

/** Asks the canvas to zoom to fit once it has drawn what is there now. */
export function requestFit(): void {
  useUi.setState((s) => ({ fitRequest: s.fitRequest + 1 }))
}
