import { isMap, isScalar } from 'yaml'
import type { Document, YAMLMap } from 'yaml'
import { edgesOf, NODE_TYPES } from '@phonetree/engine'
import type { Edge, Flow, FlowNode, NodeType } from '@phonetree/engine'

/**
 * The flow as the canvas and inspector see it: the YAML's data, read without the schema.
 *
 * The engine's `loaded.flow` only exists when the whole file matches the schema, but a flow
 * being edited rarely does (a new `say` node has no `next` yet, which fails the whole file).
 * So the editor works on the raw data, and the validator's problems are shown beside it.
 */
export interface Draft {
  /** The top-level mapping as written (title, voice, vars, …). */
  top: Record<string, unknown>
  start?: string
  onError?: string
  /** Nodes in file order. */
  nodes: Record<string, DraftNode>
}

export interface DraftNode {
  /** The node's type, or `unknown` when `type` is missing or not a node type. */
  kind: NodeType | 'unknown'
  /** The node's mapping exactly as written (no defaults applied). */
  data: Record<string, unknown>
  /**
   * The YAML order of the keys of each mapping field (`choices`, `hours`, …). JavaScript
   * objects list integer-like keys first (`"0"` before `"1"`), so `data` alone loses it.
   */
  keyOrder?: Record<string, string[]>
}

export const EMPTY_DRAFT: Draft = { top: {}, nodes: {} }

const TYPES: ReadonlySet<string> = new Set(NODE_TYPES)

/** A plain mapping (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Reads the draft from a parsed text; undefined when the YAML itself does not parse (the
 * editor then keeps showing the last draft that did). A region of node lines parsed on its own
 * (see `node-blocks.ts`) reads the same way: its draft holds those nodes.
 *
 * @example draftOf(parseDocument(text))?.nodes['welcome']?.kind // 'say'
 */
export function draftOf(doc: Document.Parsed): Draft | undefined {
  if (doc.errors.length > 0) return undefined
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch {
    return undefined
  }
  if (data === null || data === undefined) return EMPTY_DRAFT
  if (!isRecord(data)) return undefined
  const nodes: Record<string, DraftNode> = {}
  if (isRecord(data.nodes)) {
    const orders = keyOrders(doc.get('nodes', true))
    for (const id of orders.nodeOrder.filter((k) => Object.hasOwn(data.nodes as object, k))) {
      const value = (data.nodes as Record<string, unknown>)[id]
      const node = isRecord(value) ? value : {}
      const keyOrder = orders.fields.get(id)
      nodes[id] = { kind: typeof node.type === 'string' && TYPES.has(node.type) ? (node.type as NodeType) : 'unknown', data: node, ...(keyOrder !== undefined ? { keyOrder } : {}) }
    }
  }
  return {
    top: data,
    ...(typeof data.start === 'string' ? { start: data.start } : {}),
    ...(typeof data.onError === 'string' ? { onError: data.onError } : {}),
    nodes,
  }
}

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key))

/** Node ids in YAML order, and for each node the YAML key order of its mapping fields. */
function keyOrders(nodesNode: unknown): { nodeOrder: string[]; fields: Map<string, Record<string, string[]>> } {
  const fields = new Map<string, Record<string, string[]>>()
  if (!isMap(nodesNode)) return { nodeOrder: [], fields }
  const nodeOrder: string[] = []
  for (const pair of (nodesNode as YAMLMap).items) {
    const id = keyText(pair.key)
    nodeOrder.push(id)
    if (!isMap(pair.value)) continue
    const orders: Record<string, string[]> = {}
    for (const field of (pair.value as YAMLMap).items) {
      if (isMap(field.value)) orders[keyText(field.key)] = (field.value as YAMLMap).items.map((p) => keyText(p.key))
    }
    if (Object.keys(orders).length > 0) fields.set(id, orders)
  }
  return { nodeOrder, fields }
}

