import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateCondition } from '../condition/condition.ts'
import type { Scope } from '../template/template.ts'
import { anyOfValues, caseless, conditionFrom, studioConditionHolds } from './conditions.ts'

const scope = (value: string): Scope => ({ call: {}, vars: { x: value }, input: {}, flow: { id: 't', now: '2026-01-01T00:00:00Z' } })

describe('Studio conditions as Phonetree conditions', () => {
  it('keeps readable operators for values without letters', () => {
    expect(conditionFrom({ type: 'equal_to', value: '1' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', equals: '1' } })
    expect(conditionFrom({ type: 'matches_any_of', value: '1, 2,3' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', in: ['1', '2', '3'] } })
    expect(conditionFrom({ type: 'starts_with', value: '+81' }, 'call.from')).toEqual({ ok: true, condition: { var: 'call.from', startsWith: '+81' } })
    expect(conditionFrom({ type: 'greater_than', value: '2' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', greaterThan: 2 } })
    expect(conditionFrom({ type: 'is_blank' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', exists: false } })
    expect(conditionFrom({ type: 'does_not_match_any_of', value: '1,2' }, 'vars.x')).toEqual({ ok: true, condition: { not: { var: 'vars.x', in: ['1', '2'] } } })
  })

  it('compares text without regard to case, as Studio does', () => {
    expect(conditionFrom({ type: 'equal_to', value: 'Yes' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', matches: '^\\s*[yY][eE][sS]\\s*$' } })
    expect(conditionFrom({ type: 'contains', value: 'a.b' }, 'vars.x')).toEqual({ ok: true, condition: { var: 'vars.x', matches: '[aA]\\.[bB]' } })
    expect(caseless('Gold?')).toBe('[gG][oO][lL][dD]\\?')
  })

  it('says why a condition has no equivalent', () => {
    expect(conditionFrom({ type: 'is_after_time', value: '17:00' }, 'vars.x')).toMatchObject({ ok: false, reason: expect.stringMatching(/hours node/) })
    expect(conditionFrom({ type: 'equal_to', value: '{{flow.variables.y}}' }, 'vars.x')).toMatchObject({ ok: false, reason: expect.stringMatching(/template/) })
    expect(conditionFrom({ type: 'greater_than', value: 'ten' }, 'vars.x')).toMatchObject({ ok: false })
    expect(conditionFrom({ type: 'regex', value: '(' }, 'vars.x')).toMatchObject({ ok: false, reason: expect.stringMatching(/does not compile/) })
    expect(conditionFrom({ type: 'sounds_like', value: 'x' }, 'vars.x')).toMatchObject({ ok: false })
  })

  it('splits matches_any_of values on commas, trimmed, without empties', () => {
    expect(anyOfValues(' a, b ,, c ')).toEqual(['a', 'b', 'c'])
  })

  it('reads conditions as Studio does: no case, trimmed; dates cannot be read', () => {
    expect(studioConditionHolds({ type: 'equal_to', value: 'gold' }, ' GOLD ')).toBe(true)
    expect(studioConditionHolds({ type: 'matches_any_of', value: 'busy, no-answer' }, 'no-answer')).toBe(true)
    expect(studioConditionHolds({ type: 'greater_than', value: '2' }, '3')).toBe(true)
    expect(studioConditionHolds({ type: 'greater_than', value: '2' }, '')).toBe(false)
    expect(studioConditionHolds({ type: 'is_before_date', value: '2026-01-01' }, 'x')).toBeUndefined()
  })

  // The converted condition must decide as Studio would, for any value a caller or an API
  // could produce (no leading zeros: Phonetree compares numeric text as numbers).
  it('agrees with Studio on every value (property)', () => {
    const word = fc.stringMatching(/^[a-zA-Z1-9][a-zA-Z0-9 +-]{0,6}$/)
    const type = fc.constantFrom('equal_to', 'not_equal_to', 'matches_any_of', 'does_not_match_any_of', 'contains', 'does_not_contain', 'starts_with', 'does_not_start_with', 'is_blank', 'is_not_blank')
    fc.assert(fc.property(type, fc.array(word, { minLength: 1, maxLength: 3 }), fc.oneof(word, fc.constant(''), fc.constant(' ')), (t, values, input) => {
      const condition = { type: t, value: t.includes('any_of') ? values.join(', ') : values[0]!.trim() }
      if (condition.value === '') return
      const converted = conditionFrom(condition, 'vars.x')
      if (!converted.ok) throw new Error(converted.reason)
      // A value of spaces is blank to Studio; Phonetree sees '' for it (Twilio sends no spaces alone).
      expect(evaluateCondition(converted.condition, scope(input.trim() === '' ? '' : input))).toBe(studioConditionHolds(condition, input))
    }), { numRuns: 500 })
  })
})
