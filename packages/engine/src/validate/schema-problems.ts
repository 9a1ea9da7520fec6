import type { z } from 'zod'
import type { FlowProblem, ProblemCode } from '../errors.ts'
import { FlowSchema, NODE_SCHEMAS, NODE_TYPES } from '../schema/flow.ts'
import type { NodeType } from '../schema/flow.ts'
import { locate } from '../parse/parse.ts'
import type { DocPath, SourceDocument } from '../parse/parse.ts'
import { suggest } from './suggest.ts'

type Issue = z.core.$ZodIssue
type Path = (string | number)[]

interface Explained {
  code: ProblemCode
  message: string
  path: Path
  prefer: 'key' | 'value'
}

/**
 * Turns zod's issues into one readable, located problem each. Union failures are explained by
 * the branch the input was evidently meant for, so a typo inside a prompt part is reported at
 * that part, not as "invalid input" at the top of the prompt.
 *
 * @example schemaProblems(source, FlowSchema.safeParse(data).error!.issues)
 */
export function schemaProblems(source: SourceDocument, issues: readonly Issue[], data: unknown, keysAt: KeysAt = flowKeysAt): FlowProblem[] {
  const explained = issues.flatMap((issue) => explain(issue, [], data, keysAt))
  const seen = new Set<string>()
  const problems: FlowProblem[] = []
  for (const e of explained) {
    const key = `${e.code}|${e.path.join('.')}|${e.message}`
    if (seen.has(key)) continue
    seen.add(key)
    const { line, col } = locate(source, e.path, e.prefer)
    const node = e.path[0] === 'nodes' && typeof e.path[1] === 'string' ? e.path[1] : undefined
    problems.push({ code: e.code, message: e.message, file: source.file, line, col, severity: 'error', path: e.path, ...(node ? { node } : {}) })
  }
  return problems
}

function explain(issue: Issue, prefix: Path, data: unknown, keysAt: KeysAt): Explained[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))]
  switch (issue.code) {
    case 'invalid_union':
      return explainUnion(issue, path, data, keysAt)
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        code: 'UNKNOWN_KEY' as const,
        message: `unknown key "${key}"${suggest(key, keysAt(path, data))}`,
        path: [...path, key],
        prefer: 'key' as const,
      }))
    case 'invalid_type': {
      const value = valueAt(data, path)
      if (value === undefined) {
        return [{ code: 'MISSING_KEY', message: `${where(path, data)}needs "${String(path.at(-1))}"`, path, prefer: 'key' }]
      }
      return [{ code: 'INVALID_TYPE', message: `"${String(path.at(-1))}" should be ${kind(issue.expected)}, not ${describe(value)}`, path, prefer: 'value' }]
    }
    case 'invalid_key':
      return [{ code: 'INVALID_VALUE', message: `"${String(path.at(-1))}" is not a valid name: ${issue.issues[0]?.message ?? issue.message}`, path, prefer: 'key' }]
    default:
      return [{ code: 'INVALID_VALUE', message: `"${String(path.at(-1))}" ${valueMessage(issue)}`, path, prefer: 'value' }]
  }
}

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: Path, data: unknown, keysAt: KeysAt): Explained[] {
  if ('discriminator' in issue && issue.discriminator === 'type') {
    const value = valueAt(data, path)
    if (value === undefined) return [{ code: 'MISSING_KEY', message: `${where(path.slice(0, -1), data)}needs "type" (one of ${NODE_TYPES.join(', ')})`, path, prefer: 'key' }]
    return [{ code: 'UNKNOWN_NODE_TYPE', message: `"${describe(value)}" is not a node type${suggest(String(value), NODE_TYPES)}; use one of ${NODE_TYPES.join(', ')}`, path, prefer: 'value' }]
  }
  const branches = issue.errors
  if (branches.length === 0) return [{ code: 'INVALID_VALUE', message: issue.message, path, prefer: 'value' }]
  // A branch "fits" when the value has its shape; its remaining issues are the real ones.
  const rootMismatch = (b: readonly Issue[]) => b.filter((i) => i.path.length === 0 && i.code === 'invalid_type').length
  const fitting = branches.filter((b) => rootMismatch(b) === 0)
  if (fitting.length === 0) {
    const expected = [...new Set(branches.flatMap((b) => b.filter((i) => i.code === 'invalid_type').map((i) => kind((i as { expected: string }).expected))))]
    return [{ code: 'INVALID_TYPE', message: `"${String(path.at(-1))}" should be ${expected.join(' or ')}, not ${describe(valueAt(data, path))}`, path, prefer: 'value' }]
  }
  const score = (b: readonly Issue[]) => b.filter((i) => i.path.length === 0).length * 100 + b.length
  const best = Math.min(...fitting.map(score))
  const winners = fitting.filter((b) => score(b) === best)
  if (winners.length === 1) return winners[0]!.flatMap((i) => explain(i, path, data, keysAt))
  // Several shapes fit equally badly (a prompt part with a misspelt key): name the choices.
  const unknown = [...new Set(winners.flatMap((b) => b.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : []))))]
  // A form "wants" the keys it complains are missing, whatever kind of value they take.
  const wanted = [...new Set(winners.flatMap((b) => b.flatMap((i) => (i.path.length === 1 && valueAt(data, [...path, String(i.path[0])]) === undefined ? [String(i.path[0])] : []))))]
  const hint = wanted.length > 0 ? `; expected one of: ${wanted.join(', ')}` : ''
  if (unknown.length > 0) {
    return unknown.map((key) => ({ code: 'UNKNOWN_KEY' as const, message: `unknown key "${key}"${suggest(key, wanted)}${hint}`, path: [...path, key], prefer: 'key' as const }))
  }
  return [{ code: 'INVALID_VALUE', message: `"${String(path.at(-1))}" does not match any allowed form${hint}`, path, prefer: 'value' }]
}

function valueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'number' ? `must be at most ${String(issue.maximum)}` : `must have at most ${String(issue.maximum)} item(s)`
    case 'too_small':
      return issue.origin === 'number' ? `must be at least ${String(issue.minimum)}` : issue.origin === 'string' ? 'must not be empty' : `must have at least ${String(issue.minimum)} item(s)`
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_format':
      return `is not valid: ${issue.message.startsWith('Invalid') ? `expected ${issue.format}` : issue.message}`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`
    default:
      return issue.message
  }
}

/** Keys a schema allows at a path, for "did you mean" hints. */
export type KeysAt = (path: Path, data: unknown) => readonly string[]

/** Keys the flow schema allows at `path`. */
function flowKeysAt(path: Path, data: unknown): string[] {
  if (path.length === 0) return Object.keys(FlowSchema.shape)
  if (path.length === 2 && path[0] === 'nodes') {
    const type = (valueAt(data, path) as { type?: unknown } | undefined)?.type
    if (typeof type === 'string' && type in NODE_SCHEMAS) return Object.keys(NODE_SCHEMAS[type as NodeType].shape)
  }
  return []
}

function where(path: Path, data: unknown): string {
  if (path.length >= 2 && path[0] === 'nodes') {
    const type = (valueAt(data, path.slice(0, 2)) as { type?: unknown } | undefined)?.type
    const owner = path.length === 3 ? `${typeof type === 'string' ? `${type} ` : ''}node "${String(path[1])}" ` : ''
    return owner
  }
  return path.length <= 1 ? 'the flow ' : ''
}

export function valueAt(data: unknown, path: DocPath): unknown {
  let value = data
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string | number, unknown>)[segment]
  }
  return value
}

function kind(expected: string): string {
  const names: Record<string, string> = { string: 'text', number: 'a number', array: 'a list', object: 'a mapping', boolean: 'true or false', record: 'a mapping' }
  return names[expected] ?? expected
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`
  return String(value)
}
