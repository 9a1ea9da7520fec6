import type { Highlight } from '../store/editor-store.ts'

/** A transition a call took, as the engine reports it (`from` is `*` for flow-wide hang-ups and errors). */
export interface PathStep {
  from: string
  handle: string
  to: string
}

/** No emphasis on the canvas. */
export const NO_HIGHLIGHT: Highlight = { visited: [], taken: [] }

/**
 * What the canvas should emphasise for a call that started at `start` and took `path`: the
 * nodes it went through (first visit order) and the transitions as `from|handle`. Only nodes
 * in `nodes` count, so a call recorded on an older version of the flow highlights what still
 * exists; the engine's `$failed`/`$hungup` states are never drawn. A flow-wide transition
 * (`*`) is drawn from the node the call was at.
 *
 * @example highlightOf(flow.nodes, 'welcome', [{ from: 'welcome', handle: 'next', to: 'menu' }]) // { current: 'menu', visited: ['welcome', 'menu'], taken: ['welcome|next'] }
 */
export function highlightOf(nodes: Readonly<Record<string, unknown>>, start: string | undefined, path: readonly PathStep[], current?: string): Highlight {
  const exists = (id: string | undefined): id is string => id !== undefined && Object.hasOwn(nodes, id)
  const visited = new Set<string>()
  const taken = new Set<string>()
  if (exists(start)) visited.add(start)
  let at = start
  for (const step of path) {
    const from = step.from === '*' ? at : step.from
    if (exists(from)) taken.add(`${from}|${step.handle}`)
    if (exists(step.to)) visited.add(step.to)
    at = step.to
  }
  const now = current ?? at
  return { ...(exists(now) ? { current: now } : {}), visited: [...visited], taken: [...taken] }
}

