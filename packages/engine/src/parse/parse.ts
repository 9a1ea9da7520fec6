import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Alias, Document, Node as YamlNode, Pair, YAMLError } from 'yaml'
import type { FlowProblem, ProblemCode } from '../errors.ts'
import { quickRead } from './quick-read.ts'

/** A YAML file parsed with positions kept, so later stages can point at keys and values. */
export interface SourceDocument {
  readonly file: string
  readonly text: string
  /**
   * yaml's Document, with every node's position. A file in the plain subset of YAML is read
   * without it (see quick-read.ts); it is then built on first use, such as locating a problem.
   */
  readonly doc: Document.Parsed
  /** Where each line starts, for turning offsets into lines and columns; built on first use. */
  readonly lines: LineCounter
  /** The file as data, when it was read without the Document (read-only: it is shared). */
  readonly data?: unknown
}

/** Options for yaml's parser, the same for every file (see parseWithYaml). */
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, keepSourceTokens: false } as const

/** A SourceDocument whose Document and line table are made when first asked for. */
class Source implements SourceDocument {
  #doc: Document.Parsed | undefined
  #lines: LineCounter | undefined

  constructor(readonly file: string, readonly text: string, readonly data?: unknown, doc?: Document.Parsed) {
    this.#doc = doc
  }

  get doc(): Document.Parsed {
    return (this.#doc ??= parseDocument(this.text, YAML_OPTIONS))
  }

  get lines(): LineCounter {
    return (this.#lines ??= countLines(this.text))
  }
}

export type DocPath = readonly (string | number)[]

/**
 * Aliases may make a file read as at most this many times the values written in it (or
 * ALIAS_FLOOR values, for small files). Sharing a prompt or a list of choices stays far below;
 * an "alias bomb" (aliases of lists of aliases of lists…) grows past it within a few levels.
 */
const ALIAS_GROWTH = 10
const ALIAS_FLOOR = 1_000

/**
 * Parses YAML text, keeping the document (for positions and in-place edits) and
 * reporting every syntax problem with its position instead of throwing: malformed YAML,
 * repeated keys, keys that are not text, aliases that name no anchor or expand without bound.
 *
 * A file written in the plain subset of YAML that flows use is read straight to data (`data`),
 * and the Document is only built if something asks for it; that subset has none of the
 * problems above, so they are the same either way.
 *
 * @example
 * const { source, problems } = parseSource('flow: x\nstart: a\n', 'flows/x.yaml')
 * source.doc.toJS() // { flow: 'x', start: 'a' }
 */
export function parseSource(text: string, file: string): { source: SourceDocument; problems: FlowProblem[] } {
  const quick = quickRead(text)
  if (quick !== undefined) return { source: new Source(file, text, quick.data), problems: [] }
  return parseWithYaml(text, file)
}

/**
 * parseSource without the quick reader: yaml parses the file and every problem is looked for.
 *
 * @example parseWithYaml('a: *x\n', 'flows/x.yaml').problems[0].code // 'YAML_SYNTAX'
 */
export function parseWithYaml(text: string, file: string): { source: SourceDocument; problems: FlowProblem[] } {
  // uniqueKeys is off because yaml compares each key with every earlier one, which takes
  // seconds on a flow of thousands of nodes; structureProblems finds repeats with one Set per
  // mapping. Lines are counted from the text: yaml's LineCounter misses line breaks inside
  // plain scalars it recovers from, which put errors past the end of their line.
  const doc = parseDocument(text, YAML_OPTIONS)
  const source = new Source(file, text, undefined, doc)
  const problems = [
    ...doc.errors.map((error) => syntaxProblem(source, error, 'error')),
    ...doc.warnings.map((warning) => syntaxProblem(source, warning, 'warning')),
    ...structureProblems(source),
  ].sort((a, b) => a.line - b.line || a.col - b.col)
  return { source, problems }
}

/** A LineCounter that knows every line of the text (a line ends at "\n", as editors count). */
function countLines(text: string): LineCounter {
  const lines = new LineCounter()
  lines.addNewLine(0)
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines.addNewLine(at + 1)
  return lines
}

/** The 1-based line and column of an offset into the text (offsets past the end clamp to it). */
export function position(source: SourceDocument, offset: number): { line: number; col: number } {
  return source.lines.linePos(Math.max(0, Math.min(offset, source.text.length)))
}

function problemAt(source: SourceDocument, offset: number, code: ProblemCode, message: string, severity: 'error' | 'warning' = 'error'): FlowProblem {
  return { code, message, file: source.file, ...position(source, offset), severity }
}

/** One of yaml's errors or warnings, in words that say what to change where possible. */
function syntaxProblem(source: SourceDocument, error: YAMLError, severity: 'error' | 'warning'): FlowProblem {
  if (error.code === 'MULTIPLE_DOCS') {
    const kind = /\.test\.ya?ml$/.test(source.file) ? 'a test file' : 'a flow file'
    return problemAt(source, error.pos[0], 'YAML_SYNTAX', `${kind} holds one YAML document: remove the \`---\` line and what follows it, or move that part to a file of its own`, severity)
  }
  if (error.code === 'MISSING_CHAR' && error.message.includes('quote')) {
    // yaml reports the missing quote where the text ends; the quote that opened it is more use.
    const quoted = unclosedQuote(source.doc, error.pos[0])
    if (quoted?.range) {
      const mark = source.text[quoted.range[0]] ?? '"'
      return problemAt(source, quoted.range[0], 'YAML_SYNTAX', `the ${mark}quote that starts here is never closed: add the closing ${mark} where the text ends (MISSING_CHAR)`, severity)
    }
  }
  return problemAt(source, error.pos[0], 'YAML_SYNTAX', `${firstLine(error.message)} (${error.code})`, severity)
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** The quoted scalar that runs to `end` because its closing quote is missing. */
function unclosedQuote(doc: Document.Parsed, end: number): YamlNode | undefined {
  let found: YamlNode | undefined
  walk(doc.contents, (node) => {
    if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === end) found = node
  })
  return found
}

/** Visits every node under `root` in document order (keys before their values), without recursion. */
function walk(root: YamlNode | null, visit: (node: YamlNode) => void): void {
  const stack: YamlNode[] = root ? [root] : []
  while (stack.length > 0) {
    const node = stack.pop()!
    visit(node)
    const items = children(node)
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!)
  }
}

/** A collection's keys and values in document order; nothing for scalars and aliases. */
function children(node: YamlNode): YamlNode[] {
  if (isSeq(node)) return node.items.filter(isYamlNode)
  const inner: YamlNode[] = []
  if (isMap(node)) {
    for (const { key, value } of node.items as Pair<unknown, unknown>[]) {
      if (isYamlNode(key)) inner.push(key)
      if (isYamlNode(value)) inner.push(value)
    }
  }
  return inner
}

function isYamlNode(value: unknown): value is YamlNode {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value)
}

