import { z } from 'zod'
import { isScalar } from 'yaml'
import type { FlowProblem, ProblemCode } from '../errors.ts'
import { COMPARISONS, FlowSchema, NODE_TYPES } from '../schema/flow.ts'
import { locate, nodeAt } from '../parse/parse.ts'
import type { DocPath, SourceDocument } from '../parse/parse.ts'
import { suggest } from './suggest.ts'

type Issue = z.core.$ZodIssue
type Path = (string | number)[]
type Schema = z.core.$ZodType

interface Explained {
  code: ProblemCode
  message: string
  path: Path
  prefer: 'key' | 'value'
}

/** What explaining an issue needs besides the issue: the file, its data and the keys allowed where. */
interface Context {
  source: SourceDocument
  data: unknown
  keysAt: KeysAt
}

/**
 * Turns zod's issues into one readable, located problem each. Union failures are explained by
 * the branch the input was evidently meant for, so a typo inside a prompt part is reported at
 * that part, not as "invalid input" at the top of the prompt.
 *
 * @example schemaProblems(source, FlowSchema.safeParse(data).error!.issues)
 */
export function schemaProblems(source: SourceDocument, issues: readonly Issue[], data: unknown, keysAt: KeysAt = flowKeysAt): FlowProblem[] {
  const context: Context = { source, data, keysAt }
  const explained = issues.flatMap((issue) => explain(issue, [], context))
  const seen = new Set<string>()
  const problems: FlowProblem[] = []
  for (const e of explained) {
    const key = `${e.code}|${e.path.join('.')}|${e.message}`
    if (seen.has(key)) continue
    seen.add(key)
    const { line, col } = locate(source, e.path, e.prefer)
    const node = e.path[0] === 'nodes' && typeof e.path[1] === 'string' ? e.path[1] : undefined
    const message = e.message + (valueAt(data, e.path) === null ? commentHint(source, e.path) : '')
    problems.push({ code: e.code, message, file: source.file, line, col, severity: 'error', path: e.path, ...(node ? { node } : {}) })
  }
  return problems
}

function explain(issue: Issue, prefix: Path, context: Context): Explained[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))]
  switch (issue.code) {
    case 'invalid_union':
      return explainUnion(issue, path, context)
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        code: 'UNKNOWN_KEY' as const,
        message: `unknown key "${key}"${suggest(key, context.keysAt(path, context.data))}`,
        path: [...path, key],
        prefer: 'key' as const,
      }))
    case 'invalid_type': {
      const value = valueAt(context.data, path)
      if (value === undefined) return [missing(path, context)]
      return [wrongType(path, [kind(issue.expected)], value, context)]
    }
    case 'invalid_key':
      return [{ code: 'INVALID_VALUE', message: `"${String(path.at(-1))}" is not a valid name: ${issue.issues[0]?.message ?? issue.message}`, path, prefer: 'key' }]
    case 'custom':
      return [{ code: 'INVALID_VALUE', message: customMessage(issue.message, path, valueAt(context.data, path)), path, prefer: 'value' }]
    default:
      return [{ code: 'INVALID_VALUE', message: valueMessage(issue, label(path), valueAt(context.data, path)), path, prefer: 'value' }]
  }
}

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: Path, context: Context): Explained[] {
  const value = valueAt(context.data, path)
  if ('discriminator' in issue && issue.discriminator === 'type') {
    if (value === undefined) return [{ code: 'MISSING_KEY', message: `${where(path.slice(0, -1), context)}needs "type" (one of ${NODE_TYPES.join(', ')})`, path, prefer: 'key' }]
    return [{ code: 'UNKNOWN_NODE_TYPE', message: `${describe(value)} is not a node type${suggest(String(value), NODE_TYPES)}; use one of ${NODE_TYPES.join(', ')}`, path, prefer: 'value' }]
  }
  // A required value that is absent fails every branch; say it is missing, not of the wrong kind.
  if (value === undefined) return [missing(path, context)]
  const branches = issue.errors
  if (branches.length === 0) return [{ code: 'INVALID_VALUE', message: `${label(path)}: ${issue.message}`, path, prefer: 'value' }]
  // A branch "fits" when the value has its shape; its remaining issues are the real ones.
  const rootMismatch = (b: readonly Issue[]) => b.filter((i) => i.path.length === 0 && i.code === 'invalid_type').length
  const fitting = branches.filter((b) => rootMismatch(b) === 0)
  if (fitting.length === 0) {
    const expected = [...new Set(branches.flatMap((b) => b.filter((i) => i.code === 'invalid_type').map((i) => kind((i as { expected: string }).expected))))]
    return [wrongType(path, expected, value, context)]
  }
  const score = (b: readonly Issue[]) => b.filter((i) => i.path.length === 0).length * 100 + b.length
  const best = Math.min(...fitting.map(score))
  const winners = fitting.filter((b) => score(b) === best)
  if (winners.length === 1) return winners[0]!.flatMap((i) => explain(i, path, context))
  // Several shapes fit equally badly (a prompt part with a misspelt key): name the choices.
  const unknown = [...new Set(winners.flatMap((b) => b.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : []))))]
  // A form "wants" the keys it complains are missing, whatever kind of value they take.
  const wanted = [...new Set(winners.flatMap((b) => b.flatMap((i) => (i.path.length === 1 && valueAt(context.data, [...path, String(i.path[0])]) === undefined ? [String(i.path[0])] : []))))]
  const hint = wanted.length > 0 ? `; expected one of: ${wanted.join(', ')}` : ''
  if (unknown.length > 0) {
    const known = [...wanted, ...context.keysAt(path, context.data)]
    return unknown.map((key) => ({ code: 'UNKNOWN_KEY' as const, message: `unknown key "${key}"${suggest(key, known)}${hint}`, path: [...path, key], prefer: 'key' as const }))
  }
  return [{ code: 'INVALID_VALUE', message: `${label(path)} does not match any allowed form${hint}`, path, prefer: 'value' }]
}

