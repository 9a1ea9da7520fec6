import { FLOW_ID } from '@phonetree/engine'
import type { Flow, FlowNode, NodeType } from '@phonetree/engine'
import { addNode, connect, deleteNodes, disconnect, pasteNodes, renameNode, setStart } from '../model/ops.ts'
import { isDirty, redo, undo, useEditor } from '../store/editor-store.ts'
import type { Layout } from '../store/editor-store.ts'
import { getFlow, listFlows, parseLayout, saveFlow } from '../api/flows.ts'
import { asFlow, edgeSafe } from './draft.ts'
import { useDraft } from './draft-store.ts'
import { flushPending } from './flush.ts'
import { requestFit, useUi } from './ui-store.ts'

type Point = { x: number; y: number }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * Applies an edit to the flow's text as one undo step. The change gets the text and the flow
 * as drafted (it may not validate yet). An edit that cannot apply (the YAML does not parse,
 * a rename to a taken id) changes nothing and says why in the status bar.
 *
 * @example edit((text, flow) => connect(text, flow, 'menu', 'choice:+', 'sales'))
 */
export function edit(change: (text: string, flow: Flow) => string): boolean {
  const state = useEditor.getState()
  try {
    const next = change(state.text, asFlow(useDraft.getState().draft))
    if (next !== state.text) state.setText(next)
    return true
  } catch (error) {
    state.setStatus(useDraft.getState().stale ? 'Fix the YAML syntax error first (see Problems)' : `Couldn't edit: ${message(error)}`)
    return false
  }
}

/**
 * Runs store changes that belong to the last undo step (a new node's position, a renamed
 * node's layout entry) without recording a step of their own: zundo is paused meanwhile.
 */
export function withinLastStep(change: () => void): void {
  const history = useEditor.temporal.getState()
  history.pause()
  try {
    change()
  } finally {
    history.resume()
  }
}

/** Draws an edge from a node's handle to another node (`choice:+` adds a choice). */
export function connectEdge(from: string, handle: string, to: string): void {
  if (edit((text, flow) => connect(text, flow, from, handle, to))) useEditor.getState().setStatus(`Connected ${from} → ${to}`)
}

/** Removes edges by canvas id (`from|handle`), in one step. */
export function disconnectEdges(ids: readonly string[]): void {
  const edges = ids.map((id) => ({ from: id.slice(0, id.indexOf('|')), handle: id.slice(id.indexOf('|') + 1) }))
  // Removing a branch case shifts the later ones, so remove the highest index first.
  edges.sort((a, b) => caseIndex(b.handle) - caseIndex(a.handle))
  edit((text, flow) => edges.reduce((t, e) => disconnect(t, flow, e.from, e.handle), text))
}

const caseIndex = (handle: string) => (handle.startsWith('case:') ? Number(handle.slice(5)) : -1)

