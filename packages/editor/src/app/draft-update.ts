import { indexText, reindex, rememberBlocks } from '../model/node-blocks.ts'
import type { NodeBlocks } from '../model/node-blocks.ts'
import { draftOf, isRecord } from './draft.ts'
import type { Draft, DraftNode } from './draft.ts'
import { sameData } from './same-data.ts'

/** A draft with the text it was read from and where that text's nodes are. */
export interface DraftSource {
  text: string
  draft: Draft
  blocks: NodeBlocks | undefined
}

/**
 * The draft of `text`. When it differs from `previous` only inside the nodes mapping, only the
 * changed nodes' lines are parsed (an inspector edit, an undo, typing inside a node in the YAML
 * panel: well under a millisecond at any flow size); otherwise the whole text is. Either way a
 * node whose data did not change keeps its object from `previous` (see `keepUnchanged`), so the
 * canvas can tell unchanged nodes by identity alone. Undefined when the text does not parse.
 *
 * @example const next = nextDraft(current, setField(current.text, 'welcome', ['prompt'], 'Hi'))
 */
export function nextDraft(previous: DraftSource | undefined, text: string): DraftSource | undefined {
  if (previous !== undefined && previous.text === text) return previous
  if (previous?.blocks !== undefined) {
    const again = reindex(previous.text, previous.blocks, text)
    const part = again !== undefined ? draftOf(again.region.doc) : undefined
    if (again !== undefined && part !== undefined) {
      rememberBlocks(text, again.blocks)
      const changed = new Set(again.region.blocks.map((b) => b.id))
      const nodes: Record<string, DraftNode> = {}
      const data: Record<string, unknown> = {}
      const before = isRecord(previous.draft.top.nodes) ? previous.draft.top.nodes : {}
      for (const { id } of again.blocks.blocks) {
        nodes[id] = changed.has(id) ? part.nodes[id]! : previous.draft.nodes[id]!
        data[id] = changed.has(id) ? (part.top.nodes as Record<string, unknown>)[id] : before[id]
      }
      const draft = { ...previous.draft, top: { ...previous.draft.top, nodes: data }, nodes }
      return { text, blocks: again.blocks, draft: keepUnchanged(previous.draft, draft) }
    }
  }
  const { doc, blocks } = indexText(text)
  rememberBlocks(text, blocks)
  const draft = draftOf(doc)
  if (draft === undefined) return undefined
  return { text, blocks, draft: previous === undefined ? draft : keepUnchanged(previous.draft, draft) }
}

/**
 * `next` with every node whose data equals its namesake's in `previous` replaced by that very
 * object (in `nodes` and in `top.nodes` alike). Adding, deleting or renaming one node reparses
 * the whole text, and this keeps the other nodes' drawings.
 *
 * @example keepUnchanged(before, draftOf(doc)!).nodes.welcome === before.nodes.welcome
 */
export function keepUnchanged(previous: Draft, next: Draft): Draft {
  const topBefore = isRecord(previous.top.nodes) ? previous.top.nodes : {}
  const topNext = isRecord(next.top.nodes) ? next.top.nodes : undefined
  const nodes: Record<string, DraftNode> = {}
  const data: Record<string, unknown> = {}
  let kept = 0
  for (const [id, node] of Object.entries(next.nodes)) {
    const old = previous.nodes[id]
    const keep = old !== undefined && old !== node && sameNode(old, node)
    nodes[id] = keep ? old : node
    data[id] = keep ? topBefore[id] : topNext?.[id]
    if (keep) kept++
  }
  if (kept === 0 || topNext === undefined) return kept === 0 ? next : { ...next, nodes }
  return { ...next, top: { ...next.top, nodes: data }, nodes }
}

const sameNode = (a: DraftNode, b: DraftNode): boolean => a.kind === b.kind && sameData(a.keyOrder, b.keyOrder) && sameData(a.data, b.data)
