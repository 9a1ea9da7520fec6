import type { Condition } from '../schema/flow.ts'
import { regexError } from '../condition/condition.ts'
import type { StudioCondition } from './definition.ts'

/**
 * Studio's split conditions as Phonetree conditions, and Studio's own reading of them.
 *
 * Studio compares without regard to case and trims spaces around the value. Phonetree's
 * `equals`, `in` and `startsWith` are exact, so a value with letters becomes a
 * case-insensitive regular expression (`[yY][eE][sS]`); values without letters (keys, numbers,
 * phone prefixes) keep the readable operators. One difference remains: Phonetree compares
 * numeric text as numbers, so `equal_to 1` also holds for "01".
 */

export type ConvertedCondition = { ok: true; condition: Condition } | { ok: false; reason: string }

const TIME_TYPES = new Set(['is_before_time', 'is_after_time', 'is_before_date', 'is_after_date'])

/**
 * The values of a `matches_any_of` condition: comma separated, trimmed, empty ones dropped.
 *
 * @example anyOfValues('1, 2 ,3') // ['1', '2', '3']
 */
export function anyOfValues(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '')
}

/**
 * The source of a regular expression matching `text` in any letter case, as a literal.
 *
 * @example caseless('Yes?') // '[yY][eE][sS]\\?'
 */
export function caseless(text: string): string {
  return [...text].map((ch) => {
    const lower = ch.toLowerCase()
    const upper = ch.toUpperCase()
    if (lower !== upper && lower.length === 1 && upper.length === 1) return `[${lower}${upper}]`
    return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }).join('')
}

const hasLetters = (text: string) => /\p{L}/u.test(text)
const whole = (alternatives: string[]) => (alternatives.length === 1 ? `^\\s*${caseless(alternatives[0]!)}\\s*$` : `^\\s*(?:${alternatives.map(caseless).join('|')})\\s*$`)
const not = (condition: Condition): Condition => ({ not: condition })

/**
 * A Studio condition on the value at `path` as a Phonetree condition, or why it has none.
 *
 * @example
 * conditionFrom({ type: 'matches_any_of', value: '1, 2' }, 'vars.choice')
 * // { ok: true, condition: { var: 'vars.choice', in: ['1', '2'] } }
 */
export function conditionFrom(c: StudioCondition, path: string): ConvertedCondition {
  const value = (c.value ?? '').trim()
  if (value.includes('{{') || value.includes('{%')) return { ok: false, reason: `condition "${c.friendly_name ?? c.type}" compares against a template (${value}); Phonetree compares against fixed values` }
  if (TIME_TYPES.has(c.type)) return { ok: false, reason: `condition type ${c.type} has no equivalent; use an hours node for opening times` }
  const equal = (v: string): Condition => (v === '' ? { var: path, exists: false } : hasLetters(v) ? { var: path, matches: whole([v]) } : { var: path, equals: v })
  const anyOf = (values: string[]): Condition => {
    if (values.length === 1) return equal(values[0]!)
    return values.some(hasLetters) ? { var: path, matches: whole(dedupe(values)) } : { var: path, in: values }
  }
  const contains = (v: string): Condition => ({ var: path, matches: caseless(v) })
  const startsWith = (v: string): Condition => (hasLetters(v) ? { var: path, matches: `^\\s*${caseless(v)}` } : { var: path, startsWith: v })
  const number = Number(value)
  const numeric = value !== '' && Number.isFinite(number)
  switch (c.type) {
    case 'equal_to': return ok(equal(value))
    case 'not_equal_to': return ok(not(equal(value)))
    case 'matches_any_of': return ok(anyOf(anyOfValues(value)))
    case 'does_not_match_any_of': return ok(not(anyOf(anyOfValues(value))))
    case 'is_blank': return ok({ var: path, exists: false })
    case 'is_not_blank': return ok({ var: path, exists: true })
    case 'contains': return ok(contains(value))
    case 'does_not_contain': return ok(not(contains(value)))
    case 'starts_with': return ok(startsWith(value))
    case 'does_not_start_with': return ok(not(startsWith(value)))
    case 'regex': return regexError(value) === undefined ? ok({ var: path, matches: value }) : { ok: false, reason: `regex ${value} does not compile in JavaScript: ${regexError(value)}` }
    case 'greater_than': return numeric ? ok({ var: path, greaterThan: number }) : { ok: false, reason: `greater_than needs a number, not "${value}"` }
    case 'less_than': return numeric ? ok({ var: path, lessThan: number }) : { ok: false, reason: `less_than needs a number, not "${value}"` }
    default: return { ok: false, reason: `condition type ${c.type} is not one Studio documents` }
  }
}

/**
 * Whether a Studio condition holds for a value, the way Studio reads it (no regard to case,
 * spaces trimmed); undefined for conditions on dates and times. Used to work out what a
 * split does with a counter or a dial status.
 *
 * @example studioConditionHolds({ type: 'greater_than', value: '2' }, '3') // true
 */
export function studioConditionHolds(c: StudioCondition, input: string): boolean | undefined {
  const norm = (s: string) => s.trim().toLowerCase()
  const value = norm(c.value ?? '')
  const text = norm(input)
  const number = (s: string) => (s.trim() === '' ? Number.NaN : Number(s))
  switch (c.type) {
    case 'equal_to': return text === value
    case 'not_equal_to': return text !== value
    case 'matches_any_of': return anyOfValues(value).includes(text)
    case 'does_not_match_any_of': return !anyOfValues(value).includes(text)
    case 'is_blank': return text === ''
    case 'is_not_blank': return text !== ''
    case 'contains': return text.includes(value)
    case 'does_not_contain': return !text.includes(value)
    case 'starts_with': return text.startsWith(value)
    case 'does_not_start_with': return !text.startsWith(value)
    case 'regex': return regexError(c.value ?? '') === undefined ? new RegExp(c.value ?? '').test(input) : false
    case 'greater_than': return number(input) > number(value)
    case 'less_than': return number(input) < number(value)
    default: return undefined
  }
}

function ok(condition: Condition): ConvertedCondition {
  return { ok: true, condition }
}

function dedupe(values: string[]): string[] {
  const seen = new Set<string>()
  return values.filter((v) => {
    const key = v.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
