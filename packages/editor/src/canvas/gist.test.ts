import { describe, expect, it } from 'vitest'
import { gistOf, LINE_CHARS, wrap } from './gist.ts'
import type { DraftNode } from '../app/draft.ts'

const node = (data: Record<string, unknown>): DraftNode => ({ kind: data.type as DraftNode['kind'], data })

describe('node gists', () => {
  it('wraps prompts to two lines and marks a cut', () => {
    expect(wrap('For sales, press 1. For support, press 2.', 20, 2)).toEqual(['For sales, press 1.', 'For support, press…'])
    expect(wrap('short')).toEqual(['short'])
    const url = wrap('https://example.com/a/very/long/path/that/never/ends/at/all/really')
    expect(url).toHaveLength(2)
    expect(url.every((l) => l.length <= LINE_CHARS)).toBe(true)
  })

  it('shows each type\'s essentials', () => {
    expect(gistOf(node({ type: 'http', url: 'https://crm/x', saveAs: 'customer' })).facts).toEqual(['GET https://crm/x', '→ vars.customer'])
    expect(gistOf(node({ type: 'dial', number: ['+1', '+2'] })).facts).toEqual(['☎ +1, +2'])
    expect(gistOf(node({ type: 'hours', timezone: 'America/Chicago', hours: { 'mon-fri': '08:00-18:00', sat: ['10:00-12:00', '13:00-15:00'] } })).facts)
      .toEqual(['America/Chicago', 'mon-fri 08:00-18:00', 'sat 10:00-12:00, 13:00-15:00'])
    expect(gistOf(node({ type: 'input', saveAs: 'account', minDigits: 6, maxDigits: 10 })).facts).toEqual(['→ vars.account', '6–10 digits'])
    expect(gistOf(node({ type: 'set', vars: { a: 1, b: 'x', c: true, d: 2, e: 3 } })).facts).toEqual(['a = 1', 'b = x', 'c = true', '+2 more'])
    expect(gistOf(node({ type: 'menu', prompt: [{ say: 'Press' }, { digits: '1' }] })).prompt).toEqual(['Press [digits 1]'])
    expect(gistOf({ kind: 'unknown', data: { type: 'sya' } }).facts).toEqual(['unknown type "sya"'])
  })
})
