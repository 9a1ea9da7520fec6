import { diff3Merge, LCS } from 'node-diff3'
import { parseDocument } from 'yaml'
import type { Document } from 'yaml'

/** How the editor prints YAML: never re-wrap long prompts. */
const PRINT = { lineWidth: 0, minContentWidth: 0 } as const

/**
 * Applies an edit to YAML text the way a careful person would: only the lines the edit
 * changes are rewritten; every other line (comments, blank lines, quoting, spacing, key
 * order) stays byte for byte as it was.
 *
 * The yaml package re-prints a whole document in its own style, so the edit is made on the
 * parsed document and merged back with a three-way line merge: base = the original text
 * re-printed, ours = the original text, theirs = the edited document re-printed.
 *
 * @example applyEdit(text, (doc) => doc.setIn(['nodes', 'welcome', 'prompt'], 'Hello!'))
 */
export function applyEdit(text: string, edit: (doc: Document.Parsed) => void): string {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false })
  if (doc.errors.length > 0) throw new Error(`cannot edit YAML with errors: ${doc.errors[0]!.message}`)
  const base = doc.toString(PRINT)
  edit(doc)
  const theirs = doc.toString(PRINT)
  if (base === text) return theirs
  return mergeLines(text.split('\n'), base.split('\n'), theirs.split('\n')).join('\n')
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