/** What the walk in structureProblems has learnt about anchors and aliases so far. */
interface AliasState {
  /** The latest node with each anchor, in document order (an alias names the one before it). */
  anchors: Map<string, YamlNode>
  /** Values a finished collection or alias reads as once aliases are expanded (scalars: 1). */
  sizes: Map<YamlNode, number>
  /** Collections being walked: an alias to one of them is inside what it names. */
  open: Set<YamlNode>
  /** Nodes as written, aliases counting 1. */
  written: number
  /** Values each resolved alias adds beyond itself, in document order. */
  expansions: Array<{ alias: Alias; extra: number }>
}

/**
 * Problems yaml itself lets pass, found in one walk of the document:
 * - a key given twice in one mapping (compared by value, as YAML does: `1` and `"1"` differ);
 * - a key that is a list, a mapping or an alias (a flow's keys are names);
 * - an alias that names no earlier anchor, or one inside the value it names (a loop);
 * - aliases that expand the file far beyond what is written (an "alias bomb").
 */
function structureProblems(source: SourceDocument): FlowProblem[] {
  const problems: FlowProblem[] = []
  const state: AliasState = { anchors: new Map(), sizes: new Map(), open: new Set(), written: 0, expansions: [] }
  // A collection is pushed twice: to enter it (no `inner`), then to leave it once its children are done.
  const stack: Array<{ node: YamlNode; inner?: YamlNode[] }> = source.doc.contents ? [{ node: source.doc.contents }] : []
  while (stack.length > 0) {
    const { node, inner } = stack.pop()!
    if (inner) {
      state.sizes.set(node, inner.reduce((sum, child) => sum + (state.sizes.get(child) ?? 1), 1))
      state.open.delete(node)
      continue
    }
    state.written++
    if (isAlias(node)) {
      const problem = resolveAlias(source, state, node)
      if (problem) problems.push(problem)
      continue
    }
    if (node.anchor !== undefined) state.anchors.set(node.anchor, node)
    if (isScalar(node)) continue
    if (isMap(node)) problems.push(...keyProblems(source, node.items as Pair<unknown, unknown>[]))
    const items = children(node)
    state.open.add(node)
    stack.push({ node, inner: items })
    for (let i = items.length - 1; i >= 0; i--) stack.push({ node: items[i]! })
  }
  const bomb = aliasBomb(state)
  if (bomb) problems.push(problemAt(source, bomb.alias.range?.[0] ?? 0, 'YAML_SYNTAX', bomb.message))
  return problems
}

/** Notes what an alias expands to, or says why it cannot be resolved. */
function resolveAlias(source: SourceDocument, state: AliasState, alias: Alias): FlowProblem | undefined {
  const target = state.anchors.get(alias.source)
  const at = alias.range?.[0] ?? 0
  if (target === undefined) {
    return problemAt(source, at, 'YAML_SYNTAX', `alias *${alias.source} names no anchor: write &${alias.source} on a value above it, or the value itself here`)
  }
  if (state.open.has(target)) {
    return problemAt(source, at, 'YAML_SYNTAX', `alias *${alias.source} is inside the value &${alias.source} it names, so that value would contain itself without end`)
  }
  const size = state.sizes.get(target) ?? 1
  state.sizes.set(alias, size)
  state.expansions.push({ alias, extra: size - 1 })
  return undefined
}

