import { diff3Merge, LCS } from 'node-diff3'
import { isMap, isScalar, parseDocument } from 'yaml'
import type { Document, Pair } from 'yaml'
import { blocksOf, PARSE, parseRegion, PRINT, REGION_HEADER } from './node-blocks.ts'
import type { NodeBlocks } from './node-blocks.ts'


/**
 * What an edit touches, when the caller knows: the existing nodes it may change or delete
 * (`nodes.<id>…`), and the ids of nodes it may create, either by renaming one of those
 * (`creates`) or by adding new ones at the end of the mapping (`appends`).
 */
export interface EditScope {
  nodes: readonly string[]
  creates?: readonly string[]
  appends?: boolean
}

/**
 * The scope of an edit at a document path: a path inside one node (`['nodes', id, …]`) is
 * confined to that node.
 *
 * @example scopeOf(['nodes', 'welcome', 'prompt']) // { nodes: ['welcome'] }
 */
export function scopeOf(path: readonly (string | number)[]): EditScope | undefined {
  return path[0] === 'nodes' && typeof path[1] === 'string' ? { nodes: [path[1]] } : undefined
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
 * With a `scope`, only the lines of the nodes it names (and the nodes between them) are
 * parsed, printed and merged, and spliced back: the same result at a cost that does not grow
 * with the file. Whenever that cannot be shown to give the same result (see `node-blocks.ts`),
 * or the edit reached outside its scope after all, the whole document is edited instead.
 *
 * @example applyEdit(text, (doc) => doc.setIn(['nodes', 'welcome', 'prompt'], 'Hello!'), { nodes: ['welcome'] })
 */
export function applyEdit(text: string, edit: (doc: Document.Parsed) => void, scope?: EditScope): string {
  if (scope !== undefined) {
    const scoped = applyToNodes(text, edit, scope)
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

/**
 * The scoped way for an edit of one node.
 *
 * @example applyToNode(text, (doc) => doc.setIn(['nodes', 'welcome', 'next'], 'menu'), 'welcome')
 */
export function applyToNode(text: string, edit: (doc: Document.Parsed) => void, id: string): string | undefined {
  return applyToNodes(text, edit, { nodes: [id] })
}

/**
 * The scoped way: edits the run of node blocks from the first to the last node in `scope`
 * (to the end of the mapping when it appends). Undefined when it does not apply, and the
 * caller edits the whole document.
 *
 * @example applyToNodes(text, (doc) => void doc.deleteIn(['nodes', 'sales']), { nodes: ['sales'] })
 */
export function applyToNodes(text: string, edit: (doc: Document.Parsed) => void, scope: EditScope): string | undefined {
  const index = blocksOf(text)
  if (index === undefined || !index.linesMatch || index.blocks.length === 0) return undefined
  const at = scope.nodes.map((id) => index.blocks.findIndex((b) => b.id === id))
  if (at.some((i) => i < 0) || (at.length === 0 && scope.appends !== true)) return undefined
  const last = index.blocks.length - 1
  const from = at.length > 0 ? Math.min(...at) : last
  const to = scope.appends === true ? last : Math.max(...at)
  const first = applyToRun(text, edit, scope, index, from, to)
  if (first !== DELETED) return first
  // A deleted node takes along the comments and blank lines above it and the comments
  // indented under it after its last value, which lie outside its block: the edit is made again
  // on the run with its neighbours, whose lines end and begin where those do. Before the first
  // node there is only the `nodes:` line (the text must have nothing else there).
  if (from === 0 && text.slice(index.from, index.blocks[0]!.start) !== '') return undefined
  const widened = applyToRun(text, edit, scope, index, Math.max(from - 1, 0), Math.min(to + 1, last), true)
  return widened === DELETED ? undefined : widened
}

/** What `applyToRun` says when the edit deleted a node and the run is not widened to its neighbours. */
const DELETED = Symbol('deleted')

/** The scoped edit of blocks `from`…`to`; `widened` when the run has the neighbours of its nodes. */
function applyToRun(text: string, edit: (doc: Document.Parsed) => void, scope: EditScope, index: NodeBlocks, from: number, to: number, widened = false): string | undefined | typeof DELETED {
  const run = index.blocks.slice(from, to + 1)
  // Merging these lines alone gives what merging the whole file gives only where the printer
  // keeps every line where it is written (the whole-file merge then works line by line).
  if (run.some((b) => !b.aligned)) return undefined
  const start = run[0]!.start
  const end = run.at(-1)!.end
  const region = parseRegion(text, start, end, index.indent)
  // The run read on its own must find the same blocks where the whole text has them (a
  // comment at the edge of a region can fall to no node, see `reindex`).
  if (region?.map === undefined || !region.linesMatch || region.blocks.length !== run.length) return undefined
  if (region.blocks.some((b, k) => b.start !== run[k]!.start || b.end !== run[k]!.end)) return undefined
  const before = [...region.map.items]
  const out = rewrite(REGION_HEADER + text.slice(start, end), region.doc, edit)
  const atEnd = to === index.blocks.length - 1
  const change = stayedInScope(region.doc, before, scope, atEnd)
  if (change === undefined) return undefined
  if (change.deleted && !widened) return DELETED
  if (change.emptied || !out.startsWith(REGION_HEADER)) return undefined
  // What follows the last node (comments, blank lines) goes after nodes added or deleted at the end.
  if (atEnd && (change.added || change.deleted) && text.slice(end, index.to) !== '') return undefined
  return text.slice(0, start) + out.slice(REGION_HEADER.length) + text.slice(end)
}

const keyOf = (pair: Pair): unknown => (isScalar(pair.key) ? pair.key.value : pair.key)

/**
 * How an edit changed a region's nodes, when the region document still holds nothing but its
 * block `nodes` mapping, with the nodes it had in their order (some deleted, some renamed to an
 * id in `scope.creates`) and new ones only at its end, when that is the end of the file's
 * mapping and the scope appends: yaml adds a key at the end of its mapping, which in the
 * region is not the end of the file's. Undefined when the edit left its scope.
 */
function stayedInScope(doc: Document.Parsed, before: readonly Pair[], scope: EditScope, atEnd: boolean): { deleted: boolean; added: boolean; emptied: boolean } | undefined {
  const top = doc.contents
  if (!isMap(top) || top.items.length !== 1 || !isScalar(top.items[0]!.key) || top.items[0]!.key.value !== 'nodes') return undefined
  const nodes = top.items[0]!.value
  if (!isMap(nodes) || nodes.flow === true) return undefined
  // Every node deleted: the run must be made again with a neighbour (an empty mapping prints as `{}`).
  if (nodes.items.length === 0) return { deleted: true, added: false, emptied: true }
  const creates = new Set(scope.creates)
  const keysBefore = before.map(keyOf)
  const seen = new Set<unknown>()
  let next = 0
  let added = false
  for (const pair of nodes.items) {
    const key = keyOf(pair)
    if (typeof key !== 'string' || seen.has(key)) return undefined
    seen.add(key)
    const at = before.indexOf(pair, next)
    if (at >= 0 && !added) {
      if (key !== keysBefore[at] && !creates.has(key)) return undefined
      next = at + 1
    } else {
      if (!atEnd || scope.appends !== true || !creates.has(key)) return undefined
      added = true
    }
  }
  const kept = new Set<unknown>(nodes.items)
  return { deleted: before.some((p) => !kept.has(p)), added, emptied: false }
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
