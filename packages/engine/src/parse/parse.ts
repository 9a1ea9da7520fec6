import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Document, Node as YamlNode, Pair } from 'yaml'
import type { FlowProblem } from '../errors.ts'

/** A YAML file parsed with positions kept, so later stages can point at keys and values. */
export interface SourceDocument {
  file: string
  text: string
  doc: Document.Parsed
  lines: LineCounter
}

export type DocPath = readonly (string | number)[]

/**
 * Parses YAML text, keeping the document (for positions and in-place edits) and
 * reporting every syntax problem with its position instead of throwing.
 *
 * @example
 * const { source, problems } = parseSource('flow: x\nstart: a\n', 'flows/x.yaml')
 * source.doc.toJS() // { flow: 'x', start: 'a' }
 */
export function parseSource(text: string, file: string): { source: SourceDocument; problems: FlowProblem[] } {
  const lines = new LineCounter()
  // uniqueKeys catches repeated keys; the alias cap stops "billion laughs" documents.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false })
  const source: SourceDocument = { file, text, doc, lines }
  const problems: FlowProblem[] = []
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lines.linePos(error.pos[0])
    const duplicate = error.code === 'DUPLICATE_KEY'
    problems.push({
      code: duplicate ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX',
      message: firstLine(error.message) + (duplicate ? '' : ` (${error.code})`),
      file,
      line,
      col,
      severity: doc.errors.includes(error as never) ? 'error' : 'warning',
    })
  }
  return { source, problems }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** The pair in a mapping whose key reads as `key` (keys like `1` and `"1"` both match "1"). */
export function findPair(map: unknown, key: string | number): Pair<YamlNode, YamlNode | null> | undefined {
  if (!isMap(map)) return undefined
  return (map.items as Pair<YamlNode, YamlNode | null>[]).find((pair) => isScalar(pair.key) && String(pair.key.value) === String(key))
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
 * 'key' or the value is absent. A path that goes past what exists points at the deepest key
 * that does exist (where a missing key belongs).
 *
 * @example locate(source, ['nodes', 'menu', 'choices', '1']) // { line: 14, col: 7 }
 */
export function locate(source: SourceDocument, path: DocPath, prefer: 'key' | 'value' = 'value'): { line: number; col: number } {
  const { node, pair, depth } = nodeAt(source, path)
  const complete = depth === path.length
  const keyNode = pair && isScalar(pair.key) ? pair.key : undefined
  const target = (!complete || prefer === 'key') && keyNode ? keyNode : node ?? keyNode
  const offset = target?.range?.[0] ?? 0
  return source.lines.linePos(offset)
}
