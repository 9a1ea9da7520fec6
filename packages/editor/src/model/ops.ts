import { isCollection, isMap, isScalar, Scalar } from 'yaml'
import type { Document, Pair, YAMLMap } from 'yaml'
import { edgesOf, NODE_ID } from '@phonetree/engine'
import type { Flow, FlowNode, NodeType } from '@phonetree/engine'
import { applyEdit } from './yaml-edit.ts'
import type { EditScope } from './yaml-edit.ts'

/**
 * Everything the editor does to a flow, as functions from YAML text to YAML text. Each is an
 * in-place edit of the document (see `applyEdit`), so untouched lines never change.
 */

type Path = (string | number)[]

/**
 * The YAML path that an edge handle writes to, given the node as it is now.
 *
 * @example handlePath(menu, 'choice:1') // ['choices', '1'] (or ['choices', '1', 'goto'] for a choice with words)
 */
export function handlePath(node: FlowNode, handle: string): Path {
  const [kind, detail] = splitHandle(handle)
  if (kind === 'choice' && node.type === 'menu') {
    const choice = node.choices[detail!]
    return choice !== undefined && typeof choice !== 'string' ? ['choices', detail!, 'goto'] : ['choices', detail!]
  }
  if (kind === 'case') return ['cases', Number(detail), 'goto']
  return [handle]
}

function splitHandle(handle: string): [string, string | undefined] {
  const at = handle.indexOf(':')
  return at < 0 ? [handle, undefined] : [handle.slice(0, at), handle.slice(at + 1)]
}

/**
 * Draws (or redraws) an edge: sets the field behind `handle` on node `from` to `to`. The
 * handle `choice:+` adds a new menu choice on the next free key.
 *
 * @example connect(text, flow, 'main-menu', 'choice:+', 'operator') // adds "3": operator
 */
export function connect(text: string, flow: Flow, from: string, handle: string, to: string): string {
  const node = flow.nodes[from]
  if (node === undefined) return text
  if (handle === 'choice:+' && node.type === 'menu') {
    const key = nextFreeKey(Object.keys(node.choices))
    return applyEdit(text, (doc) => setPreservingQuotes(doc, ['nodes', from, 'choices', key], to), { nodes: [from] })
  }
  return applyEdit(text, (doc) => doc.setIn(['nodes', from, ...handlePath(node, handle)], to), { nodes: [from] })
}

/** Removes an edge; for a menu choice, the whole choice. */
export function disconnect(text: string, flow: Flow, from: string, handle: string): string {
  const node = flow.nodes[from]
  if (node === undefined) return text
  const [kind, detail] = splitHandle(handle)
  const scope: EditScope = { nodes: [from] }
  if (kind === 'choice') return applyEdit(text, (doc) => doc.deleteIn(['nodes', from, 'choices', detail!]), scope)
  if (kind === 'case') return applyEdit(text, (doc) => doc.deleteIn(['nodes', from, 'cases', Number(detail)]), scope)
  return applyEdit(text, (doc) => doc.deleteIn(['nodes', from, handle]), scope)
}

/** The next keypad key a new menu choice gets: 1-9, then 0, *, #. */
export function nextFreeKey(keys: readonly string[]): string {
  return ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'].find((k) => !keys.includes(k)) ?? String(keys.length + 1)
}

/** A minimal node of each type, as a designer would start it. */
export function newNode(type: NodeType): Record<string, unknown> {
  switch (type) {
    case 'say': return { type, prompt: 'New message.' }
    case 'menu': return { type, prompt: 'For this, press 1. For that, press 2.', choices: {} }
    case 'input': return { type, prompt: 'Enter the number, then press pound.', saveAs: 'entry' }
    case 'branch': return { type, cases: [] }
    case 'hours': return { type, timezone: 'America/New_York', hours: { 'mon-fri': '09:00-17:00' } }
    case 'set': return { type, vars: { name: 'value' } }
    case 'http': return { type, method: 'GET', url: 'https://example.com/api' }
    case 'dial': return { type, number: '+15550000000' }
    case 'record': return { type, prompt: 'Please leave a message after the beep.' }
    case 'enqueue': return { type, queue: 'support' }
    case 'hangup': return { type, prompt: 'Goodbye.' }
    case 'redirect': return { type, url: 'https://example.com/twiml' }
  }
}

/**
 * A free node id based on `base`: `menu`, `menu-2`, `menu-3`, …
 *
 * @example freeId(['menu'], 'menu') // 'menu-2'
 */