/** A required key that is absent, reported at the key of what should hold it, naming that. */
function missing(path: Path, context: Context): Explained {
  return { code: 'MISSING_KEY', message: `${where(path.slice(0, -1), context)}needs "${String(path.at(-1))}"`, path, prefer: 'key' }
}

function wrongType(path: Path, expected: readonly string[], value: unknown, context: Context): Explained {
  const message = `${label(path)} should be ${expected.join(' or ')}, not ${describe(value)}${expected.includes('text') ? quoteHint(context.source, path, value) : ''}`
  return { code: 'INVALID_TYPE', message, path, prefer: 'value' }
}

/** `; write it in quotes ("1") …` when YAML read a number or true/false where text belongs. */
function quoteHint(source: SourceDocument, path: Path, value: unknown): string {
  if (typeof value !== 'number' && typeof value !== 'boolean') return ''
  const { node, depth } = nodeAt(source, path)
  const written = depth === path.length && isScalar(node) && node.range ? source.text.slice(node.range[0], node.range[1]) : String(value)
  return `; write it in quotes ("${written}") to make it text`
}

/**
 * `; an unquoted # starts a comment…` when a value reads as nothing because what was meant as
 * the value (`finishOnKey: #`) is a comment to YAML.
 */
function commentHint(source: SourceDocument, path: Path): string {
  const { pair, depth } = nodeAt(source, path)
  const keyEnd = depth === path.length && pair && isScalar(pair.key) ? pair.key.range?.[1] : undefined
  if (keyEnd === undefined) return ''
  const lineEnd = source.text.indexOf('\n', keyEnd)
  const rest = source.text.slice(keyEnd, lineEnd === -1 ? undefined : lineEnd)
  return /^\s*:\s+#/.test(rest) ? '; an unquoted # starts a comment, so nothing is given here: write "#" in quotes' : ''
}

/** A refinement's message; for a comparison, which operators it has (none, or too many). */
function customMessage(message: string, path: Path, value: unknown): string {
  if (isRecord(value) && ('var' in value || COMPARISONS.some((k) => k in value))) {
    const given = COMPARISONS.filter((k) => value[k] !== undefined)
    return `${label(path)}: ${given.length === 0 ? 'has no comparison' : `has ${and(given)}`}; ${message}`
  }
  return `${label(path)}: ${message}`
}

function valueMessage(issue: Issue, subject: string, value: unknown): string {
  switch (issue.code) {
    case 'too_big':
      return `${subject} ${issue.origin === 'number' ? `must be at most ${String(issue.maximum)}` : `must have at most ${String(issue.maximum)} item(s)`}`
    case 'too_small':
      return `${subject} ${issue.origin === 'number' ? `must be at least ${String(issue.minimum)}` : issue.origin === 'string' ? 'must not be empty' : `must have at least ${String(issue.minimum)} item(s)`}`
    case 'invalid_value':
      return `${subject} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_format':
      return `${subject} ${describe(value)} is not ${issue.message.startsWith('Invalid') ? `valid: expected ${issue.format}` : issue.message}`
    case 'not_multiple_of':
      return `${subject} must be a multiple of ${String(issue.divisor)}`
    default:
      return `${subject}: ${issue.message}`
  }
}

// Names -------------------------------------------------------------------------------------

/**
 * How a message names the value at `path`: by its key (`"timeout"`), or a list item by its
 * list and index (`holidays[0]`, `prompt[1]`).
 */
function label(path: Path): string {
  if (path.length === 0) return 'the file'
  const last = path.at(-1)
  if (typeof last !== 'number') return `"${String(last)}"`
  let first = path.length - 1
  while (first > 0 && typeof path[first - 1] === 'number') first--
  return `${first > 0 ? String(path[first - 1]) : ''}${path.slice(first).map((i) => `[${String(i)}]`).join('')}`
}

/** A path as people write it in code: `cases[0].when`, `prompt[1].say`. */
function pathName(path: Path): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${segment}`)).join('')
}

