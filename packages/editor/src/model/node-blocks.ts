import { isAlias, isMap, isScalar, parseDocument, visit } from 'yaml'
import type { Document, Node as YamlNode, YAMLMap } from 'yaml'

/**
 * Where each node of a flow is in its YAML text, so that an edit or a re-read can work on one
 * node's lines instead of the whole file. A flow of 500 nodes is ~40 kB of YAML: parsing and
 * printing all of it costs hundreds of ms in a browser, one node's lines well under one.
 *
 * An index only exists for texts where a node's lines can be read on their own and mean the
 * same as in the file: the text parses without errors, has no anchors or aliases (a node could
 * share content with another) and no keep-chomped block scalars (`|+`, whose trailing blank
 * lines belong to the value), the top level is a block mapping and `nodes` a block mapping of
 * unique plain or quoted keys. Anything else goes the whole-document way.
 */

/** One node's lines: from the start of its key's line to the end of its value's last line. */
export interface NodeBlock {
  id: string
  start: number
  end: number
  /**
   * Whether the printer puts this node on the same lines as the text has it (its key line and
   * the next node's key line print where they are written). Only then does merging the edited
   * print of these lines alone give what merging the whole file's print gives.
   */
  aligned: boolean
}

export interface NodeBlocks {
  /** Nodes in file order. */
  blocks: NodeBlock[]
  /** The start of the line after `nodes:`, and the end of the nodes mapping's lines (the next top-level key's line, or the end of the text). */
  from: number
  to: number
  /** The indentation of node keys. */
  indent: number
  /** Whether the whole text prints to as many lines as it has (see `NodeBlock.aligned`). */
  linesMatch: boolean
}

/** How the editor parses YAML everywhere (as the engine does: duplicate keys are the validator's to report). */
export const PARSE = { keepSourceTokens: false, uniqueKeys: false } as const

/** How the editor prints YAML: never re-wrap long prompts. */
export const PRINT = { lineWidth: 0, minContentWidth: 0 } as const

/** The header a region of node lines is parsed under, so it reads as it does in the file. */
export const REGION_HEADER = 'nodes:\n'

const KEEP_CHOMPING = /[|>][1-9]?\+/

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf('\n', at)
  return nl < 0 ? text.length : nl + 1
}

/** Whether a document has anything that makes one node's lines depend on others' (anchors, aliases). */
function hasSharing(doc: Document.Parsed): boolean {
  let found = false
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node) || (node as YamlNode).anchor !== undefined) {
        found = true
        return visit.BREAK
      }
      return undefined
    },
  })
  return found
}

/** The blocks of a `nodes` mapping as parsed from `text`, offsets shifted by `shift`; undefined when one is not a plain node. */
function blocksOfMap(map: YAMLMap, text: string, shift: number): { blocks: NodeBlock[]; indent: number } | undefined {
  if (map.flow === true) return undefined
  const blocks: NodeBlock[] = []
  let indent = -1
  for (const pair of map.items) {
    const key = pair.key
    if (!isScalar(key) || typeof key.value !== 'string' || key.range == null) return undefined
    if (key.type !== 'PLAIN' && key.type !== 'QUOTE_DOUBLE' && key.type !== 'QUOTE_SINGLE') return undefined
    const start = lineStart(text, key.range[0])
    const keyIndent = key.range[0] - start
    if (text.slice(start, key.range[0]).trim() !== '' || (indent >= 0 && keyIndent !== indent)) return undefined
    indent = keyIndent
    const value = pair.value as YamlNode | null
    const contentEnd = value?.range != null ? Math.max(value.range[1], key.range[1]) : key.range[1]
    const end = contentEnd > 0 && text[contentEnd - 1] === '\n' ? contentEnd : lineEnd(text, contentEnd)
    blocks.push({ id: key.value, start: start + shift, end: end + shift, aligned: false })
  }
  return { blocks, indent }
}

/**
 * Marks which blocks print on their own lines (see `NodeBlock.aligned`), from the document's
 * print; returns whether the print has as many lines as the source.
 */
function align(source: string, doc: Document.Parsed, blocks: NodeBlock[], shift: number): boolean {
  const written = source.split('\n')
  const printed = doc.toString(PRINT).split('\n')
  if (written.length !== printed.length) return false
  const lineStarts: number[] = [0]
  for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) lineStarts.push(at + 1)
  const lineOf = (offset: number): number => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }
  const keyLines = blocks.map((b) => lineOf(b.start - shift))
  const same = keyLines.map((line) => written[line] === printed[line])
  blocks.forEach((b, i) => {
    b.aligned = same[i]! && (i + 1 < blocks.length ? same[i + 1]! : true)
  })
  return true
}

