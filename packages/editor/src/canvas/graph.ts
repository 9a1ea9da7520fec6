import type { Edge, Node } from '@xyflow/react'
import type { FlowProblem } from '@phonetree/engine'
import { draftEdges } from '../app/draft.ts'
import type { Draft, DraftNode } from '../app/draft.ts'
import type { Highlight, Layout } from '../store/editor-store.ts'
import { nodeGeometry } from '../layout/geometry.ts'
import type { Direction } from '../layout/geometry.ts'
import { gistOf } from './gist.ts'
import type { Gist } from './gist.ts'
import { edgeLabel, outputHandles } from './handles.ts'
import type { HandleSpec } from './handles.ts'

/** A problem as a node's badge lists it. */
export interface NodeProblem {
  severity: 'error' | 'warning'
  code: string
  message: string
}

/** Everything a node component draws; plain data, so unchanged nodes can be reused as is. */
export interface FlowNodeData extends Record<string, unknown> {
  id: string
  kind: DraftNode['kind']
  gist: Gist
  handles: HandleSpec[]
  start: boolean
  onError: boolean
  problems: NodeProblem[]
  highlight: 'current' | 'visited' | null
  direction: Direction
  /** A fingerprint of all of the above: equal fingerprints draw the same. */
  sig: string
}

export type CanvasNode = Node<FlowNodeData>

/**
 * React Flow's node type for a flow node type. Prefixed, because React Flow styles its own
 * built-in types (`input`, `default`, `output`, `group`) and would style an `input` node as one.
 */
export const canvasType = (kind: DraftNode['kind']): string => `pt-${kind}`

export interface FlowEdgeData extends Record<string, unknown> {
  tone: HandleSpec['tone']
  taken: boolean
}

export type CanvasEdge = Edge<FlowEdgeData>

/** Problems grouped by the node they belong to (problems without a node are left out). */
export function problemsByNode(problems: readonly FlowProblem[]): Map<string, NodeProblem[]> {
  const out = new Map<string, NodeProblem[]>()
  for (const p of problems) {
    if (p.node === undefined) continue
    const list = out.get(p.node) ?? []
    list.push({ severity: p.severity, code: p.code, message: p.message })
    out.set(p.node, list)
  }
  return out
}

export interface NodesInput {
  draft: Draft
  layout: Layout
  problems: ReadonlyMap<string, NodeProblem[]>
  highlight: Highlight
  selection: ReadonlySet<string>
  direction: Direction
}

/**
 * React Flow nodes for the draft. Nodes without a position are left out (the automatic
 * layout places them first). A node whose drawing, position and selection are unchanged is
 * the very object from `previous`, so React Flow and the memoised components skip it, and
 * measured sizes carry over to changed nodes.
 */
export function buildNodes(input: NodesInput, previous: readonly CanvasNode[]): CanvasNode[] {
  const { draft, layout, problems, highlight, selection, direction } = input
  const before = new Map(previous.map((n) => [n.id, n]))
  const visited = new Set(highlight.visited)
  const out: CanvasNode[] = []
  for (const [id, node] of Object.entries(draft.nodes)) {
    const position = layout.nodes[id]
    if (position === undefined) continue
    const mark: FlowNodeData['highlight'] = highlight.current === id ? 'current' : visited.has(id) ? 'visited' : null
    const nodeProblems = problems.get(id) ?? []
    const sig = JSON.stringify([node.data, node.keyOrder, draft.start === id, draft.onError === id, nodeProblems, mark, direction])
    const old = before.get(id)
    const data: FlowNodeData = old !== undefined && old.data.sig === sig && old.type === canvasType(node.kind) ? old.data : {
      id,
      kind: node.kind,
      gist: gistOf(node),
      handles: outputHandles(node),
      start: draft.start === id,
      onError: draft.onError === id,
      problems: nodeProblems,
      highlight: mark,
      direction,
      sig,
    }
    const selected = selection.has(id)
    if (old !== undefined && old.data === data && old.selected === selected && old.position.x === position.x && old.position.y === position.y) {
      out.push(old)
      continue
    }
    const estimate = nodeGeometry(data.gist.prompt.length + data.gist.facts.length, data.handles.map((h) => h.id), direction)
    out.push({
      id,
      type: canvasType(node.kind),
      position: { x: position.x, y: position.y },
      data,
      selected,
      initialWidth: estimate.width,
      initialHeight: estimate.height,
      ariaLabel: `${node.kind} node ${id}`,
      ...(old?.measured !== undefined && old.data.direction === direction ? { measured: old.measured } : {}),
    })
  }
  return out
}

/**
 * The transitions a call took (`from|handle` as in the engine's transition table) as canvas
 * edge ids (`from|handle` as in `edgesOf`): an exhausted no-input or no-match is drawn as the
 * `onNoInput`/`onNoMatch` edge when the node has one, else as `onFailure`.
 *
 * @example takenEdgeIds(draft, ['main-menu|noMatch:exhausted']) // Set { 'main-menu|onFailure' }
 */
export function takenEdgeIds(draft: Draft, taken: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const entry of taken) {
    const at = entry.indexOf('|')
    if (at < 0) continue
    const from = entry.slice(0, at)
    const handle = entry.slice(at + 1)
    const node = draft.nodes[from]
    if (node === undefined) continue
    if (handle === 'noInput:exhausted' || handle === 'noMatch:exhausted') {
      const specific = handle === 'noInput:exhausted' ? 'onNoInput' : 'onNoMatch'
      out.add(`${from}|${typeof node.data[specific] === 'string' ? specific : 'onFailure'}`)
    } else {
      out.add(`${from}|${handle}`)
    }
  }
  return out
}

export interface EdgesInput {
  draft: Draft
  /** Ids of the nodes on the canvas; edges to other nodes are not drawn. */
  present: ReadonlySet<string>
  taken: ReadonlySet<string>
  selected: ReadonlySet<string>
}

/**
 * React Flow edges for the draft, one per edge of a node (`edgesOf`), with ids `from|handle`
 * and labels. Edges to missing nodes are not drawn (the validator reports them on the node).
 * Unchanged edges are the objects from `previous`.
 */
export function buildEdges(input: EdgesInput, previous: ReadonlyMap<string, CanvasEdge>): CanvasEdge[] {
  const { draft, present, taken, selected } = input
  const out: CanvasEdge[] = []
  for (const [id, node] of Object.entries(draft.nodes)) {
    if (!present.has(id)) continue
    const tones = new Map(outputHandles(node).map((h) => [h.id, h.tone]))
    for (const edge of draftEdges(id, node)) {
      if (!present.has(edge.to)) continue
      const edgeId = `${id}|${edge.handle}`
      const label = edgeLabel(node, edge.handle)
      const tone = tones.get(edge.handle) ?? 'main'
      const isTaken = taken.has(edgeId)
      const isSelected = selected.has(edgeId)
      const type = edge.to === id ? 'loop' : 'default'
      const old = previous.get(edgeId)
      if (old !== undefined && old.target === edge.to && old.label === label && old.selected === isSelected && old.type === type
        && old.data?.tone === tone && old.data.taken === isTaken) {
        out.push(old)
        continue
      }
      out.push({
        id: edgeId,
        source: id,
        target: edge.to,
        sourceHandle: edge.handle,
        targetHandle: 'in',
        type,
        selected: isSelected,
        className: `edge-${tone}${isTaken ? ' edge-taken' : ''}`,
        data: { tone, taken: isTaken },
        ...(label !== undefined ? { label } : {}),
        ...(isTaken ? { animated: true, zIndex: 1 } : {}),
      })
    }
  }
  return out
}
