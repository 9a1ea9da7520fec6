import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkCondition, conditionPaths, evaluateCondition } from './condition.ts'
import type { Condition } from '../schema/flow.ts'
import { ConditionSchema } from '../schema/flow.ts'
import type { Scope } from '../template/template.ts'

const scope: Scope = {
  call: { from: '+81312345678', to: '+15557654321', direction: 'inbound' },
  vars: {
    customer: { tier: 'gold', balance: '120.50', orders: 3 },
    count: 5,
    countText: '5',
    zip: '02134',
    empty: '',
    nothing: null,
    flag: true,
    items: [{ sku: 'A1' }],
    code: 'ABC-123',
  },
  input: { digits: '42', speech: 'I want sales please' },
  flow: { id: 'support', now: '2026-03-07T12:00:00Z' },
}

const holds = (condition: Condition) => evaluateCondition(condition, scope)

describe('evaluateCondition: equals and notEquals', () => {
  it('compares text', () => {
    expect(holds({ var: 'vars.customer.tier', equals: 'gold' })).toBe(true)
    expect(holds({ var: 'vars.customer.tier', equals: 'Gold' })).toBe(false)
    expect(holds({ var: 'vars.customer.tier', notEquals: 'silver' })).toBe(true)
  })

  it('compares numbers and numeric strings numerically', () => {
    expect(holds({ var: 'vars.countText', equals: 5 })).toBe(true)
    expect(holds({ var: 'vars.count', equals: '5' })).toBe(true)
    expect(holds({ var: 'vars.count', equals: '5.0' })).toBe(true)
    expect(holds({ var: 'vars.zip', equals: 2134 })).toBe(true)
    expect(holds({ var: 'input.digits', equals: 42 })).toBe(true)
    expect(holds({ var: 'vars.count', notEquals: 6 })).toBe(true)
  })

  it('does not treat hex, Infinity or empty text as numbers', () => {
    expect(evaluateCondition({ var: 'vars.x', equals: 31 }, { ...scope, vars: { x: '0x1f' } })).toBe(false)
    expect(evaluateCondition({ var: 'vars.x', equals: 0 }, { ...scope, vars: { x: '' } })).toBe(false)
    expect(evaluateCondition({ var: 'vars.x', equals: 'Infinity' }, { ...scope, vars: { x: 'Infinity' } })).toBe(true)
  })

  it('compares booleans as text', () => {
    expect(holds({ var: 'vars.flag', equals: true })).toBe(true)
    expect(holds({ var: 'vars.flag', equals: 'true' })).toBe(true)
    expect(holds({ var: 'vars.flag', equals: false })).toBe(false)
  })

  it('lets null and undefined equal only each other', () => {
    expect(holds({ var: 'vars.nothing', equals: null })).toBe(true)
    expect(holds({ var: 'vars.missing', equals: null })).toBe(true)
    expect(holds({ var: 'vars.empty', equals: null })).toBe(false)
    expect(holds({ var: 'vars.missing', equals: '' })).toBe(false)
    expect(holds({ var: 'vars.missing', equals: 'null' })).toBe(false)
    expect(holds({ var: 'vars.missing', notEquals: 'gold' })).toBe(true)
    expect(holds({ var: 'vars.count', notEquals: null })).toBe(true)
  })

  it('compares objects by their JSON', () => {
    expect(holds({ var: 'vars.items', equals: '[{"sku":"A1"}]' })).toBe(true)
  })
})

describe('evaluateCondition: other comparisons', () => {
  it('in: some element equals', () => {
    expect(holds({ var: 'vars.customer.tier', in: ['silver', 'gold'] })).toBe(true)
    expect(holds({ var: 'input.digits', in: [41, 42] })).toBe(true)
    expect(holds({ var: 'vars.customer.tier', in: ['silver'] })).toBe(false)
    expect(holds({ var: 'vars.missing', in: [null] })).toBe(true)
    expect(holds({ var: 'vars.customer.tier', in: [] })).toBe(false)
  })

  it('startsWith: a text prefix; numbers as text, missing values false', () => {
    expect(holds({ var: 'call.from', startsWith: '+81' })).toBe(true)
    expect(holds({ var: 'call.from', startsWith: '+1' })).toBe(false)
    expect(holds({ var: 'vars.count', startsWith: '5' })).toBe(true)
    expect(holds({ var: 'vars.missing', startsWith: '' })).toBe(false)
    expect(holds({ var: 'vars.customer', startsWith: '{' })).toBe(false)
  })

  it('matches: a JavaScript regex against the text', () => {
    expect(holds({ var: 'input.speech', matches: '\\bsales\\b' })).toBe(true)
    expect(holds({ var: 'vars.code', matches: '^[A-Z]{3}-\\d{3}$' })).toBe(true)
    expect(holds({ var: 'vars.code', matches: '^\\d+$' })).toBe(false)
    expect(holds({ var: 'vars.count', matches: '^5$' })).toBe(true)
    expect(holds({ var: 'vars.missing', matches: '.*' })).toBe(false)
    expect(holds({ var: 'input.speech', matches: '(sales' })).toBe(false)
  })

  it('matches: a cached regex is reused without carrying state between calls', () => {
    for (let i = 0; i < 3; i++) expect(holds({ var: 'vars.code', matches: 'ABC' })).toBe(true)
  })

  it('greaterThan and lessThan: numeric only', () => {
    expect(holds({ var: 'vars.count', greaterThan: 4 })).toBe(true)
    expect(holds({ var: 'vars.count', greaterThan: 5 })).toBe(false)
    expect(holds({ var: 'vars.customer.balance', greaterThan: 100 })).toBe(true)
    expect(holds({ var: 'vars.customer.balance', lessThan: 120.5 })).toBe(false)
    expect(holds({ var: 'vars.customer.tier', greaterThan: 0 })).toBe(false)
    expect(holds({ var: 'vars.customer.tier', lessThan: 0 })).toBe(false)
    expect(holds({ var: 'vars.missing', lessThan: 1 })).toBe(false)
    expect(holds({ var: 'vars.empty', lessThan: 1 })).toBe(false)
    expect(holds({ var: 'vars.flag', greaterThan: 0 })).toBe(false)
  })

  it('exists: not undefined, null or empty text', () => {
    expect(holds({ var: 'vars.customer.tier', exists: true })).toBe(true)
    expect(holds({ var: 'vars.count', exists: true })).toBe(true)
    expect(holds({ var: 'vars.missing', exists: true })).toBe(false)
    expect(holds({ var: 'vars.nothing', exists: true })).toBe(false)
    expect(holds({ var: 'vars.empty', exists: true })).toBe(false)
    expect(holds({ var: 'vars.empty', exists: false })).toBe(true)
    expect(holds({ var: 'vars.count', exists: false })).toBe(false)
  })

  it('reads bracket indexes', () => {
    expect(holds({ var: 'vars.items[0].sku', equals: 'A1' })).toBe(true)
  })
})

