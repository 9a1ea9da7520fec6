import { isMap, isScalar } from 'yaml'
import type { FlowProblem } from '../errors.ts'
import { hasErrors } from '../errors.ts'
import { FlowSchema } from '../schema/flow.ts'
import type { Flow } from '../schema/flow.ts'
import { findPair, locate, parseSource } from '../parse/parse.ts'
import type { SourceDocument } from '../parse/parse.ts'
import { schemaProblems } from './schema-problems.ts'
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
  const { source, problems } = parseSource(text, file)
  const done = (flow?: Flow): LoadedFlow => {
    problems.sort((a, b) => a.line - b.line || a.col - b.col)
    return { file, source, ...(flow ? { flow } : {}), problems, ok: flow !== undefined && !hasErrors(problems) }
  }
  if (hasErrors(problems)) return done()
  if (!isMap(source.doc.contents)) {
    problems.push({ code: 'NOT_A_MAPPING', message: 'a flow file is a mapping with flow, start and nodes', file, line: 1, col: 1, severity: 'error' })
    return done()
  }
  problems.push(...choiceKeyClashes(source))
  const data: unknown = source.doc.toJS({ maxAliasCount: 100 })
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
    const { line, col } = locate(source, p.path, p.prefer ?? 'value')
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
 * YAML sees `1:` and `"1":` as different keys, but both mean the key 1 to a caller; the second
 * would silently replace the first, so report it.
 */
function choiceKeyClashes(source: SourceDocument): FlowProblem[] {
  const problems: FlowProblem[] = []
  const nodes = findPair(source.doc.contents, 'nodes')?.value
  if (!isMap(nodes)) return problems
  for (const nodePair of nodes.items) {
    const choices = findPair(nodePair.value, 'choices')?.value
    if (!isMap(choices) || !isScalar(nodePair.key)) continue
    const seen = new Set<string>()
    const node = String(nodePair.key.value)
    for (const pair of choices.items) {
      if (!isScalar(pair.key)) continue
      const key = String(pair.key.value)
      if (seen.has(key)) {
        const { line, col } = source.lines.linePos(pair.key.range?.[0] ?? 0)
        problems.push({ code: 'DUPLICATE_KEY', message: `menu key "${key}" is given twice`, file: source.file, line, col, severity: 'error', path: ['nodes', node, 'choices', key], node })
      }
      seen.add(key)
    }
  }
  return problems
}
