import type { InternalNode } from '@xyflow/react'
import type { Draft } from '../app/draft.ts'
import { useDraft } from '../app/draft-store.ts'
import { requestFit, useUi } from '../app/ui-store.ts'
import { useEditor } from '../store/editor-store.ts'
import { gistOf } from '../canvas/gist.ts'
import { outputHandles } from '../canvas/handles.ts'
import { elkGraph, elkPositions } from './elk-graph.ts'
import { runElk } from './elk-run.ts'
import { nodeGeometry } from './geometry.ts'
import type { Direction, NodeGeometry } from './geometry.ts'

type Point = { x: number; y: number }

/**
 * A node's box for the layout: as drawn, when React Flow has measured it (handles and all),
 * else as the stylesheet will draw it.
 */
export function geometryFor(draft: Draft, direction: Direction, measured?: (id: string) => InternalNode | undefined): (id: string) => NodeGeometry {
  return (id) => {
    const node = draft.nodes[id]!
    const handles = outputHandles(node).map((h) => h.id)
    const gist = gistOf(node)
    const estimate = nodeGeometry(gist.prompt.length + gist.facts.length, handles, direction)
    const internal = measured?.(id)
    const bounds = internal?.internals.handleBounds
    const { width, height } = internal?.measured ?? {}
    if (internal === undefined || bounds === undefined || width === undefined || height === undefined) return estimate
    const centre = (h: { x: number; y: number; width: number; height: number }) => ({ x: h.x + h.width / 2, y: h.y + h.height / 2 })
    const input = bounds.target?.[0]
    const sources = new Map((bounds.source ?? []).map((h) => [h.id ?? '', centre(h)]))
    return {
      width,
      height,
      input: input !== undefined ? centre(input) : estimate.input,
      outputs: estimate.outputs.map((o) => ({ id: o.id, ...(sources.get(o.id) ?? o) })),
    }
  }
}

/**
 * Lays the whole flow out with ELK (in its worker) and returns every node's position.
 *
 * @example const positions = await layoutDraft(draft, 'LR')
 */
export async function layoutDraft(draft: Draft, direction: Direction, measured?: (id: string) => InternalNode | undefined): Promise<Record<string, Point>> {
  if (Object.keys(draft.nodes).length === 0) return {}
  const result = await runElk(elkGraph(draft, geometryFor(draft, direction, measured), direction))
  return elkPositions(result)
}

/**
 * The "Auto layout" button: lays every node out again (as measured on the canvas) and
 * replaces the layout as one undo step.
 */
export async function autoLayoutAll(measured?: (id: string) => InternalNode | undefined): Promise<void> {
  const ui = useUi.getState()
  if (ui.layingOut) return
  ui.set({ layingOut: true })
  try {
    const positions = await layoutDraft(useDraft.getState().draft, useUi.getState().direction, measured)
    const current = useDraft.getState().draft
    // Nodes added while ELK worked keep their position (or get one from the placement hook).
    const kept = Object.fromEntries(Object.entries(useEditor.getState().layout.nodes).filter(([id]) => current.nodes[id] !== undefined && positions[id] === undefined))
    useEditor.getState().setLayout({ nodes: { ...kept, ...positions } })
    useEditor.getState().setStatus('Laid out')
    requestFit()
  } catch (error) {
    useEditor.getState().setStatus(`Couldn't lay out the flow: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    useUi.getState().set({ layingOut: false })
  }
}
