import { describe, expect, it } from 'vitest'
import { listItem, simpleOperator, valueFor } from './conditions.ts'

describe('branch conditions in the form', () => {
  it('edits single comparisons in the form and the rest as YAML', () => {
    expect(simpleOperator({ var: 'vars.tier', equals: 'gold' })).toBe('equals')
    expect(simpleOperator({ var: 'x', exists: false })).toBe('exists')
    expect(simpleOperator({ any: [{ var: 'a', equals: 1 }] })).toBeUndefined()
    expect(simpleOperator({ var: 'a', equals: 1, lessThan: 2 })).toBeUndefined()
    expect(simpleOperator({ var: 'a' })).toBeUndefined()
  })

  it('carries a value over to another operator', () => {
    expect(valueFor('in', 'gold')).toEqual(['gold'])
    expect(valueFor('greaterThan', '5')).toBe(5)
    expect(valueFor('greaterThan', 'x')).toBe(0)
    expect(valueFor('equals', ['a', 'b'])).toBe('a')
    expect(valueFor('exists', 'x')).toBe(true)
  })

  it('keeps numbers in lists as numbers, but not phone-like text', () => {
    expect([listItem('5'), listItem('gold'), listItem('007'), listItem('2.5')]).toEqual([5, 'gold', '007', 2.5])
  })
})
