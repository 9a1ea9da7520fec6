import { promptText } from '../app/draft.ts'
import type { Draft } from '../app/draft.ts'

const MAX_RESULTS = 8

export interface SearchHit {
  id: string
  /** The prompt text around the match, or the prompt's start when the id matched. */
  snippet: string
}

/**
 * Nodes whose id or prompt contains the query (case-insensitive): id matches first.
 *
 * @example searchNodes(draft, 'sales') // [{ id: 'sales', snippet: 'Connecting you to sales.' }, …]
 */
export function searchNodes(draft: Draft, query: string, limit = MAX_RESULTS): SearchHit[] {
  const q = query.trim().toLowerCase()
  if (q === '') return []
  const byId: SearchHit[] = []
  const byText: SearchHit[] = []
  for (const [id, node] of Object.entries(draft.nodes)) {
    const text = promptText(node.data.prompt)
    if (id.toLowerCase().includes(q)) byId.push({ id, snippet: text.slice(0, 60) })
    else {
      const at = text.toLowerCase().indexOf(q)
      if (at < 0) continue
      // Start the snippet at a word a little before the match.
      const from = at > 20 ? text.lastIndexOf(' ', at - 20) + 1 : 0
      byText.push({ id, snippet: `${from > 0 ? '…' : ''}${text.slice(from, at + q.length + 40)}` })
    }
    if (byId.length >= limit) break
  }
  return [...byId, ...byText].slice(0, limit)
}
