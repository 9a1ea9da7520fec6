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
  problems: readonly NodeProblem[]
  highlight: 'current' | 'visited' | null
  direction: Direction
  /** The draft node drawn: the draft keeps a node's object while its data is unchanged. */
  source: DraftNode
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

const NO_PROBLEMS: readonly NodeProblem[] = []

/**
 * Problems grouped by the node they belong to (problems without a node are left out). A node
 * whose problems read the same as in `previous` keeps that list object, so a validation answer
 * redraws only the nodes whose problems changed.
 *
 * @example problemsByNode(loaded.problems, before).get('welcome')?.[0]?.code // 'UNKNOWN_TARGET'
 */
export function problemsByNode(problems: readonly FlowProblem[], previous?: ReadonlyMap<string, readonly NodeProblem[]>): Map<string, readonly NodeProblem[]> {
  const grouped = new Map<string, NodeProblem[]>()
  for (const p of problems) {
    if (p.node === undefined) continue
    const list = grouped.get(p.node)
    const problem = { severity: p.severity, code: p.code, message: p.message }
    if (list === undefined) grouped.set(p.node, [problem])
    else list.push(problem)
  }
  const out = new Map<string, readonly NodeProblem[]>()
  for (const [node, list] of grouped) {
    const old = previous?.get(node)
    out.set(node, old !== undefined && sameProblems(old, list) ? old : list)
  }
  return out
}

const sameProblems = (a: readonly NodeProblem[], b: readonly NodeProblem[]): boolean =>
  a.length === b.length && a.every((p, i) => p.severity === b[i]!.severity && p.code === b[i]!.code && p.message === b[i]!.message)

export interface NodesInput {
  draft: Draft
  layout: Layout
  problems: ReadonlyMap<string, readonly NodeProblem[]>
  highlight: Highlight
  selection: ReadonlySet<string>
  direction: Direction
}

/**
 * React Flow nodes for the draft. Nodes without a position are left out (the automatic
 * layout places them first). A node whose drawing, position and selection are unchanged is
 * the very object from `previous`, so React Flow and the memoised components skip it, and
 * measured sizes carry over to changed nodes. Whether a drawing changed is told by identity
 * (the draft node, its problem list), so the work for an unchanged node is a few comparisons.
 *
 * @example buildNodes({ draft, layout, problems, highlight, selection, direction }, previousNodes)
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
    const nodeProblems = problems.get(id) ?? NO_PROBLEMS
    const start = draft.start === id
    const onError = draft.onError === id
    const old = before.get(id)
    const was = old?.data
    const data: FlowNodeData = was !== undefined && was.source === node && was.start === start && was.onError === onError
      && was.problems === nodeProblems && was.highlight === mark && was.direction === direction ? was : {
        id,
        kind: node.kind,
        gist: gistOf(node),
        handles: handlesOf(node),
        start,
        onError,
        problems: nodeProblems,
        highlight: mark,
        direction,
        source: node,
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

/** What an edge of a node looks like, whatever is selected or taken. */
interface EdgeSpec {
  id: string
  handle: string
  to: string
  label: string | undefined
  tone: HandleSpec['tone']
  type: 'loop' | 'default'
}

/**
 * Per draft node (which the draft keeps while its data is unchanged): its handles, and its
 * edges under the id it had. An edit then reads only the nodes it changed.
 */
const handleCache = new WeakMap<DraftNode, HandleSpec[]>()
const edgeCache = new WeakMap<DraftNode, { id: string; edges: EdgeSpec[] }>()

function handlesOf(node: DraftNode): HandleSpec[] {
  let handles = handleCache.get(node)
  if (handles === undefined) handleCache.set(node, handles = outputHandles(node))
  return handles
}

function edgeSpecs(id: string, node: DraftNode): EdgeSpec[] {
  const cached = edgeCache.get(node)
  if (cached?.id === id) return cached.edges
  const handles = handlesOf(node)
  const edges = draftEdges(id, node).map((edge): EdgeSpec => ({
    id: `${id}|${edge.handle}`,
    handle: edge.handle,
    to: edge.to,
    label: edgeLabel(node, edge.handle, handles),
    tone: handles.find((h) => h.id === edge.handle)?.tone ?? 'main',
    type: edge.to === id ? 'loop' : 'default',
  }))
  edgeCache.set(node, { id, edges })
  return edges
}

/**
 * React Flow edges for the draft, one per edge of a node (`edgesOf`), with ids `from|handle`
 * and labels. Edges to missing nodes are not drawn (the validator reports them on the node).
 * Unchanged edges are the objects from `previous`, and when no edge changed the result is
 * `previous` itself, so React Flow does not re-index its edges.
 *
 * @example const edges = buildEdges({ draft, present, taken, selected }, edgesBefore)
 */
export function buildEdges(input: EdgesInput, previous: CanvasEdge[]): CanvasEdge[] {
  const { draft, present, taken, selected } = input
  let byId: Map<string, CanvasEdge> | undefined
  const out: CanvasEdge[] = []
  let same = true
  for (const [id, node] of Object.entries(draft.nodes)) {
    if (!present.has(id)) continue
    for (const spec of edgeSpecs(id, node)) {
      if (!present.has(spec.to)) continue
      const isTaken = taken.has(spec.id)
      const isSelected = selected.has(spec.id)
      // Edges usually come in the same order as last time; look further only when not.
      let old = previous[out.length]
      if (old?.id !== spec.id) old = (byId ??= new Map(previous.map((e) => [e.id, e]))).get(spec.id)
      if (old !== undefined && old.target === spec.to && old.label === spec.label && old.selected === isSelected && old.type === spec.type
        && old.data?.tone === spec.tone && old.data.taken === isTaken) {
        same &&= old === previous[out.length]
        out.push(old)
        continue
      }
      same = false
      out.push({
        id: spec.id,
        source: id,
        target: spec.to,
        sourceHandle: spec.handle,
        targetHandle: 'in',
        type: spec.type,
        selected: isSelected,
        className: `edge-${spec.tone}${isTaken ? ' edge-taken' : ''}`,
        data: { tone: spec.tone, taken: isTaken },
        ...(spec.label !== undefined ? { label: spec.label } : {}),
        ...(isTaken ? { animated: true, zIndex: 1 } : {}),
      })
    }
  }
  return same && out.length === previous.length ? previous : out
}