/** Deletes the selected nodes and edges (one undo step); their layout entries go too. */
export function deleteSelection(): void {
  const nodes = useEditor.getState().selection.filter((id) => useDraft.getState().draft.nodes[id] !== undefined)
  const edges = useUi.getState().selectedEdges.filter((id) => !nodes.includes(id.slice(0, id.indexOf('|'))))
  if (nodes.length === 0 && edges.length === 0) return
  const ok = edit((text, flow) => {
    const sorted = edges.map((id) => ({ from: id.slice(0, id.indexOf('|')), handle: id.slice(id.indexOf('|') + 1) })).sort((a, b) => caseIndex(b.handle) - caseIndex(a.handle))
    const unlinked = sorted.reduce((t, e) => disconnect(t, flow, e.from, e.handle), text)
    return nodes.length > 0 ? deleteNodes(unlinked, nodes) : unlinked
  })
  if (!ok) return
  withinLastStep(() => {
    const layout = useEditor.getState().layout
    if (nodes.some((id) => layout.nodes[id] !== undefined)) {
      // A copy less a few keys: rebuilding the whole map from its entries took ~10 ms at 500 nodes.
      const kept = { ...layout.nodes }
      for (const id of nodes) delete kept[id]
      useEditor.getState().setLayout({ nodes: kept })
    }
  })
  useEditor.getState().select([])
  useUi.getState().set({ selectedEdges: [] })
  useEditor.getState().setStatus(`Deleted ${[nodes.length > 0 ? `${nodes.length} node${nodes.length === 1 ? '' : 's'}` : '', edges.length > 0 ? `${edges.length} edge${edges.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ')}`)
}

/** Adds a node of `type` with its top left corner at `at`, and selects it. */
export function addNodeAt(type: NodeType, at: Point): string | undefined {
  let id: string | undefined
  const ok = edit((text, flow) => {
    const added = addNode(text, flow, type)
    id = added.id
    return added.text
  })
  if (!ok || id === undefined) return undefined
  const placed = id
  withinLastStep(() => useEditor.getState().moveNodes({ [placed]: { x: Math.round(at.x), y: Math.round(at.y) } }))
  useEditor.getState().select([placed])
  useEditor.getState().setStatus(`Added ${type} node "${placed}"`)
  return placed
}

/** Moves nodes as one undo step; nothing happens (and no step is recorded) when none moved. */
export function commitPositions(positions: Record<string, Point>): void {
  const { layout, moveNodes } = useEditor.getState()
  const moved = Object.entries(positions).filter(([id, p]) => layout.nodes[id]?.x !== Math.round(p.x) || layout.nodes[id]?.y !== Math.round(p.y))
  if (moved.length === 0) return
  moveNodes(Object.fromEntries(moved.map(([id, p]) => [id, { x: Math.round(p.x), y: Math.round(p.y) }])))
}

/**
 * Renames a node and every reference to it (one undo step, its position follows). Returns
 * why it could not, or undefined.
 */
export function renameNodeTo(from: string, to: string): string | undefined {
  if (from === to) return undefined
  let problem: string | undefined
  const state = useEditor.getState()
  try {
    state.setText(renameNode(state.text, asFlow(useDraft.getState().draft), from, to))
  } catch (error) {
    problem = useDraft.getState().stale ? 'Fix the YAML syntax error first' : message(error)
    return problem
  }
  withinLastStep(() => {
    const { layout } = useEditor.getState()
    const at = layout.nodes[from]
    if (at !== undefined) {
      const nodes = Object.fromEntries(Object.entries(layout.nodes).map(([id, p]) => [id === from ? to : id, p]))
      useEditor.getState().setLayout({ nodes })
    }
  })
  useEditor.getState().select(useEditor.getState().selection.map((id) => (id === from ? to : id)))
  useEditor.getState().setStatus(`Renamed ${from} to ${to}`)
  return undefined
}

/** Makes `id` the node calls start at. */
export function makeStart(id: string): void {
  edit((text) => setStart(text, id))
}

// Copy and paste ---------------------------------------------------------------------------

const CLIPBOARD = 'phonetree.clipboard'
export const PASTE_OFFSET = 40

interface Clipboard {
  nodes: Record<string, Record<string, unknown>>
  positions: Record<string, Point>
  /** How many times it was pasted: each paste lands another PASTE_OFFSET further. */
  pastes: number
}

function readClipboard(): Clipboard | undefined {
  try {
    const data = JSON.parse(localStorage.getItem(CLIPBOARD) ?? 'null') as Clipboard | null
    return data !== null && typeof data === 'object' && typeof data.nodes === 'object' ? data : undefined
  } catch {
    return undefined
  }
}

/** Copies the selected nodes' data (as written) and positions to this browser's storage, so another tab can paste them. */
export function copySelection(): number {
  const { draft } = useDraft.getState()
  const { selection, layout, setStatus } = useEditor.getState()
  const ids = selection.filter((id) => draft.nodes[id] !== undefined)
  if (ids.length === 0) return 0
  const clipboard: Clipboard = {
    nodes: Object.fromEntries(ids.map((id) => [id, structuredClone(draft.nodes[id]!.data)])),
    positions: Object.fromEntries(ids.flatMap((id) => (layout.nodes[id] !== undefined ? [[id, layout.nodes[id]]] : []))),
    pastes: 0,
  }
  localStorage.setItem(CLIPBOARD, JSON.stringify(clipboard))
  setStatus(`Copied ${ids.length} node${ids.length === 1 ? '' : 's'}`)
  return ids.length
}

/**
 * Pastes the copied nodes under fresh ids (edges among them follow the copies), 40px below and
 * right of the originals (or around `fallback` when they had no position), and selects them.
 */
export function pasteClipboard(fallback: Point): void {
  const clipboard = readClipboard()
  if (clipboard === undefined || Object.keys(clipboard.nodes).length === 0) return
  const copied: Record<string, FlowNode> = {}
  for (const [id, data] of Object.entries(clipboard.nodes)) {
    const known = typeof data.type === 'string' && data.type !== ''
    // Menus and branches are made safe for edgesOf; anything else is pasted exactly as copied.
    copied[id] = known && (data.type === 'menu' || data.type === 'branch') ? edgeSafe({ kind: data.type, data }) : (data as unknown as FlowNode)
  }
  let ids: Record<string, string> = {}
  const ok = edit((text, flow) => {
    const pasted = pasteNodes(text, flow, copied)
    ids = pasted.ids
    return pasted.text
  })
  if (!ok) return
  const offset = PASTE_OFFSET * (clipboard.pastes + 1)
  const positions: Record<string, Point> = {}
  let i = 0
  for (const [from, to] of Object.entries(ids)) {
    const at = clipboard.positions[from]
    positions[to] = at !== undefined ? { x: at.x + offset, y: at.y + offset } : { x: fallback.x + i * PASTE_OFFSET, y: fallback.y + i * PASTE_OFFSET }
    i++
  }
  withinLastStep(() => useEditor.getState().moveNodes(positions))
  localStorage.setItem(CLIPBOARD, JSON.stringify({ ...clipboard, pastes: clipboard.pastes + 1 }))
  useEditor.getState().select(Object.values(ids))
  useEditor.getState().setStatus(`Pasted ${Object.keys(ids).length} node${Object.keys(ids).length === 1 ? '' : 's'}`)
}

// History -----------------------------------------------------------------------------------

/** Undoes the last change to the flow (typing in progress is committed first). */
export function undoEdit(): void {
  flushPending()
  if (useEditor.temporal.getState().pastStates.length === 0) return
  undo()
  useEditor.getState().setStatus('Undone')
}

export function redoEdit(): void {
  flushPending()
  if (useEditor.temporal.getState().futureStates.length === 0) return
  redo()
  useEditor.getState().setStatus('Redone')
}

// Opening and saving ------------------------------------------------------------------------

/** Refreshes the list of flows from the server. */
export async function reloadFlows(): Promise<void> {
  try {
    useUi.getState().set({ flows: await listFlows() })
  } catch (error) {
    useUi.getState().set({ loadError: `Couldn't list flows: ${message(error)}` })
  }
}

function showInUrl(id: string): void {
  const url = new URL(location.href)
  url.searchParams.set('flow', id)
  history.replaceState(null, '', url)
}

/** Asks before throwing away unsaved changes; true when there are none or the designer agrees. */
export function confirmDiscard(): boolean {
  flushPending()
  const state = useEditor.getState()
  return !isDirty(state) || confirm(`Discard the unsaved changes to ${state.flowId ?? 'this flow'}?`)
}

/** Opens a flow from the server (asking first when there are unsaved changes). */
export async function openFlow(id: string, ask = true): Promise<boolean> {
  if (ask && !confirmDiscard()) return false
  const ui = useUi.getState()
  ui.set({ loading: true, loadError: null })
  performance.mark('phonetree:open-start')
  try {
    const flow = await getFlow(id)
    performance.mark('phonetree:fetched')
    useEditor.getState().opened({ id, source: flow.source, layout: flow.layout, etag: flow.etag })
    performance.mark('phonetree:opened')
    useUi.getState().set({ selectedEdges: [] })
    showInUrl(id)
    requestFit()
    return true
  } catch (error) {
    useUi.getState().set({ loadError: `Couldn't open ${id}: ${message(error)}` })
    return false
  } finally {
    useUi.getState().set({ loading: false })
  }
}

function describeSave(result: { problems: readonly { severity: string }[]; current: boolean }): string {
  const errors = result.problems.filter((p) => p.severity === 'error').length
  if (errors === 0) return 'Saved'
  return `Saved with ${errors} error${errors === 1 ? '' : 's'}: calls keep getting the last version without errors`
}

/**
 * Saves the text and layout over the version the editor opened (or over `etag`, to overwrite
 * what is on disk after a conflict). A refused save opens the conflict dialog.
 */
export async function save(etag?: string): Promise<void> {
  flushPending()
  const state = useEditor.getState()
  const id = state.flowId
  if (id === null) return
  const sent = { text: state.text, layout: state.layout }
  state.setStatus('Saving…')
  const result = await saveFlow(id, { source: sent.text, layout: sent.layout, etag: etag ?? state.etag })
  if (useEditor.getState().flowId !== id) return
  if (result.kind === 'saved') {
    useEditor.getState().saved(result.etag)
    // What is on disk is what was sent, even if the designer kept typing while it went.
    useEditor.setState({ savedText: sent.text, savedLayout: sent.layout, status: describeSave(result) })
    void reloadFlows()
  } else if (result.kind === 'conflict') {
    useEditor.getState().setConflict(result.current)
    useEditor.getState().setStatus('Not saved: the file changed on disk since it was opened')
  } else {
    useEditor.getState().setStatus(`Couldn't save: ${result.message}`)
  }
}

/** Resolves a save conflict: overwrite the disk with the editor's version, or load the disk's. */
export async function resolveConflict(choice: 'mine' | 'theirs'): Promise<void> {
  const { conflict, flowId } = useEditor.getState()
  if (conflict === null || flowId === null) return
  if (choice === 'mine') {
    await save(conflict.etag)
    return
  }
  useEditor.getState().opened({ id: flowId, source: conflict.source, layout: parseLayout(conflict.layout), etag: conflict.etag })
  useEditor.getState().setStatus('Reloaded the version on disk')
}

/** The text of a new flow: the smallest flow that validates, a greeting and a goodbye. */
export function newFlowText(id: string): string {
  return [
    '# yaml-language-server: $schema=./flow.schema.json',
    `flow: ${id}`,
    'start: welcome',
    '',
    'nodes:',
    '  welcome:',
    '    type: say',
    '    prompt: Thanks for calling.',
    '    next: goodbye',
    '',
    '  goodbye:',
    '    type: hangup',
    '    prompt: Goodbye.',
    '',
  ].join('\n')
}

/** Creates a flow on the server (it must not exist yet) and opens it. Returns why not, or undefined. */
export async function createFlow(id: string): Promise<string | undefined> {
  if (!FLOW_ID.test(id)) return `"${id}" is not a flow id: use lower-case letters, digits and "-"`
  if (useUi.getState().flows.some((f) => f.id === id)) return `a flow "${id}" already exists`
  const result = await saveFlow(id, { source: newFlowText(id), layout: null, etag: null })
  if (result.kind === 'conflict') return `a flow "${id}" already exists`
  if (result.kind === 'error') return result.message
  await reloadFlows()
  await openFlow(id, false)
  return undefined
}

/** Replaces the layout (the automatic layout button): one undo step. */
export function replaceLayout(layout: Layout): void {
  useEditor.getState().setLayout(layout)
}
