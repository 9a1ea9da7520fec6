import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
import { eventOf, pressKey } from './caller-actions.ts'
import { clockInZones, formFor, fromLocalInput, isOutbound, parseValue, settingsOf, toLocalInput } from './settings.ts'

const flow = (id: string): Flow => loadFlow(readFileSync(new URL(`../../../../flows/${id}.yaml`, import.meta.url), 'utf8'), `flows/${id}.yaml`).flow!

describe('the keypad', () => {
  const menu = { numDigits: 1, finishOnKey: '#' }
  const account = { numDigits: 10, finishOnKey: '#' }

  it('sends as soon as numDigits keys are typed', () => {
    expect(pressKey('', '2', menu)).toEqual({ buffer: '', send: '2' })
    expect(pressKey('123456789', '0', account)).toEqual({ buffer: '', send: '1234567890' })
    expect(pressKey('12', '3', account)).toEqual({ buffer: '123' })
  })

  it('sends on the finishing key, without the key itself', () => {
    expect(pressKey('123456', '#', account)).toEqual({ buffer: '', send: '123456' })
    expect(pressKey('', '#', menu)).toEqual({ buffer: '', send: '' })
    // A menu with a # choice has no finishing key: # is a key like the others.
    expect(pressKey('', '#', { numDigits: 1, finishOnKey: '' })).toEqual({ buffer: '', send: '#' })
    // Twilio's default finishing key is #.
    expect(pressKey('4', '#', {})).toEqual({ buffer: '', send: '4' })
  })

  it('turns actions into the events runScenario sends', () => {
    expect(eventOf({ press: '' })).toEqual({ type: 'DIGITS', digits: '' })
    expect(eventOf({ record: { url: 'u' } })).toEqual({ type: 'RECORDING', url: 'u', duration: 10 })
    expect(eventOf({ record: 'empty' })).toEqual({ type: 'RECORDING' })
    expect(eventOf({ queue: 'bridged' })).toEqual({ type: 'QUEUE_RESULT', result: 'bridged' })
  })
})

describe('the settings form', () => {
  it('prefills the flow’s variables, and answeredBy for outbound flows', () => {
    const reminder = flow('appointment-reminder')
    expect(isOutbound(reminder)).toBe(true)
    expect(isOutbound(flow('support'))).toBe(false)
    const form = formFor(reminder, new Date(2026, 10, 23, 10, 5))
    expect(form).toMatchObject({ clock: '2026-11-23T10:05', from: '+15551230000', to: '+15557654321', answeredBy: 'human', extra: [{ key: 'direction', value: 'outbound-api' }] })
    expect(form.vars).toContainEqual({ key: 'clinic', value: 'Riverside Dental' })
    expect(formFor(flow('support'), new Date())).toMatchObject({ answeredBy: '', extra: [] })
  })

  it('reads values as YAML would: JSON data keeps its type, anything else is text', () => {
    expect(parseValue('{"tier": "gold"}')).toEqual({ tier: 'gold' })
    expect(parseValue('[1, 2]')).toEqual([1, 2])
    expect(parseValue('42')).toBe(42)
    expect(parseValue('true')).toBe(true)
    expect(parseValue('+15551230000')).toBe('+15551230000')
    expect(parseValue('007')).toBe('007')
    expect(parseValue('Riverside Dental')).toBe('Riverside Dental')
    expect(parseValue('{not json')).toBe('{not json')
  })

  it('builds the call settings; empty names are ignored', () => {
    const result = settingsOf({ clock: '2026-11-23T10:00', from: '+1', to: '+2', answeredBy: 'fax', extra: [{ key: 'FromCity', value: 'AUSTIN' }, { key: ' ', value: 'x' }], vars: [{ key: 'n', value: '3' }] })
    expect(result).toEqual({ ok: true, settings: { clock: fromLocalInput('2026-11-23T10:00'), call: { from: '+1', to: '+2', answeredBy: 'fax', FromCity: 'AUSTIN' }, vars: { n: 3 } } })
    expect(settingsOf({ clock: '', from: '', to: '', answeredBy: '', extra: [], vars: [] })).toEqual({ ok: false, error: 'set the clock to a date and time' })
  })

  it('writes the clock as a local time with its offset, the same instant the input shows', () => {
    const iso = fromLocalInput('2026-11-23T10:00')!
    expect(iso).toMatch(/^2026-11-23T10:00:00(Z|[+-]\d\d:\d\d)$/)
    expect(Date.parse(iso)).toBe(new Date(2026, 10, 23, 10, 0).getTime())
    expect(toLocalInput(new Date(iso))).toBe('2026-11-23T10:00')
    expect(fromLocalInput('tomorrow')).toBeUndefined()
  })

  it('shows the clock in each hours node’s time zone', () => {
    expect(clockInZones(flow('support'), '2026-11-23T16:00:00Z')).toEqual([{ zone: 'America/Chicago', time: 'Mon 23 Nov, 10:00' }])
    expect(clockInZones(flow('verify'), '2026-11-23T16:00:00Z')).toEqual([])
  })
})
