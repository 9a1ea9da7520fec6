import { isMap, isScalar } from 'yaml'
import type { Pair } from 'yaml'
import { z } from 'zod'
import type { FlowProblem, ProblemCode } from '../errors.ts'
import { hasErrors } from '../errors.ts'
import { FlowSchema } from '../schema/flow.ts'
import type { Flow } from '../schema/flow.ts'
import { findPair, locate, locateInText, parseSource, position } from '../parse/parse.ts'
import type { SourceDocument } from '../parse/parse.ts'
import { schemaProblems, schemasAt } from './schema-problems.ts'
import { graphProblems } from './graph.ts'
import type { PathProblem } from './graph.ts'
import { referenceProblems } from './references.ts'

/** A flow file after parsing and validation. `flow` is set when the file matched the schema. */
export interface LoadedFlow {
  file: string
  source: SourceDocument
  /** The typed flow, defaults applied; present whenever the schema accepted the file. */
  flow?: Flow
  /** Every problem, errors and warnings, in file order. */
  problems: FlowProblem[]
  /** True when the flow may be compiled and served: it parsed and has no errors. */
  ok: boolean
}

/**
 * Parses and validates a flow file, collecting every problem with its line and column.
 * Nothing is thrown for bad input.
 *
 * @example
 * const loaded = loadFlow(text, 'flows/support.yaml')
 * if (!loaded.ok) console.log(loaded.problems.map(formatProblem).join('\n'))
 */
export function loadFlow(text: string, file: string): LoadedFlow {
  return checkParsed(parseSource(text, file))
}

/**
 * loadFlow after parsing: validates what parseSource (or parseWithYaml) gave.
 *
 * @example checkParsed(parseWithYaml(text, 'flows/support.yaml')) // as loadFlow(text, 'flows/support.yaml')
 */
export function checkParsed({ source, problems }: { source: SourceDocument; problems: FlowProblem[] }): LoadedFlow {
  const { file } = source
  const done = (flow?: Flow): LoadedFlow => {
    problems.sort((a, b) => a.line - b.line || a.col - b.col)
    return { file, source, ...(flow ? { flow } : {}), problems, ok: flow !== undefined && !hasErrors(problems) }
  }
  if (hasErrors(problems)) return done()
  // A file read without yaml's Document (source.data) is a mapping whose keys read as written
  // and include no __proto__ (quick-read.ts leaves such files to yaml), so the checks of the
  // root, of keys and of __proto__ below find nothing there; asking would build the Document.
  if (source.data === undefined && !isMap(source.doc.contents)) {
    problems.push({ code: 'NOT_A_MAPPING', message: 'a flow file is a mapping with flow, start and nodes', file, line: 1, col: 1, severity: 'error' })
    return done()
  }
  if (source.data === undefined) problems.push(...yamlKeyProblems(source))
  const read = readData(source)
  if ('problem' in read) {
    problems.push(read.problem)
    return done()
  }
  const { data } = read
  if (source.data === undefined) problems.push(...protoKeys(source, data))
  const parsed = FlowSchema.safeParse(data)
  if (!parsed.success) {
    problems.push(...schemaProblems(source, parsed.error.issues, data))
    return done()
  }
  const flow = parsed.data
  const expected = flowIdFromFile(file)
  if (expected !== undefined && expected !== flow.flow) {
    problems.push(...located(source, [{ code: 'FLOW_ID_MISMATCH', message: `flow id "${flow.flow}" differs from the file name; use "${expected}"`, path: ['flow'], severity: 'error' }]))
  }
  problems.push(...located(source, [...graphProblems(flow), ...referenceProblems(flow)]))
  return done(flow)
}

/** Places problems found on the data at their line and column in the source. */
export function located(source: SourceDocument, problems: readonly PathProblem[]): FlowProblem[] {
  return problems.map((p) => {
    const { line, col } = p.offset !== undefined ? locateInText(source, p.path, p.offset) : locate(source, p.path, p.prefer ?? 'value')
    const node = p.path[0] === 'nodes' && typeof p.path[1] === 'string' ? p.path[1] : undefined
    return { code: p.code, message: p.message, file: source.file, line, col, severity: p.severity, path: p.path, ...(node ? { node } : {}) }
  })
}

/** The flow id a file name implies: `flows/support.yaml` → `support`; undefined for other names. */
export function flowIdFromFile(file: string): string | undefined {
  const match = /(?:^|[\\/])([^\\/]+)\.ya?ml$/.exec(file)
  return match?.[1]
}