/**
 * Indexes a whole text (one full parse). Returns the parsed document too, for callers that
 * read it anyway.
 *
 * @example indexText('nodes:\n  a:\n    type: hangup\n').blocks?.blocks // [{ id: 'a', start: 7, end: 32 }]
 */
export function indexText(text: string): { doc: Document.Parsed; blocks: NodeBlocks | undefined } {
  const doc = parseDocument(text, PARSE)
  return { doc, blocks: blocksOfDocument(doc, text) }
}

function blocksOfDocument(doc: Document.Parsed, text: string): NodeBlocks | undefined {
  if (doc.errors.length > 0 || doc.warnings.length > 0 || KEEP_CHOMPING.test(text)) return undefined
  const top = doc.contents
  if (!isMap(top) || top.flow === true || hasSharing(doc)) return undefined
  const at = top.items.findIndex((p) => isScalar(p.key) && p.key.value === 'nodes')
  const pair = top.items[at]
  if (pair === undefined || !isScalar(pair.key) || pair.key.range == null || !isMap(pair.value)) return undefined
  if (top.items.some((p, i) => i !== at && isScalar(p.key) && p.key.value === 'nodes')) return undefined
  const found = blocksOfMap(pair.value, text, 0)
  if (found === undefined || found.indent <= 0 || new Set(found.blocks.map((b) => b.id)).size !== found.blocks.length) return undefined
  const from = lineEnd(text, pair.key.range[1])
  const next = top.items[at + 1]?.key
  const to = next === undefined ? text.length : isScalar(next) && next.range != null ? lineStart(text, next.range[0]) : -1
  if (to < 0 || (found.blocks[0] !== undefined && found.blocks[0].start < from)) return undefined
  const linesMatch = align(text, doc, found.blocks, 0)
  return { blocks: found.blocks, from, to, indent: found.indent, linesMatch }
}

/** A region of node lines parsed on its own: its document and the blocks in it, in the whole text's offsets. */
export interface Region {
  /** Offsets of the region in the text it was cut from. */
  start: number
  end: number
  /** The region parsed under `REGION_HEADER`. */
  doc: Document.Parsed
  /** The region's nodes mapping (undefined when the region holds no node). */
  map: YAMLMap | undefined
  blocks: NodeBlock[]
  /** Whether the region prints to as many lines as it has. */
  linesMatch: boolean
}

/**
 * Parses `text.slice(start, end)`, a run of whole node blocks at indentation `indent`, on its
 * own. Undefined when the region does not read as node blocks alone (a syntax error, a line
 * that would leave the nodes mapping, an anchor or alias, a key at another indentation).
 *
 * @example parseRegion(text, blocks.blocks[3].start, blocks.blocks[3].end, blocks.indent)
 */
export function parseRegion(text: string, start: number, end: number, indent: number): Region | undefined {
  // Whole lines only: a change that joined the region's last line with the next (or the line
  // after the mapping) would read fine here and not in the file.
  if ((start > 0 && text[start - 1] !== '\n') || (end < text.length && text[end - 1] !== '\n')) return undefined
  const slice = text.slice(start, end)
  if (KEEP_CHOMPING.test(slice)) return undefined
  const source = REGION_HEADER + slice
  const doc = parseDocument(source, PARSE)
  if (doc.errors.length > 0 || doc.warnings.length > 0 || hasSharing(doc)) return undefined
  const top = doc.contents
  if (!isMap(top) || top.items.length !== 1) return undefined
  const value = top.items[0]!.value
  if (value === null || (isScalar(value) && value.value === null)) return { start, end, doc, map: undefined, blocks: [], linesMatch: doc.toString(PRINT).split('\n').length === source.split('\n').length }
  if (!isMap(value)) return undefined
  const found = blocksOfMap(value, source, start - REGION_HEADER.length)
  if (found === undefined || (found.blocks.length > 0 && found.indent !== indent)) return undefined
  const linesMatch = align(source, doc, found.blocks, start - REGION_HEADER.length)
  return { start, end, doc, map: value, blocks: found.blocks, linesMatch }
}

