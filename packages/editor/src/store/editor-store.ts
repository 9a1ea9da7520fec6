import { create } from 'zustand'
import { temporal } from 'zundo'
import type { Flow } from '@phonetree/engine'
import { createValidator } from '../validation/validator.ts'
import type { Validation } from '../validation/validator.ts'
import { defaultTransport } from '../validation/transport.ts'
import { validate } from '../validation/validate.ts'

/** Canvas positions, kept beside the flow in `flows/<id>.layout.json`. */
export interface Layout {
  nodes: Record<string, { x: number; y: number }>
}

/** What the canvas should emphasise: the simulator's call, or a call replayed from history. */
export interface Highlight {
  /** The node the call is at now. */
  current?: string
  /** Nodes the call went through, in order. */
  visited: string[]
  /** Transitions the call took, as `from|handle` (handles as in the engine's transition table). */
  taken: string[]
}

export type Panel = 'inspector' | 'yaml' | 'problems' | 'simulator' | 'history'

export interface EditorState {
  /** The open flow's id, or null before one is opened. */
  flowId: string | null
  /** The flow's YAML: the one truth every view derives from. Undo and redo track it. */
  text: string
  layout: Layout
  /** From the server when the flow was opened or last saved; a save names it. */
  etag: string | null
  /** What is on disk (to tell whether there are unsaved changes). */
  savedText: string
  savedLayout: Layout
  /**
   * The engine's validation of the text, done in a worker after each change: it describes
   * `loaded.text`, which is the current text except while a validation runs (`isValidating`).
   */
  loaded: Validation
  selection: string[]
  highlight: Highlight
  panel: Panel
  /** Set when a save was refused because the file changed on disk. */
  conflict: { source: string; layout: string | null; etag: string } | null
  /** A short message for the status bar ("Saved", "Couldn't save: …"). */
  status: string

  /** Replaces the text (an edit, the YAML panel, undo); the validation follows. */
  setText(text: string): void
  setLayout(layout: Layout): void
  /** Moves nodes on the canvas: one undo step per call (call it when a drag ends). */
  moveNodes(positions: Record<string, { x: number; y: number }>): void
  select(ids: string[]): void
  setHighlight(highlight: Highlight): void
  setPanel(panel: Panel): void
  /** Loads a flow as opened from the server: resets history. */
  opened(flow: { id: string; source: string; layout: Layout | null; etag: string }): void
  /** Records a successful save. */
  saved(etag: string): void
  setConflict(conflict: EditorState['conflict']): void
  setStatus(status: string): void
}

const EMPTY_LAYOUT: Layout = { nodes: {} }
const fileOf = (id: string | null): string => `flows/${id ?? 'untitled'}.yaml`

/**
 * The editor's single store. Views read from it; every change to the flow goes through
 * `setText`/`setLayout`, so undo and redo (zundo) cover canvas, inspector and YAML edits alike.
 *
 * @example useEditor.getState().setText(connect(text, flow, 'menu', 'choice:+', 'sales'))
 */
export const useEditor = create<EditorState>()(
  temporal(
    (set, get) => ({
      flowId: null,
      text: '',
      layout: EMPTY_LAYOUT,
      etag: null,
      savedText: '',
      savedLayout: EMPTY_LAYOUT,
      loaded: validate({ seq: 0, text: '', file: fileOf(null) }),
      selection: [],
      highlight: { visited: [], taken: [] },
      panel: 'inspector',
      conflict: null,
      status: '',
      setText: (text) => set({ text }),
      setLayout: (layout) => set({ layout }),
      moveNodes: (positions) => set({ layout: { nodes: { ...get().layout.nodes, ...positions } } }),
      select: (selection) => set({ selection }),
      setHighlight: (highlight) => set({ highlight }),
      setPanel: (panel) => set({ panel }),
      opened: ({ id, source, layout, etag }) => {
        set({
          flowId: id, text: source, layout: layout ?? EMPTY_LAYOUT, etag, savedText: source, savedLayout: layout ?? EMPTY_LAYOUT,
          selection: [], highlight: { visited: [], taken: [] }, conflict: null, status: `Opened ${id}`,
        })
        useEditor.temporal.getState().clear()
      },
      saved: (etag) => set({ etag, savedText: get().text, savedLayout: get().layout, conflict: null, status: 'Saved' }),
      setConflict: (conflict) => set({ conflict }),
      setStatus: (status) => set({ status }),
    }),
    {
      // Only the flow itself is history; selection, panels and highlights are not.
      partialize: (state) => ({ text: state.text, layout: state.layout }),
      equality: (a, b) => a.text === b.text && a.layout === b.layout,
      limit: 200,
    },
  ),
)

// Every change of the text (an edit, undo, redo, opening a flow) asks for its validation; an
// answer is stored only while its text is still the current one, so problems, markers and the
// simulator never describe another text for longer than a validation takes.
const validator = createValidator(defaultTransport(), (validation) => {
  const { text, flowId } = useEditor.getState()
  if (validation.text === text && validation.file === fileOf(flowId)) useEditor.setState({ loaded: validation })
})
useEditor.subscribe((state, previous) => {
  if (state.text !== previous.text || state.flowId !== previous.flowId) validator.request(state.text, fileOf(state.flowId))
})

/**
 * Resolves once the validation of the current text is in (for tests, and actions that need it).
 *
 * @example useEditor.getState().setText(text); await validationSettled(); useEditor.getState().loaded.ok
 */
export function validationSettled(): Promise<void> {
  return validator.settled()
}

/** Whether the text changed since its last validation (problems shown are the previous text's). */
export function isValidating(state: Pick<EditorState, 'text' | 'flowId' | 'loaded'>): boolean {
  return state.loaded.text !== state.text || state.loaded.file !== fileOf(state.flowId)
}

/** Undo and redo restore text and layout; the draft and the validation follow the text. */
export function undo(): void {
  useEditor.temporal.getState().undo()
}

export function redo(): void {
  useEditor.temporal.getState().redo()
}

/** The flow as last validated, when the text matches the schema (it may still have graph errors). */
export function currentFlow(): Flow | undefined {
  return useEditor.getState().loaded.flow
}

type Saved = Pick<EditorState, 'text' | 'savedText' | 'layout' | 'savedLayout'>
let lastAsked: Saved = { text: '', savedText: '', layout: { nodes: {} }, savedLayout: { nodes: {} } }
let lastAnswer = false

/**
 * Whether the editor holds changes that are not on disk. Asked by a store selector on every
 * change of the store, so the answer is kept until one of the four values changes.
 *
 * @example const dirty = useEditor(isDirty)
 */
export function isDirty(state: Saved): boolean {
  if (state.text === lastAsked.text && state.savedText === lastAsked.savedText && state.layout === lastAsked.layout && state.savedLayout === lastAsked.savedLayout) return lastAnswer
  // The layout is usually the very object saved; comparing JSON is for a layout rebuilt equal.
  lastAnswer = state.text !== state.savedText || (state.layout !== state.savedLayout && JSON.stringify(state.layout) !== JSON.stringify(state.savedLayout))
  lastAsked = { text: state.text, savedText: state.savedText, layout: state.layout, savedLayout: state.savedLayout }
  return lastAnswer
}