/**
 * Who holds the value at `path`, as the start of a sentence: `the flow `, `say node "a" `,
 * `branch node "a", cases[0] `, `menu node "m", choice "1" `.
 */
function where(path: Path, context: Context): string {
  if (path.length === 0) return /\.test\.ya?ml$/.test(context.source.file) ? 'the test file ' : 'the flow '
  if (path[0] !== 'nodes' || path.length < 2) return `${pathName(path)} `
  const type = (valueAt(context.data, path.slice(0, 2)) as { type?: unknown } | undefined)?.type
  const node = `${typeof type === 'string' && (NODE_TYPES as string[]).includes(type) ? `${type} ` : ''}node "${String(path[1])}"`
  const inner = path.slice(2)
  if (inner.length === 0) return `${node} `
  if (inner[0] === 'choices' && inner.length >= 2) {
    const rest = inner.slice(2)
    return `${node}, choice "${String(inner[1])}"${rest.length > 0 ? ` ${pathName(rest)}` : ''} `
  }
  return `${node}, ${pathName(inner)} `
}

function and(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`
}

// Keys the schema allows --------------------------------------------------------------------

/** Keys a schema allows at a path, for "did you mean" hints. */
export type KeysAt = (path: Path, data: unknown) => readonly string[]

/** Keys the flow schema allows at `path`, at any depth (a node, a case, a condition, a prompt part…). */
function flowKeysAt(path: Path, data: unknown): string[] {
  return schemaKeysAt(FlowSchema, path, data)
}

/**
 * Keys the mappings `schema` allows at `path`. Where a union allows several forms, the forms
 * that fit the data count (a node by its `type`, a condition's comparison or all/any/not).
 *
 * @example schemaKeysAt(FlowSchema, ['nodes', 'a', 'cases', 0, 'when'], data) // ['var', 'equals', …, 'all', 'any', 'not']
 */
export function schemaKeysAt(schema: Schema, path: Path, data: unknown): string[] {
  const keys = schemasAt(schema, path, data).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []))
  return [...new Set(keys)]
}

/** The schemas that may describe the value at `path`, following the union branches that fit the data. */
export function schemasAt(schema: Schema, path: Path, data: unknown): Schema[] {
  let value = data
  let schemas = forms(schema, value)
  for (const segment of path) {
    value = valueAt(value, [segment])
    schemas = schemas.flatMap((s) => {
      const inner = member(s, segment)
      return inner === undefined ? [] : forms(inner, value)
    })
  }
  return schemas
}

/** The schema of one key or item inside a mapping, record or list schema. */
function member(schema: Schema, segment: string | number): Schema | undefined {
  if (schema instanceof z.ZodObject) return typeof segment === 'string' && Object.hasOwn(schema.shape, segment) ? schema.shape[segment] : undefined
  if (schema instanceof z.ZodRecord) return typeof segment === 'string' ? schema.valueType : undefined
  if (schema instanceof z.ZodArray) return typeof segment === 'number' ? schema.element : undefined
  return undefined
}

/** The concrete forms a schema allows for `value`: wrappers removed, union branches that fit. */
function forms(schema: Schema, value: unknown): Schema[] {
  const s = unwrap(schema)
  if (s instanceof z.ZodUnion) return s.options.flatMap((option) => forms(option, value))
  return fits(s, value) ? [s] : []
}

function unwrap(schema: Schema): Schema {
  let s = schema
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable || s instanceof z.ZodLazy) s = s.unwrap()
    else if (s instanceof z.ZodPipe) s = s.in
    else return s
  }
}

/** Whether a form could be meant for the value: the same kind of value, and matching literal fields (`type: menu`). */
function fits(schema: Schema, value: unknown): boolean {
  if (value === undefined) return true
  if (schema instanceof z.ZodObject) {
    if (!isRecord(value)) return false
    return Object.entries(schema.shape).every(([key, field]) => {
      const literal = unwrap(field)
      return !(literal instanceof z.ZodLiteral) || value[key] === undefined || literal.values.has(value[key] as z.core.util.Literal)
    })
  }
  if (schema instanceof z.ZodRecord) return isRecord(value)
  if (schema instanceof z.ZodArray) return Array.isArray(value)
  return value === null || typeof value !== 'object'
}

// Values ------------------------------------------------------------------------------------

/** The value at `path` in plain data; undefined when absent (inherited properties do not count). */
export function valueAt(data: unknown, path: DocPath): unknown {
  let value = data
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string | number, unknown>)[segment]
  }
  return value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
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