/**
 * The entries of a mapping field of a node in YAML order (see `DraftNode.keyOrder`).
 *
 * @example orderedEntries(menu, 'choices') // [['1', 'sales'], ['2', 'account'], ['0', 'operator']]
 */
export function orderedEntries(node: DraftNode, field: string): [string, unknown][] {
  const value = node.data[field]
  if (!isRecord(value)) return []
  const order = node.keyOrder?.[field]
  if (order === undefined) return Object.entries(value)
  const seen = new Set(order)
  return [...order.filter((k) => Object.hasOwn(value, k)).map((k): [string, unknown] => [k, value[k]]), ...Object.entries(value).filter(([k]) => !seen.has(k))]
}

/**
 * A copy of a node's data that the engine's `edgesOf` can read without throwing: menu choices
 * a mapping of strings or objects, branch cases a list of objects. Indexes and keys are kept,
 * so handles still name the same YAML paths.
 */
export function edgeSafe(node: DraftNode): FlowNode {
  let safe = edgeSafeCache.get(node)
  if (safe === undefined) edgeSafeCache.set(node, safe = makeEdgeSafe(node))
  return safe
}

/** Per draft node (kept by the draft while its data is unchanged), so an edit reads only the nodes it changed. */
const edgeSafeCache = new WeakMap<DraftNode, FlowNode>()
const flowCache = new WeakMap<Draft, Flow>()

function makeEdgeSafe(node: DraftNode): FlowNode {
  const data: Record<string, unknown> = { ...node.data, type: node.kind === 'unknown' ? 'hangup' : node.kind }
  if (node.kind === 'menu') {
    const choices = isRecord(node.data.choices) ? node.data.choices : {}
    data.choices = Object.fromEntries(Object.entries(choices).map(([key, c]) => [key, typeof c === 'string' || isRecord(c) ? c : {}]))
  }
  if (node.kind === 'branch') data.cases = Array.isArray(node.data.cases) ? node.data.cases.map((c: unknown) => (isRecord(c) ? c : {})) : []
  // Safe by construction above: edgesOf reads only the fields normalised here and plain values.
  return data as unknown as FlowNode
}

/**
 * The draft as the engine's `Flow` type, for the model's edit operations (connect, rename,
 * paste), which only walk ids, `start`, `onError` and edges.
 */
export function asFlow(draft: Draft): Flow {
  let flow = flowCache.get(draft)
  if (flow === undefined) flowCache.set(draft, flow = makeFlow(draft))
  return flow
}

function makeFlow(draft: Draft): Flow {
  const nodes: Record<string, FlowNode> = {}
  for (const [id, node] of Object.entries(draft.nodes)) nodes[id] = edgeSafe(node)
  const flow = { flow: typeof draft.top.flow === 'string' ? draft.top.flow : '', start: draft.start ?? '', nodes, ...(draft.onError !== undefined ? { onError: draft.onError } : {}) }
  return flow as Flow
}

/** The node's outgoing edges whose target is a non-empty string (it may name no node). */
export function draftEdges(id: string, node: DraftNode): Edge[] {
  if (node.kind === 'unknown') return []
  return edgesOf(id, edgeSafe(node)).filter((e) => typeof e.to === 'string' && e.to !== '')
}

/**
 * A prompt as one line of text: parts joined, non-speech parts in brackets.
 *
 * @example promptText([{ say: 'Your code is' }, { digits: '{{ vars.code }}' }]) // 'Your code is [digits {{ vars.code }}]'
 */
export function promptText(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt
  if (!Array.isArray(prompt)) return ''
  return prompt.map((part: unknown) => {
    if (typeof part === 'string') return part
    if (Array.isArray(part)) return promptText(part)
    if (!isRecord(part)) return ''
    if (typeof part.say === 'string') return part.say
    if (part.digits !== undefined) return `[digits ${String(part.digits)}]`
    if (part.pause !== undefined) return `[pause ${String(part.pause)}s]`
    if (part.play !== undefined) return `[play ${String(part.play)}]`
    return ''
  }).filter((s) => s !== '').join(' ')
}