/**
 * The index of `next`, given the index of `previous` and that `next` differs from it only
 * inside the nodes mapping: the changed lines (and the blocks around them) are parsed on their
 * own. Also returns that region (in `next`'s offsets) and which of the previous blocks it
 * replaced. Undefined when the change reaches outside the nodes mapping or the region does not
 * parse on its own: the caller then reads the whole text.
 *
 * @example reindex(before, blocksBefore, after)?.blocks.blocks.map((b) => b.id)
 */
export function reindex(previous: string, index: NodeBlocks, next: string): { blocks: NodeBlocks; region: Region; replaced: [number, number] } | undefined {
  const head = sameStart(previous, next)
  const tail = sameEnd(previous, next, Math.min(previous.length, next.length) - head)
  const changedEnd = previous.length - tail
  if (head < index.from || changedEnd > index.to) return undefined
  const { blocks } = index
  // The region: from the start of the last block starting at or before the change, to the end
  // of the block after the first block ending at or after it (or the mapping's own edges); the
  // blocks between are the ones it replaces. An insertion exactly between two blocks replaces
  // none. The unchanged block after the change is read too, so that the changed lines are
  // followed by what follows them in the file: at the end of a region, a value can take in
  // blank lines or a comment that in the file end before the next node.
  let i = blocks.length - 1
  while (i >= 0 && blocks[i]!.start > head) i--
  let j = 0
  while (j < blocks.length && blocks[j]!.end < changedEnd) j++
  const from = Math.max(i, 0)
  const after = j + 1 < blocks.length ? blocks[j + 1]! : undefined
  const to = Math.max(after !== undefined ? j + 2 : blocks.length, from)
  const start = i >= 0 ? blocks[i]!.start : index.from
  const end = after !== undefined ? after.end : index.to
  const delta = next.length - previous.length
  const region = parseRegion(next, start, end + delta, index.indent)
  if (region === undefined) return undefined
  // The region must read as the file does at its edges: its first block where the block it
  // replaces began, and the block after the change unchanged.
  const first = region.blocks[0]
  const last = region.blocks.at(-1)
  if (i >= 0 && first !== undefined && first.start !== start) return undefined
  if (after !== undefined && (last === undefined || last.id !== after.id || last.start !== after.start + delta || last.end !== after.end + delta)) return undefined
  const outside = [...blocks.slice(0, from), ...blocks.slice(to)]
  const ids = [...outside, ...region.blocks].map((b) => b.id)
  if (new Set(ids).size !== ids.length) return undefined
  const shifted = blocks.slice(to).map((b) => ({ ...b, start: b.start + delta, end: b.end + delta }))
  return {
    blocks: { blocks: [...blocks.slice(0, from), ...region.blocks, ...shifted], from: index.from, to: index.to + delta, indent: index.indent, linesMatch: index.linesMatch && region.linesMatch },
    region,
    replaced: [from, to],
  }
}

/**
 * Chunk size for comparing texts: whole chunks are compared natively, and only the chunk that
 * differs character by character. A character loop over a 70 kB flow costs milliseconds while
 * it runs unoptimised, which it does when it runs once per edit.
 */
const CHUNK = 512

/** How many characters `a` and `b` have in common at their start. */
export function sameStart(a: string, b: string): number {
  const limit = Math.min(a.length, b.length)
  let at = 0
  while (at + CHUNK <= limit && a.slice(at, at + CHUNK) === b.slice(at, at + CHUNK)) at += CHUNK
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++
  return at
}

/** How many characters `a` and `b` have in common at their end, counting at most `limit`. */
export function sameEnd(a: string, b: string, limit: number): number {
  let n = 0
  while (n + CHUNK <= limit && a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)) n += CHUNK
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++
  return n
}

/** Indexes of recent texts (the store's current text, the last few undo steps). */
const recent = new Map<string, NodeBlocks | undefined>()
const RECENT_LIMIT = 8

/**
 * Records the index of a text (computed by the caller, e.g. incrementally with `reindex`).
 *
 * @example rememberBlocks(text, blocks)
 */
export function rememberBlocks(text: string, blocks: NodeBlocks | undefined): void {
  recent.delete(text)
  recent.set(text, blocks)
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!)
}

/**
 * The index of a text: remembered, or computed with a full parse (and remembered).
 *
 * @example blocksOf(text)?.blocks.find((b) => b.id === 'welcome')
 */
export function blocksOf(text: string): NodeBlocks | undefined {
  if (recent.has(text)) return recent.get(text)
  const { blocks } = indexText(text)
  rememberBlocks(text, blocks)
  return blocks
}
