import { indexText, reindex, rememberBlocks } from '../model/node-blocks.ts'
import type { NodeBlocks } from '../model/node-blocks.ts'
import { draftOf, isRecord } from './draft.ts'
import type { Draft, DraftNode } from './draft.ts'

/** A draft with the text it was read from and where that text's nodes are. */
export interface DraftSource {
  text: string
  draft: Draft
  blocks: NodeBlocks | undefined
}

/**
 * The draft of `text`. When it differs from `previous` only inside the nodes mapping, only the
 * changed nodes' lines are parsed (an inspector edit, an undo, typing inside a node in the YAML
 * panel: well under a millisecond at any flow size); otherwise the whole text is. Unchanged
 * nodes keep their objects, so the canvas can tell them unchanged. Undefined when the text does
 * not parse.
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
      return { text, blocks: again.blocks, draft: { ...previous.draft, top: { ...previous.draft.top, nodes: data }, nodes } }
    }
  }
  const { doc, blocks } = indexText(text)
  rememberBlocks(text, blocks)
  const draft = draftOf(doc)
  return draft === undefined ? undefined : { text, blocks, draft }
}
