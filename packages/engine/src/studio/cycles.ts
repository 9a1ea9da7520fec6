import { edgesOf } from '../schema/edges.ts'
import { CALLER_INPUT_TYPES } from '../schema/flow.ts'
import type { FlowNode } from '../schema/flow.ts'
import type { Conversion, NodeInput } from './context.ts'

/**
 * Studio answers every widget in its own webhook round trip, so a loop of say-plays, splits
 * and requests (`http → split "pending" → say "please hold" → http`) plays out one step at a
 * time. Phonetree runs such nodes within one webhook and refuses a loop that never waits for
 * the caller (INPUT_FREE_CYCLE). Each such loop gets a wait node: a menu without choices that
 * listens for a second and then goes on, whatever the caller does, so the loop keeps Studio's
 * pace and the flow stays valid.
 */

/**
 * Puts a one-second wait node on every edge that closes a loop without caller input.
 *
 * @example breakInputFreeLoops(conversion, 'welcome') // the conversion now has e.g. 'poll-wait'
 */
export function breakInputFreeLoops(cx: Conversion, start: string): void {
  const free = (id: string) => {
    const node = cx.nodes.get(id)
    return node !== undefined && !CALLER_INPUT_TYPES.has(node.type)
  }
  const waits = new Map<string, string>()
  const state = new Map<string, 'open' | 'done'>()
  // Iterative depth-first search: an edge to a node still open closes a loop.
  const roots = [start, ...cx.nodes.keys()]
  for (const root of roots) {
    if (!free(root) || state.has(root)) continue
    const stack: Array<{ id: string; edges: ReturnType<typeof edgesOf>; next: number }> = [{ id: root, edges: edgesOf(root, cx.nodes.get(root) as FlowNode), next: 0 }]
    state.set(root, 'open')
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!
      if (frame.next >= frame.edges.length) {
        state.set(frame.id, 'done')
        stack.pop()
        continue
      }
      const edge = frame.edges[frame.next++]!
      if (!free(edge.to)) continue
      if (state.get(edge.to) === 'open') {
        const wait = waits.get(edge.to) ?? addWait(cx, edge.to)
        waits.set(edge.to, wait)
        setAt(cx.nodes.get(edge.from)!, edge.path, wait)
        const widget = cx.widget(cx.ids.widgetOf(edge.from) ?? cx.ids.widgetOf(edge.to))
        if (widget !== undefined) cx.warn(widget, `loops back to "${edge.to}" without waiting for the caller; Phonetree answers a webhook in one go, so the wait node "${wait}" (one second) now sits in the loop`)
      } else if (!state.has(edge.to)) {
        state.set(edge.to, 'open')
        stack.push({ id: edge.to, edges: edgesOf(edge.to, cx.nodes.get(edge.to) as FlowNode), next: 0 })
      }
    }
  }
}

function addWait(cx: Conversion, to: string): string {
  const id = cx.addSynthetic(`${to}-wait`, {
    type: 'menu',
    description: `Waits a second in a loop that never asks the caller anything, then goes on to "${to}" (Studio took one webhook per widget).`,
    prompt: '',
    choices: {},
    timeout: 1,
    maxNoInput: 1,
    maxNoMatch: 1,
    onFailure: to,
  })
  const at = cx.positions.get(to)
  if (at !== undefined) cx.positions.set(id, { x: at.x - 200, y: at.y - 100 })
  return id
}

function setAt(node: NodeInput, path: readonly (string | number)[], value: string): void {
  let at: unknown = node
  for (const key of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[key]
  const last = path[path.length - 1]!
  const holder = at as Record<string | number, unknown>
  holder[last] = value
}
