import { describe, expect, it } from 'vitest'
import { WAITING_KINDS } from './view.ts'

describe('WAITING_KINDS', () => {
  it('lists the instructions that hand control back to the provider', () => {
    expect([...WAITING_KINDS].sort()).toEqual(['dial', 'enqueue', 'gather', 'hangup', 'record', 'redirect'])
    expect(WAITING_KINDS.has('say')).toBe(false)
  })
})