/** Repeated keys and keys that are not text, in one mapping. */
function keyProblems(source: SourceDocument, pairs: Pair<unknown, unknown>[]): FlowProblem[] {
  const problems: FlowProblem[] = []
  const seen = new Map<unknown, number>()
  for (const { key } of pairs) {
    if (key === null || key === undefined) continue
    if (!isScalar(key)) {
      const what = isAlias(key) ? 'an alias (write the key itself)' : isSeq(key) ? 'a list' : 'a mapping'
      problems.push(problemAt(source, isYamlNode(key) ? (key.range?.[0] ?? 0) : 0, 'YAML_SYNTAX', `a key must be text, not ${what}`))
      continue
    }
    const at = key.range?.[0] ?? 0
    const first = seen.get(key.value)
    if (first === undefined) seen.set(key.value, at)
    else problems.push(problemAt(source, at, 'YAML_DUPLICATE_KEY', `key "${String(key.value)}" is given twice (first on line ${position(source, first).line})`))
  }
  return problems
}

/** The alias at which the expanded file passes its allowance, with a message; undefined when it never does. */
function aliasBomb({ written, expansions }: AliasState): { alias: Alias; message: string } | undefined {
  const allowed = Math.max(ALIAS_FLOOR, ALIAS_GROWTH * written)
  let total = written
  for (const { alias, extra } of expansions) {
    total += extra
    if (total > allowed) {
      return { alias, message: `aliases make this file read as over ${allowed} values from the ${written} written in it; aliases of aliases multiply like this in an "alias bomb", so write the values out` }
    }
  }
  return undefined
}

/** The pair in a mapping whose key reads as `key` (keys like `1` and `"1"` both match "1"); the last one, as a repeated key's value replaces the earlier. */
export function findPair(map: unknown, key: string | number): Pair<YamlNode, YamlNode | null> | undefined {
  if (!isMap(map)) return undefined
  return (map.items as Pair<YamlNode, YamlNode | null>[]).findLast((pair) => isScalar(pair.key) && String(pair.key.value) === String(key))
}

/**
 * The YAML node at `path`, and the pair whose key led to it (so callers can point at the key).
 * Walks as far as the path exists and says how far it got.
 */
export function nodeAt(source: SourceDocument, path: DocPath): { node: YamlNode | null; pair?: Pair<YamlNode, YamlNode | null>; depth: number } {
  let node: YamlNode | null = source.doc.contents
  let pair: Pair<YamlNode, YamlNode | null> | undefined
  let depth = 0
  for (const segment of path) {
    if (isSeq(node) && typeof segment === 'number') {
      const next = node.items[segment] as YamlNode | undefined
      if (next === undefined) break
      node = next
      pair = undefined
    } else {
      const found = findPair(node, segment)
      if (found === undefined) break
      pair = found
      node = found.value
    }
    depth++
  }
  return { node, pair, depth }
}

/**
 * The 1-based line and column of the thing at `path`: the value, or its key when `prefer` is
 * 'key' or the value is absent or empty (`a:` with nothing after the colon). A path that goes
 * past what exists points at the deepest key that does exist (where a missing key belongs).
 *
 * @example locate(source, ['nodes', 'menu', 'choices', '1']) // { line: 14, col: 7 }
 */
export function locate(source: SourceDocument, path: DocPath, prefer: 'key' | 'value' = 'value'): { line: number; col: number } {
  const { node, pair, depth } = nodeAt(source, path)
  const complete = depth === path.length
  const keyNode = pair && isScalar(pair.key) ? pair.key : undefined
  const target = (!complete || prefer === 'key' || isEmpty(node)) && keyNode ? keyNode : node ?? keyNode
  return position(source, target?.range?.[0] ?? 0)
}

/** A value that is not written at all: nothing, or nothing after `key:`. */
function isEmpty(node: YamlNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1])
}

/**
 * The line and column of character `offset` of the text at `path`, when that text is written
 * on one line exactly as it reads up to there (plain or quoted, no escapes before it); else
 * where the value starts, as `locate` gives it.
 *
 * @example locateInText(source, ['nodes', 'a', 'prompt'], 18) // { line: 6, col: 32 }: inside "Hi {{ … }}"
 */
export function locateInText(source: SourceDocument, path: DocPath, offset: number): { line: number; col: number } {
  const { node, depth } = nodeAt(source, path)
  if (depth !== path.length || !isScalar(node) || typeof node.value !== 'string' || !node.range) return locate(source, path)
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : node.type === 'PLAIN' ? 0 : undefined
  if (quote === undefined) return locate(source, path)
  const start = node.range[0] + quote
  const written = source.text.slice(start, start + offset)
  if (written !== node.value.slice(0, offset) || written.includes('\n')) return locate(source, path)
  return position(source, start + offset)
}
