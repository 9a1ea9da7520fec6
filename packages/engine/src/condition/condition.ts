import { COMPARISONS } from '../schema/flow.ts'
import type { Condition } from '../schema/flow.ts'
import { readPath } from '../template/template.ts'
import type { Scope } from '../template/template.ts'

/**
 * Branch conditions (`when`): data, never code.
 *
 * A comparison reads one path (`var`, see `readPath`) and tests it:
 * - `equals` / `notEquals`: numbers compare numerically when both sides are numbers or
 *   numeric strings ("5" equals 5, "5.0" equals 5); otherwise both sides compare as text
 *   (true equals "true"; objects compare by their JSON). null and undefined (a missing path)
 *   equal only each other. `notEquals` is exactly `not equals`, so a missing value is not
 *   equal to "gold".
 * - `in`: some element of the list `equals` the value.
 * - `startsWith`: the value as text starts with the prefix; only strings, numbers and
 *   booleans have text, anything else (a missing value, an object) gives false.
 * - `matches`: a JavaScript regular expression (no flags; anchor it with ^…$ for a whole
 *   match) tested against the value as text as for `startsWith`; a regex that does not
 *   compile gives false (`checkCondition` reports it).
 * - `greaterThan` / `lessThan`: numeric; a value that is not a number or a numeric string
 *   gives false.
 * - `exists: true`: the value is not undefined, null or ''; `exists: false`: the opposite.
 * - `all` (every one, true when empty), `any` (some one, false when empty), `not`.
 * A comparison with several operators (the schema forbids it) holds when all of them hold;
 * one with none, or any other malformed condition, is false. Evaluation never throws.
 */

type Location = (string | number)[]

/** Numbers and numeric strings ("42", " -1.5 ", "1e3") as numbers; anything else undefined. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const n = Number(value)
  // Number() also reads "0x1f" and "Infinity"; only decimal text counts as a number here.
  return Number.isFinite(n) && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? n : undefined
}

/** Text for strings, numbers and booleans; undefined for values that have none. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function looselyEqual(value: unknown, expected: unknown): boolean {
  if (value === undefined || value === null || expected === undefined || expected === null) {
    return (value === undefined || value === null) && (expected === undefined || expected === null)
  }
  const a = asNumber(value)
  const b = asNumber(expected)
  if (a !== undefined && b !== undefined) return a === b
  return textForEquality(value) === textForEquality(expected)
}

function textForEquality(value: unknown): string {
  if (typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

// Conditions come from flows, so the number of distinct patterns is small; null: does not compile.
const regexes = new Map<string, RegExp | null>()

function compile(pattern: string): RegExp | null {
  let regex = regexes.get(pattern)
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern)
    } catch {
      regex = null
    }
    if (regexes.size >= 1_000) regexes.clear()
    regexes.set(pattern, regex)
  }
  return regex
}

type Operator = (typeof COMPARISONS)[number]

// Operands are checked here rather than trusted: a condition may not have been validated.
const TESTS: Record<Operator, (value: unknown, operand: unknown) => boolean> = {
  equals: (value, operand) => looselyEqual(value, operand),
  notEquals: (value, operand) => !looselyEqual(value, operand),
  in: (value, list) => Array.isArray(list) && list.some((item) => looselyEqual(value, item)),
  startsWith: (value, prefix) => {
    const text = asText(value)
    return text !== undefined && typeof prefix === 'string' && text.startsWith(prefix)
  },
  matches: (value, pattern) => {
    const text = asText(value)
    const regex = typeof pattern === 'string' ? compile(pattern) : null
    return text !== undefined && regex !== null && regex.test(text)
  },
  greaterThan: (value, limit) => {
    const n = asNumber(value)
    return n !== undefined && typeof limit === 'number' && n > limit
  },
  lessThan: (value, limit) => {
    const n = asNumber(value)
    return n !== undefined && typeof limit === 'number' && n < limit
  },
  exists: (value, wanted) => (value !== undefined && value !== null && value !== '') === (wanted === true),
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function evaluate(condition: unknown, scope: Scope): boolean {
  if (!isObject(condition)) return false
  if ('all' in condition) return Array.isArray(condition.all) && condition.all.every((c) => evaluate(c, scope))
  if ('any' in condition) return Array.isArray(condition.any) && condition.any.some((c) => evaluate(c, scope))
  if ('not' in condition) return isObject(condition.not) && !evaluate(condition.not, scope)
  if (typeof condition.var !== 'string') return false
  const operators = COMPARISONS.filter((op) => condition[op] !== undefined)
  if (operators.length === 0) return false
  const value = readPath(scope, condition.var)
  return operators.every((op) => TESTS[op](value, condition[op]))
}

/**
 * Evaluates a `when` condition against the call's scope; semantics are described at the top
 * of this module. Never throws: a malformed condition is false.
 *
 * @example
 * evaluateCondition({ all: [{ var: 'vars.customer.tier', equals: 'gold' }, { var: 'call.from', startsWith: '+1' }] }, scope)
 */
export function evaluateCondition(condition: Condition, scope: Scope): boolean {
  try {
    return evaluate(condition, scope)
  } catch {
    return false // e.g. a pathologically deep condition overflowing the stack
  }
}

/** Calls `visit` with every comparison in a condition and its location inside it. */
function walk(condition: unknown, at: Location, visit: (comparison: Record<string, unknown>, at: Location) => void): void {
  if (!isObject(condition)) return
  for (const key of ['all', 'any'] as const) {
    const list = condition[key]
    if (Array.isArray(list)) list.forEach((c, i) => walk(c, [...at, key, i], visit))
  }
  if ('not' in condition) walk(condition.not, [...at, 'not'], visit)
  if ('var' in condition) visit(condition, at)
}

/**
 * Every path a condition reads, with the location of its `var` relative to the condition.
 *
 * @example
 * conditionPaths({ all: [{ var: 'call.from', startsWith: '+1' }, { var: 'vars.tier', exists: true }] })
 * // → [{ path: 'call.from', at: ['all', 0, 'var'] }, { path: 'vars.tier', at: ['all', 1, 'var'] }]
 */
export function conditionPaths(condition: Condition): Array<{ path: string; at: Location }> {
  const paths: Array<{ path: string; at: Location }> = []
  walk(condition, [], (comparison, at) => {
    if (typeof comparison.var === 'string') paths.push({ path: comparison.var, at: [...at, 'var'] })
  })
  return paths
}

/**
 * Regular expressions in `matches` that do not compile, with their location.
 *
 * @example
 * checkCondition({ not: { var: 'input.speech', matches: '(sales' } })
 * // → [{ at: ['not', 'matches'], code: 'BAD_REGEX', message: 'matches: Invalid regular expression: /(sales/: Unterminated group' }]
 */
export function checkCondition(condition: Condition): Array<{ at: Location; message: string; code: 'BAD_REGEX' }> {
  const problems: Array<{ at: Location; message: string; code: 'BAD_REGEX' }> = []
  walk(condition, [], (comparison, at) => {
    if (typeof comparison.matches !== 'string') return
    const error = regexError(comparison.matches)
    if (error !== undefined) problems.push({ at: [...at, 'matches'], code: 'BAD_REGEX', message: `matches: ${error}` })
  })
  return problems
}

/**
 * Why a regular expression does not compile, or undefined when it does.
 *
 * @example regexError('(sales') // 'Invalid regular expression: /(sales/: Unterminated group'
 */
export function regexError(source: string): string | undefined {
  try {
    new RegExp(source)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}
