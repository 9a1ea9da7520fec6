import { COMPARISONS } from '@phonetree/engine'
import { isRecord } from '../app/draft.ts'

export type Operator = (typeof COMPARISONS)[number]

export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: 'equals', notEquals: 'does not equal', in: 'is one of', startsWith: 'starts with', matches: 'matches (regex)',
  greaterThan: 'is greater than', lessThan: 'is less than', exists: 'exists',
}

/** The operator of a comparison `{ var, <operator>: value }`, when the condition is one; else undefined (all/any/not). */
export function simpleOperator(when: unknown): Operator | undefined {
  if (!isRecord(when) || typeof when.var !== 'string') return undefined
  const ops = COMPARISONS.filter((k) => when[k] !== undefined)
  const others = Object.keys(when).filter((k) => k !== 'var' && !COMPARISONS.includes(k as Operator))
  return ops.length === 1 && others.length === 0 ? ops[0] : undefined
}

/** A comparison value carried over to another operator. */
export function valueFor(op: Operator, old: unknown): unknown {
  switch (op) {
    case 'in': return Array.isArray(old) ? old : old === undefined || old === '' ? ['value'] : [old]
    case 'exists': return true
    case 'greaterThan':
    case 'lessThan': return typeof old === 'number' ? old : Number.isFinite(Number(old)) && old !== '' ? Number(old) : 0
    default: return Array.isArray(old) ? String(old[0] ?? '') : typeof old === 'string' || typeof old === 'number' || typeof old === 'boolean' ? old : ''
  }
}

/** Typed text as a list value: numbers stay numbers, the rest is text. */
export const listItem = (s: string): string | number => (/^-?\d+(\.\d+)?$/.test(s) && !/^0\d/.test(s) ? Number(s) : s)