describe('evaluateCondition: combinations and robustness', () => {
  it('all, any and not', () => {
    const gold = { var: 'vars.customer.tier', equals: 'gold' }
    const us = { var: 'call.from', startsWith: '+1' }
    expect(holds({ all: [gold, { not: us }] })).toBe(true)
    expect(holds({ all: [gold, us] })).toBe(false)
    expect(holds({ any: [us, gold] })).toBe(true)
    expect(holds({ any: [us, { not: gold }] })).toBe(false)
    expect(holds({ not: { any: [us] } })).toBe(true)
    expect(holds({ all: [] })).toBe(true)
    expect(holds({ any: [] })).toBe(false)
  })

  it('is false for malformed conditions instead of throwing', () => {
    const bad = [null, undefined, 42, 'x', [], {}, { var: 'vars.count' }, { var: 7, equals: 7 }, { all: 'x' }, { any: null }, { not: 3 }]
    for (const condition of bad) expect(evaluateCondition(condition as unknown as Condition, scope)).toBe(false)
  })

  it('requires every operator of a comparison that has several (the schema forbids it)', () => {
    expect(holds({ var: 'vars.count', greaterThan: 1, lessThan: 9 })).toBe(true)
    expect(holds({ var: 'vars.count', greaterThan: 1, lessThan: 3 })).toBe(false)
  })

  it('never throws on a very deep condition', () => {
    let deep: Condition = { var: 'vars.count', equals: 5 }
    for (let i = 0; i < 100_000; i++) deep = { not: deep }
    expect(typeof evaluateCondition(deep, scope)).toBe('boolean')
  })

  it('never throws for any valid condition and any value (property)', () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.object(), fc.array(fc.integer()))
    const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null))
    const comparison = fc.oneof(
      fc.record({ var: fc.constant('vars.x'), equals: scalar }),
      fc.record({ var: fc.constant('vars.x'), in: fc.array(scalar) }),
      fc.record({ var: fc.constant('vars.x'), startsWith: fc.string() }),
      fc.record({ var: fc.constant('vars.x'), matches: fc.string() }),
      fc.record({ var: fc.constant('vars.x'), greaterThan: fc.double() }),
      fc.record({ var: fc.constant('vars.x'), exists: fc.boolean() }),
    )
    const condition = fc.letrec<{ c: Condition }>((tie) => ({
      c: fc.oneof({ depthSize: 'small', withCrossShrink: true }, comparison,
        fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
        fc.record({ not: tie('c') })),
    })).c
    fc.assert(fc.property(condition, value, (c, x) => {
      const result = evaluateCondition(c, { ...scope, vars: { x } })
      expect(typeof result).toBe('boolean')
      expect(evaluateCondition({ not: c }, { ...scope, vars: { x } })).toBe(!result)
    }))
  })

  it('accepts every condition the schema accepts', () => {
    const parsed = ConditionSchema.parse({ any: [{ var: 'input.digits', in: ['1', 2] }, { not: { var: 'vars.x', exists: true } }] })
    expect(holds(parsed)).toBe(true)
  })
})

describe('conditionPaths', () => {
  it('lists every var with its location', () => {
    const condition: Condition = {
      all: [
        { var: 'vars.customer.tier', equals: 'gold' },
        { any: [{ var: 'call.from', startsWith: '+1' }, { not: { var: 'input.digits', exists: true } }] },
      ],
    }
    expect(conditionPaths(condition)).toEqual([
      { path: 'vars.customer.tier', at: ['all', 0, 'var'] },
      { path: 'call.from', at: ['all', 1, 'any', 0, 'var'] },
      { path: 'input.digits', at: ['all', 1, 'any', 1, 'not', 'var'] },
    ])
  })

  it('works on a single comparison', () => {
    expect(conditionPaths({ var: 'call.from', startsWith: '+1' })).toEqual([{ path: 'call.from', at: ['var'] }])
  })
})

describe('checkCondition', () => {
  it('reports regexes that do not compile, with their location', () => {
    const problems = checkCondition({ any: [{ var: 'input.speech', matches: 'ok' }, { not: { var: 'input.speech', matches: '(sales' } }] })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ at: ['any', 1, 'not', 'matches'], code: 'BAD_REGEX' })
    expect(problems[0]?.message).toMatch(/Unterminated group/)
  })

  it('accepts good regexes and conditions without any', () => {
    expect(checkCondition({ var: 'vars.code', matches: '^[A-Z]+$' })).toEqual([])
    expect(checkCondition({ var: 'vars.code', equals: '(' })).toEqual([])
  })
})
