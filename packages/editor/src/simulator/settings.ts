import { DEFAULT_TEST_CALL } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
import type { SimulatorSettings } from './session.ts'

/** A name/value row of the settings form (extra caller fields, starting variables). */
export interface Row {
  key: string
  value: string
}

/** The settings form as typed: everything a string, as the inputs hold it. */
export interface SettingsForm {
  /** `datetime-local` value (local time, `YYYY-MM-DDTHH:mm`). */
  clock: string
  from: string
  to: string
  /** For outbound flows: `human`, `machine_start`, `fax`, … ('' for none). */
  answeredBy: string
  extra: Row[]
  vars: Row[]
}

/** What `answeredBy` usually holds on an outbound call (Twilio's answering-machine detection). */
export const ANSWERED_BY = ['human', 'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax', 'unknown'] as const

/**
 * A fresh form for a flow: the clock at `now`, the test call's numbers, the flow's `vars`;
 * for an outbound flow (one that reads `call.answeredBy`), a person answering a placed call.
 *
 * @example formFor(flow, new Date()).vars // [{ key: 'clinic', value: 'Riverside Dental' }, …]
 */
export function formFor(flow: Flow | undefined, now: Date): SettingsForm {
  const outbound = flow !== undefined && isOutbound(flow)
  return {
    clock: toLocalInput(now),
    from: DEFAULT_TEST_CALL.from,
    to: DEFAULT_TEST_CALL.to,
    answeredBy: outbound ? 'human' : '',
    // Twilio's direction for a call the server placed.
    extra: outbound ? [{ key: 'direction', value: 'outbound-api' }] : [],
    vars: varRows(flow),
  }
}

/** The flow's starting variables as form rows. */
export function varRows(flow: Flow | undefined): Row[] {
  return Object.entries(flow?.vars ?? {}).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }))
}

/**
 * Whether a flow is meant for outbound calls: it reads `call.answeredBy` somewhere (a
 * condition or a template), so the form should offer the field.
 */
export function isOutbound(flow: Flow): boolean {
  return /\bcall\.answeredBy\b/.test(JSON.stringify(flow.nodes))
}

/**
 * The settings a form describes, or what is wrong with it.
 *
 * @example settingsOf(form) // { ok: true, settings: { clock: '2026-11-23T10:00:00-06:00', call: { from: '+1…' }, vars: {} } }
 */
export function settingsOf(form: SettingsForm): { ok: true; settings: SimulatorSettings } | { ok: false; error: string } {
  const clock = fromLocalInput(form.clock)
  if (clock === undefined) return { ok: false, error: 'set the clock to a date and time' }
  const call: Record<string, string> = { from: form.from, to: form.to, ...(form.answeredBy !== '' ? { answeredBy: form.answeredBy } : {}) }
  for (const { key, value } of form.extra) if (key.trim() !== '') call[key.trim()] = value
  const vars: Record<string, unknown> = {}
  for (const { key, value } of form.vars) if (key.trim() !== '') vars[key.trim()] = parseValue(value)
  return { ok: true, settings: { clock, call, vars } }
}

/**
 * A variable as typed: JSON objects, lists, numbers, booleans and null keep their type (as
 * they would written in YAML); anything else is text.
 *
 * @example parseValue('{"tier":"gold"}') // { tier: 'gold' }
 * @example parseValue('+15551230000') // '+15551230000'
 */
export function parseValue(text: string): unknown {
  const trimmed = text.trim()
  if (!/^[[{\-\d]|^(true|false|null)$/.test(trimmed)) return text
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return text
  }
}

/** A date as a `datetime-local` input shows it, in the browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/**
 * A `datetime-local` value as an ISO instant with the browser's offset, readable in a test's
 * `at` (`2026-11-23T10:00:00-06:00`); undefined when it is not a date and time.
 */
export function fromLocalInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number | undefined]
  const date = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) || s === undefined ? 0 : s)
  if (Number.isNaN(date.getTime())) return undefined
  const pad = (n: number) => String(n).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  const zone = offset === 0 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  return `${toLocalInput(date)}:${pad(date.getSeconds())}${zone}`
}

/**
 * The clock as each of the flow's `hours` time zones sees it, so the designer knows whether
 * the office is open: `[{ zone: 'America/Chicago', time: 'Mon 10:00' }]`.
 */
export function clockInZones(flow: Flow | undefined, instant: string | undefined): { zone: string; time: string }[] {
  if (flow === undefined || instant === undefined) return []
  const zones = [...new Set(Object.values(flow.nodes).flatMap((n) => (n.type === 'hours' ? [n.timezone] : [])))]
  const date = new Date(instant)
  return zones.flatMap((zone) => {
    try {
      const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date)
      return [{ zone, time }]
    } catch {
      return []
    }
  })
}