export function freeId(taken: Iterable<string>, base: string): string {
  const used = new Set(taken)
  const stem = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'node'
  if (!used.has(stem)) return stem
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`
}

/** Adds a node of `type` at the end of `nodes`; returns the new text and the node's id. */
export function addNode(text: string, flow: Flow | undefined, type: NodeType): { text: string; id: string } {
  const id = freeId(Object.keys(flow?.nodes ?? {}), type)
  return { id, text: applyEdit(text, (doc) => doc.setIn(['nodes', id], doc.createNode(newNode(type))), { nodes: [], creates: [id], appends: true }) }
}

/** Deletes nodes. Edges into them are left dangling, so the validator points at each one. */
export function deleteNodes(text: string, ids: readonly string[]): string {
  return applyEdit(text, (doc) => {
    for (const id of ids) doc.deleteIn(['nodes', id])
  }, { nodes: ids })
}

/**
 * Renames a node where it stands (keeping its place, comments and formatting) and every
 * reference to it: edges, `start` and `onError`.
 *
 * @example renameNode(text, flow, 'sales', 'sales-team')
 */
export function renameNode(text: string, flow: Flow, from: string, to: string): string {
  if (from === to || !NODE_ID.test(to) || Object.hasOwn(flow.nodes, to) || !Object.hasOwn(flow.nodes, from)) {
    throw new Error(!NODE_ID.test(to) ? `"${to}" is not a node id: use letters, digits, "-" and "_"` : `a node "${to}" already exists`)
  }
  return applyEdit(text, (doc) => {
    // Changing the key's value (not replacing the key) keeps its comments and blank lines.
    const pair = pairOf(doc.getIn(['nodes'], true), from)
    if (pair !== undefined) pair.key.value = to
    for (const [id, node] of Object.entries(flow.nodes)) {
      const owner = id === from ? to : id
      for (const edge of edgesOf(id, node)) if (edge.to === from) doc.setIn(['nodes', owner, ...edge.path], to)
    }
    if (flow.start === from) doc.set('start', to)
    if (flow.onError === from) doc.set('onError', to)
  }, { nodes: [from, ...Object.keys(flow.nodes).filter((id) => id !== from && edgesOf(id, flow.nodes[id]!).some((e) => e.to === from))], creates: [to] })
}

/**
 * Pastes copies of nodes (as YAML-ready data) under fresh ids; edges between copied nodes
 * follow the copies, edges to other nodes keep their targets.
 *
 * @example pasteNodes(text, flow, { welcome: {...}, menu: {...} }) // ids: { welcome: 'welcome-2', menu: 'menu-2' }
 */
export function pasteNodes(text: string, flow: Flow | undefined, copied: Record<string, FlowNode>): { text: string; ids: Record<string, string> } {
  const taken = new Set(Object.keys(flow?.nodes ?? {}))
  const ids: Record<string, string> = {}
  for (const id of Object.keys(copied)) {
    ids[id] = freeId(taken, id)
    taken.add(ids[id]!)
  }
  const out = applyEdit(text, (doc) => {
    for (const [id, node] of Object.entries(copied)) {
      const copy = structuredClone(node) as FlowNode & Record<string, unknown>
      for (const edge of edgesOf(id, node)) {
        const target = ids[edge.to]
        if (target !== undefined) setPath(copy as Record<string, unknown>, edge.path, target)
      }
      doc.setIn(['nodes', ids[id]!], doc.createNode(copy))
    }
  }, { nodes: [], creates: Object.values(ids), appends: true })
  return { text: out, ids }
}

/**
 * Sets one field of a node (`undefined` removes it). Paths go inside the node:
 * `['prompt']`, `['choices', '1', 'words']`, `['cases', 0, 'when']`.
 *
 * @example setField(text, 'welcome', ['prompt'], 'Hello!')
 */
export function setField(text: string, id: string, path: Path, value: unknown): string {
  return applyEdit(text, (doc) => {
    if (value === undefined) return void doc.deleteIn(['nodes', id, ...path])
    // A list or mapping written inline (`number: [a, b]`) stays inline when it is replaced.
    const old = doc.getIn(['nodes', id, ...path], true)
    const node = doc.createNode(value)
    if (isCollection(node) && isCollection(old) && old.flow === true) node.flow = true
    doc.setIn(['nodes', id, ...path], node)
  }, { nodes: [id] })
}

/** Makes `id` the node calls start at. */
export function setStart(text: string, id: string): string {
  return applyEdit(text, (doc) => doc.set('start', id))
}

/** Sets a top-level field of the flow (`title`, `voice`, `onError`, …); `undefined` removes it. */
export function setFlowField(text: string, key: string, value: unknown): string {
  return applyEdit(text, (doc) => (value === undefined ? doc.delete(key) : doc.set(key, doc.createNode(value))))
}

function pairOf(map: unknown, key: string): Pair<Scalar, unknown> | undefined {
  if (!isMap(map)) return undefined
  return (map as YAMLMap<Scalar, unknown>).items.find((p) => isScalar(p.key) && String(p.key.value) === key)
}

/** Menu keys like 1 are written quoted ("1"), as in the example flows, so YAML keeps them text. */
function setPreservingQuotes(doc: Document.Parsed, path: Path, value: unknown): void {
  const parent = doc.getIn(path.slice(0, -1), true)
  const key = new Scalar(path.at(-1))
  key.type = Scalar.QUOTE_DOUBLE
  if (isMap(parent)) parent.set(key, value)
  else doc.setIn(path, value)
}

function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let at: unknown = target
  for (const segment of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[segment]
  if (at !== null && typeof at === 'object') (at as Record<string | number, unknown>)[path.at(-1)!] = value
}


