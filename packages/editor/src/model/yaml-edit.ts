import { diff3Merge, LCS } from 'node-diff3'
import { isMap, isScalar, parseDocument } from 'yaml'
import type { Document } from 'yaml'
import { blocksOf, PARSE, parseRegion, PRINT, REGION_HEADER } from './node-blocks.ts'


/** What an edit touches, when the caller knows: only node `node` (`nodes.<node>…`). */
export interface EditScope {
  node: string
}

/**
 * The scope of an edit at a document path: a path inside one node (`['nodes', id, …]`) is
 * confined to that node.
 *
 * @example scopeOf(['nodes', 'welcome', 'prompt']) // { node: 'welcome' }
 */
export function scopeOf(path: readonly (string | number)[]): EditScope | undefined {
  return path[0] === 'nodes' && typeof path[1] === 'string' ? { node: path[1] } : undefined
}

/**
 * Applies an edit to YAML text the way a careful person would: only the lines the edit
 * changes are rewritten; every other line (comments, blank lines, quoting, spacing, key
 * order) stays byte for byte as it was.
 *
 * The yaml package re-prints a whole document in its own style, so the edit is made on the
 * parsed document and merged back with a three-way line merge: base = the original text
 * re-printed, ours = the original text, theirs = the edited document re-printed.
 *
 * With a `scope` (the edit only touches one node), only that node's lines are parsed, printed
 * and merged, and spliced back: the same result at a cost that does not grow with the file.
 * Whenever that cannot be shown to give the same result (see `node-blocks.ts`), or the edit
 * reached outside the node after all, the whole document is edited instead.
 *
 * @example applyEdit(text, (doc) => doc.setIn(['nodes', 'welcome', 'prompt'], 'Hello!'), { node: 'welcome' })
 */
export function applyEdit(text: string, edit: (doc: Document.Parsed) => void, scope?: EditScope): string {
  if (scope !== undefined) {
    const scoped = applyToNode(text, edit, scope.node)
    if (scoped !== undefined) return scoped
  }
  return applyToDocument(text, edit)
}

/** The whole-document way (also the reference the scoped way is tested against). */
export function applyToDocument(text: string, edit: (doc: Document.Parsed) => void): string {
  const doc = parseDocument(text, PARSE)
  if (doc.errors.length > 0) throw new Error(`cannot edit YAML with errors: ${doc.errors[0]!.message}`)
  return rewrite(text, doc, edit)
}

/** The scoped way: undefined when it does not apply (the caller edits the whole document). */
export function applyToNode(text: string, edit: (doc: Document.Parsed) => void, id: string): string | undefined {
  const index = blocksOf(text)
  const block = index?.blocks.find((b) => b.id === id)
  // Merging one node's lines gives what merging the whole file gives only where the printer
  // keeps every line where it is written (the whole-file merge then works line by line).
  if (index === undefined || block === undefined || !index.linesMatch || !block.aligned) return undefined
  const region = parseRegion(text, block.start, block.end, index.indent)
  if (region === undefined || region.blocks.length !== 1 || !region.linesMatch) return undefined
  const out = rewrite(REGION_HEADER + text.slice(block.start, block.end), region.doc, edit)
  if (!holdsOnly(region.doc, id) || !out.startsWith(REGION_HEADER)) return undefined
  return text.slice(0, block.start) + out.slice(REGION_HEADER.length) + text.slice(block.end)
}

/** Whether an edited region document still holds just `nodes.<id>` (the edit stayed in its scope). */
function holdsOnly(doc: Document.Parsed, id: string): boolean {
  const top = doc.contents
  if (!isMap(top) || top.items.length !== 1 || !isScalar(top.items[0]!.key) || top.items[0]!.key.value !== 'nodes') return false
  const nodes = top.items[0]!.value
  return isMap(nodes) && nodes.flow !== true && nodes.items.length === 1 && isScalar(nodes.items[0]!.key) && nodes.items[0]!.key.value === id
}

/** Makes `edit` on `doc` (parsed from `source`) and merges the re-printed result into `source`. */
function rewrite(source: string, doc: Document.Parsed, edit: (doc: Document.Parsed) => void): string {
  const base = doc.toString(PRINT)
  edit(doc)
  const theirs = doc.toString(PRINT)
  if (base === source) return theirs
  return mergeLines(source.split('\n'), base.split('\n'), theirs.split('\n')).join('\n')
}

/**
 * Three-way merge of lines. Where ours (formatting) and theirs (the edit) both changed a chunk,
 * theirs wins line by line, except lines theirs left as in base, which keep ours' formatting.
 */
export function mergeLines(ours: string[], base: string[], theirs: string[]): string[] {
  // An edit changes a few lines of a long file. The printer never adds or removes lines, so
  // ours and base line up by position: merge only the region where base and theirs differ,
  // which keeps a keystroke in a flow of thousands of nodes linear instead of quadratic.
  if (ours.length === base.length) {
    let head = 0
    while (head < base.length && head < theirs.length && base[head] === theirs[head]) head++
    let tail = 0
    while (tail < base.length - head && tail < theirs.length - head && base[base.length - 1 - tail] === theirs[theirs.length - 1 - tail]) tail++
    const middle = mergeAll(ours.slice(head, ours.length - tail), base.slice(head, base.length - tail), theirs.slice(head, theirs.length - tail))
    return [...ours.slice(0, head), ...middle, ...ours.slice(ours.length - tail)]
  }
  return mergeAll(ours, base, theirs)
}

function mergeAll(ours: string[], base: string[], theirs: string[]): string[] {
  const out: string[] = []
  for (const chunk of diff3Merge(ours, base, theirs, { excludeFalseConflicts: true })) {
    if (chunk.ok) {
      out.push(...chunk.ok)
      continue
    }
    const { a, o, b } = chunk.conflict!
    out.push(...resolve(a, o, b))
  }
  return out
}

function resolve(ours: string[], base: string[], theirs: string[]): string[] {
  // Formatting differences never add or remove lines, so base and ours correspond by position.
  if (ours.length !== base.length) return theirs
  const keptFromBase = new Map<number, number>()
  for (let link: ReturnType<typeof LCS> | null = LCS(base, theirs); link !== null && link.buffer1index >= 0; link = link.chain) {
    keptFromBase.set(link.buffer2index, link.buffer1index)
  }
  return theirs.map((line, i) => {
    const at = keptFromBase.get(i)
    return at !== undefined ? ours[at]! : line
  })
}