/**
 * The document as plain data, or a located problem when it cannot be turned into data.
 * parseSource has already refused aliases that name nothing or expand without bound, so
 * yaml's own alias cap (100 uses of one anchor, which a shared prompt reaches) is off; anything
 * yaml still throws becomes a problem. A file parseSource read without the Document already is data.
 *
 * @example readData(parseSource('a: 1\n', 'x.yaml').source) // { data: { a: 1 } }
 */
export function readData(source: SourceDocument): { data: unknown } | { problem: FlowProblem } {
  if (source.data !== undefined) return { data: source.data }
  try {
    return { data: source.doc.toJS({ maxAliasCount: -1 }) }
  } catch (error) {
    const message = `the file cannot be read as data: ${error instanceof Error ? error.message : String(error)}`
    return { problem: { code: 'YAML_SYNTAX', message, file: source.file, line: 1, col: 1, severity: 'error' } }
  }
}

function problemAtKey(source: SourceDocument, pair: Pair, code: ProblemCode, message: string, path: (string | number)[], node: string): FlowProblem {
  const { line, col } = position(source, isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0)
  return { code, message, file: source.file, line, col, severity: 'error', path, node }
}

/**
 * Node ids and menu keys that YAML reads differently from how they look:
 * - `1:` and `"1":` are different keys to YAML but the same key to a caller; the second would
 *   silently replace the first;
 * - `01:` and `0x3:` are the numbers 1 and 3, so the key would silently become "1" or "3";
 * - `__proto__` is not kept as a key by JavaScript objects, so the node or choice would vanish.
 */
function yamlKeyProblems(source: SourceDocument): FlowProblem[] {
  const problems: FlowProblem[] = []
  const nodes = findPair(source.doc.contents, 'nodes')?.value
  if (!isMap(nodes)) return problems
  for (const nodePair of nodes.items) {
    if (!isScalar(nodePair.key)) continue
    const node = String(nodePair.key.value)
    if (node === '__proto__') {
      problems.push(problemAtKey(source, nodePair, 'INVALID_VALUE', '"__proto__" cannot be a node id (JavaScript reserves the name); choose another', ['nodes', node], node))
      continue
    }
    const choices = findPair(nodePair.value, 'choices')?.value
    if (isMap(choices)) problems.push(...choiceKeyProblems(source, node, choices.items))
  }
  return problems
}

function choiceKeyProblems(source: SourceDocument, node: string, pairs: Pair[]): FlowProblem[] {
  const problems: FlowProblem[] = []
  const seen = new Set<string>()
  for (const pair of pairs) {
    if (!isScalar(pair.key)) continue
    const key = String(pair.key.value)
    const path = ['nodes', node, 'choices', key]
    const written = pair.key.range ? source.text.slice(pair.key.range[0], pair.key.range[1]) : key
    if (key === '__proto__') {
      problems.push(problemAtKey(source, pair, 'BAD_KEY', 'menu key "__proto__" cannot be typed on a phone keypad (use 0-9, * and #)', path, node))
      continue
    }
    if (typeof pair.key.value === 'number' && written !== key) {
      // Compare it as written, so that fixing the quotes does not then report a clash.
      problems.push(problemAtKey(source, pair, 'BAD_KEY', `menu key ${written} reads as the number ${key}; write "${written}" in quotes to keep it as typed`, path, node))
      seen.add(written)
      continue
    }
    if (seen.has(key)) problems.push(problemAtKey(source, pair, 'DUPLICATE_KEY', `menu key "${key}" is given twice`, path, node))
    seen.add(key)
  }
  return problems
}

/**
 * `__proto__` keys elsewhere in records (variables, hours, headers) that the schema would
 * drop without a word; in fixed mappings it is an unknown key, which the schema reports.
 */
function protoKeys(source: SourceDocument, data: unknown): FlowProblem[] {
  const problems: FlowProblem[] = []
  const stack: Array<{ value: unknown; path: (string | number)[] }> = [{ value: data, path: [] }]
  while (stack.length > 0) {
    const { value, path } = stack.pop()!
    if (value === null || typeof value !== 'object') continue
    for (const [key, inner] of Object.entries(value)) stack.push({ value: inner, path: [...path, Array.isArray(value) ? Number(key) : key] })
    if (Array.isArray(value) || !Object.hasOwn(value, '__proto__')) continue
    const handled = (path.length === 1 && path[0] === 'nodes') || (path.length === 3 && path[0] === 'nodes' && path[2] === 'choices')
    if (handled || !schemasAt(FlowSchema, path, data).some((s) => s instanceof z.ZodRecord)) continue
    problems.push(...located(source, [{ code: 'INVALID_VALUE', message: '"__proto__" cannot be used as a name here (JavaScript reserves it); choose another', path: [...path, '__proto__'], prefer: 'key', severity: 'error' }]))
  }
  return problems
}
