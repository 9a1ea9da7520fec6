import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkHours, isOpen, localParts } from './hours.ts'
import type { HoursSpec } from './hours.ts'

const spec = (timezone: string, hours: HoursSpec['hours'], holidays: string[] = []): HoursSpec => ({ timezone, hours, holidays })
const openAt = (s: HoursSpec, iso: string) => isOpen(s, new Date(iso))

describe('localParts', () => {
  it('gives the wall-clock date and time in a zone', () => {
    expect(localParts(new Date('2026-03-09T13:30:00Z'), 'America/Chicago'))
      .toEqual({ year: 2026, month: 3, day: 9, weekday: 1, hour: 8, minute: 30, date: '2026-03-09' })
    expect(localParts(new Date('2026-01-01T00:30:00Z'), 'America/Chicago'))
      .toEqual({ year: 2025, month: 12, day: 31, weekday: 3, hour: 18, minute: 30, date: '2025-12-31' })
    expect(localParts(new Date('2026-03-07T15:00:00Z'), 'Asia/Tokyo'))
      .toEqual({ year: 2026, month: 3, day: 8, weekday: 0, hour: 0, minute: 0, date: '2026-03-08' })
  })

  it('says 0, not 24, at midnight', () => {
    expect(localParts(new Date('2026-06-01T00:00:00Z'), 'UTC').hour).toBe(0)
  })

  it('answers every second of a minute alike, and like Intl, across zones and DST changes (it keeps the last answer per zone)', () => {
    const zones = ['America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns']
    const intl = new Map(zones.map((z) => [z, new Intl.DateTimeFormat('en-US', { timeZone: z, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })]))
    const oracle = (at: Date, zone: string) => {
      const p = Object.fromEntries(intl.get(zone)!.formatToParts(at).map((x) => [x.type, x.value]))
      return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute) }
    }
    // Minutes around 2026's DST changes, and anywhere from 1973 to 2100.
    const transitions = ['2026-03-08T08:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-11-01T07:00:00Z', '2026-04-05T15:00:00Z'].map((iso) => Date.parse(iso))
    const instant = fc.oneof(
      fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -90, max: 90 })).map(([t, m]) => t + m * 60_000),
      fc.integer({ min: Date.parse('1973-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
    )
    fc.assert(fc.property(instant, fc.constantFrom(...zones), fc.array(fc.integer({ min: 0, max: 59_999 }), { minLength: 1, maxLength: 4 }), (t, zone, offsets) => {
      const minuteStart = Math.floor(t / 60_000) * 60_000
      for (const ms of offsets) {
        const at = new Date(minuteStart + ms)
        const { year, month, day, hour, minute } = localParts(at, zone)
        expect({ year, month, day, hour, minute }).toEqual(oracle(at, zone))
      }
    }), { numRuns: 2000 })
  })

  it('throws a RangeError for an unknown zone', () => {
    expect(() => localParts(new Date('2026-03-09T12:00:00Z'), 'Mars/Olympus')).toThrow(RangeError)
  })
})

describe('isOpen: daylight saving', () => {
  const chicago = spec('America/Chicago', { 'mon-fri': '08:00-18:00' })

  it('America/Chicago across the 2026-03-08 spring-forward', () => {
    expect(openAt(chicago, '2026-03-06T13:30:00Z')).toBe(false) // Fri 07:30 CST
    expect(openAt(chicago, '2026-03-06T14:00:00Z')).toBe(true) // Fri 08:00 CST
    expect(openAt(chicago, '2026-03-09T13:30:00Z')).toBe(true) // Mon 08:30 CDT
    expect(openAt(chicago, '2026-03-09T12:59:00Z')).toBe(false) // Mon 07:59 CDT
    expect(openAt(chicago, '2026-03-09T22:59:00Z')).toBe(true) // Mon 17:59 CDT
    expect(openAt(chicago, '2026-03-09T23:00:00Z')).toBe(false) // Mon 18:00 CDT
  })

  it('America/Chicago across the 2026-11-01 fall-back', () => {
    expect(openAt(chicago, '2026-10-30T13:30:00Z')).toBe(true) // Fri 08:30 CDT
    expect(openAt(chicago, '2026-11-02T13:30:00Z')).toBe(false) // Mon 07:30 CST
    expect(openAt(chicago, '2026-11-02T14:00:00Z')).toBe(true) // Mon 08:00 CST
    expect(openAt(chicago, '2026-11-02T23:59:00Z')).toBe(true) // Mon 17:59 CST
  })

  it('windows on the changeover night follow the wall clock', () => {
    const night = spec('America/Chicago', { sun: '01:00-03:00' })
    expect(openAt(night, '2026-03-08T07:30:00Z')).toBe(true) // 01:30 CST
    expect(openAt(night, '2026-03-08T07:59:00Z')).toBe(true) // 01:59 CST; 02:00-02:59 never happens
    expect(openAt(night, '2026-03-08T08:00:00Z')).toBe(false) // 03:00 CDT
    const back = spec('America/Chicago', { sun: '01:00-02:00' })
    expect(openAt(back, '2026-11-01T06:30:00Z')).toBe(true) // 01:30 CDT
    expect(openAt(back, '2026-11-01T07:30:00Z')).toBe(true) // 01:30 CST, the repeated hour
    expect(openAt(back, '2026-11-01T08:00:00Z')).toBe(false) // 02:00 CST
  })

  it('Europe/London before and after British Summer Time starts (2026-03-29)', () => {
    const london = spec('Europe/London', { 'mon-fri': '09:00-17:00' })
    expect(openAt(london, '2026-03-27T08:30:00Z')).toBe(false) // Fri 08:30 GMT
    expect(openAt(london, '2026-03-27T09:00:00Z')).toBe(true) // Fri 09:00 GMT
    expect(openAt(london, '2026-03-30T08:30:00Z')).toBe(true) // Mon 09:30 BST
    expect(openAt(london, '2026-03-30T15:59:00Z')).toBe(true) // Mon 16:59 BST
    expect(openAt(london, '2026-03-30T16:30:00Z')).toBe(false) // Mon 17:30 BST
  })

  it('Asia/Tokyo has no DST and its day starts nine hours before UTC', () => {
    const tokyo = spec('Asia/Tokyo', { 'mon-fri': '09:00-18:00', mon: '00:00-01:00' })
    expect(openAt(tokyo, '2026-03-06T00:00:00Z')).toBe(true) // Fri 09:00 JST
    expect(openAt(tokyo, '2026-03-06T08:59:00Z')).toBe(true) // Fri 17:59
    expect(openAt(tokyo, '2026-03-06T09:00:00Z')).toBe(false) // Fri 18:00
    expect(openAt(tokyo, '2026-03-06T23:59:00Z')).toBe(false) // Sat 08:59
    expect(openAt(tokyo, '2026-03-08T15:30:00Z')).toBe(true) // Mon 00:30 JST, still Sunday in UTC
    expect(openAt(tokyo, '2026-07-06T00:00:00Z')).toBe(true) // Mon 09:00 in summer too
  })

  it('Asia/Kolkata is UTC+05:30', () => {
    const kolkata = spec('Asia/Kolkata', { 'mon-fri': '10:00-19:00' })
    expect(openAt(kolkata, '2026-03-09T04:29:00Z')).toBe(false) // Mon 09:59 IST
    expect(openAt(kolkata, '2026-03-09T04:30:00Z')).toBe(true) // Mon 10:00 IST
    expect(openAt(kolkata, '2026-03-09T13:29:00Z')).toBe(true) // Mon 18:59 IST
    expect(openAt(kolkata, '2026-03-09T13:30:00Z')).toBe(false) // Mon 19:00 IST
  })

  it('Australia/Lord_Howe shifts by thirty minutes for summer', () => {
    const lordHowe = spec('Australia/Lord_Howe', { daily: '09:00-17:00' })
    // January: +11:00, so 09:00 local is 22:00Z the day before.
    expect(openAt(lordHowe, '2026-01-05T21:59:00Z')).toBe(false)
    expect(openAt(lordHowe, '2026-01-05T22:00:00Z')).toBe(true)
    // July: +10:30, so 22:00Z is only 08:30 local.
    expect(openAt(lordHowe, '2026-07-06T22:00:00Z')).toBe(false)
    expect(openAt(lordHowe, '2026-07-06T22:30:00Z')).toBe(true)
  })
})

describe('isOpen: days and windows', () => {
  const utc = (hours: HoursSpec['hours'], holidays: string[] = []) => spec('UTC', hours, holidays)

  it('separates weekdays from weekends', () => {
    const office = utc({ 'mon-fri': '08:00-18:00', sat: '10:00-14:00' })
    expect(openAt(office, '2026-03-06T12:00:00Z')).toBe(true) // Friday
    expect(openAt(office, '2026-03-07T12:00:00Z')).toBe(true) // Saturday 12:00
    expect(openAt(office, '2026-03-07T15:00:00Z')).toBe(false) // Saturday 15:00
    expect(openAt(office, '2026-03-08T12:00:00Z')).toBe(false) // Sunday: no key, closed
  })

  it('opens at the start and closes at the end', () => {
    const office = utc({ mon: '08:00-18:00' })
    expect(openAt(office, '2026-03-09T07:59:59.999Z')).toBe(false)
    expect(openAt(office, '2026-03-09T08:00:00Z')).toBe(true)
    expect(openAt(office, '2026-03-09T17:59:59Z')).toBe(true)
    expect(openAt(office, '2026-03-09T18:00:00Z')).toBe(false)
  })

  it('reads several windows a day, 24:00, one-digit hours and spaces', () => {
    const lunch = utc({ 'mon-fri': ['8:00 - 12:00', '13:00-17:00'], sat: '20:00-24:00' })
    expect(openAt(lunch, '2026-03-09T11:00:00Z')).toBe(true)
    expect(openAt(lunch, '2026-03-09T12:30:00Z')).toBe(false)
    expect(openAt(lunch, '2026-03-09T13:00:00Z')).toBe(true)
    expect(openAt(lunch, '2026-03-07T23:59:00Z')).toBe(true) // Sat 23:59
    expect(openAt(lunch, '2026-03-08T00:00:00Z')).toBe(false) // Sun 00:00
  })

  it('reads day keys in any case, lists, mixtures, wrapping ranges, full names and daily', () => {
    const at = (key: string, iso: string) => openAt(utc({ [key]: '00:00-24:00' }), iso)
    const days = ['2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14'] // Sun..Sat
    const openDays = (key: string) => days.filter((d) => at(key, `${d}T12:00:00Z`)).map((d) => days.indexOf(d))
    expect(openDays('Mon-Fri')).toEqual([1, 2, 3, 4, 5])
    expect(openDays('SAT,sun')).toEqual([0, 6])
    expect(openDays('mon-wed, fri')).toEqual([1, 2, 3, 5])
    expect(openDays('fri-mon')).toEqual([0, 1, 5, 6])
    expect(openDays('sun-sat')).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(openDays('daily')).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(openDays('Tuesday,thurs')).toEqual([2, 4])
    expect(openDays('wed-wed')).toEqual([3])
  })

  it('merges the windows of a day named by two keys', () => {
    const s = utc({ 'mon-fri': '09:00-12:00', mon: '13:00-17:00' })
    expect(openAt(s, '2026-03-09T10:00:00Z')).toBe(true) // Mon morning
    expect(openAt(s, '2026-03-09T14:00:00Z')).toBe(true) // Mon afternoon
    expect(openAt(s, '2026-03-10T14:00:00Z')).toBe(false) // Tue afternoon
  })

  it('runs an overnight window into the next day, whatever that day has', () => {
    const bar = utc({ fri: '22:00-02:00', sun: '23:00-01:00' })
    expect(openAt(bar, '2026-03-06T21:59:00Z')).toBe(false) // Fri 21:59
    expect(openAt(bar, '2026-03-06T22:00:00Z')).toBe(true) // Fri 22:00
    expect(openAt(bar, '2026-03-07T01:59:00Z')).toBe(true) // Sat 01:59, Saturday has no key
    expect(openAt(bar, '2026-03-07T02:00:00Z')).toBe(false) // Sat 02:00
    expect(openAt(bar, '2026-03-06T01:00:00Z')).toBe(false) // Fri 01:00: Thursday had no window
    expect(openAt(bar, '2026-03-09T00:30:00Z')).toBe(true) // Mon 00:30, from Sunday across the week's end
  })

  it('treats an end of 00:00 as midnight', () => {
    const late = utc({ sat: '18:00-00:00' })
    expect(openAt(late, '2026-03-07T23:59:00Z')).toBe(true)
    expect(openAt(late, '2026-03-08T00:00:00Z')).toBe(false)
  })

  it('is closed on holidays, which are local dates', () => {
    const chicago = spec('America/Chicago', { 'mon-fri': '08:00-18:00' }, ['2026-12-25'])
    expect(openAt(chicago, '2026-12-24T15:00:00Z')).toBe(true) // Thu 09:00 CST
    expect(openAt(chicago, '2026-12-25T15:00:00Z')).toBe(false) // Fri 09:00 CST, Christmas
    const tokyo = spec('Asia/Tokyo', { daily: '00:00-24:00' }, ['2026-12-25'])
    expect(openAt(tokyo, '2026-12-24T14:59:00Z')).toBe(true) // Dec 24 23:59 JST
    expect(openAt(tokyo, '2026-12-24T15:00:00Z')).toBe(false) // Dec 25 00:00 JST, still the 24th in UTC
    expect(openAt(tokyo, '2026-12-25T14:59:00Z')).toBe(false) // Dec 25 23:59 JST
    expect(openAt(tokyo, '2026-12-25T15:00:00Z')).toBe(true) // Dec 26 00:00 JST
  })

  it('lets an overnight window that opened before a holiday run into it, but never opens one on a holiday', () => {
    const into = utc({ thu: '22:00-02:00' }, ['2026-12-25'])
    expect(openAt(into, '2026-12-24T23:00:00Z')).toBe(true) // Thu 23:00
    expect(openAt(into, '2026-12-25T01:00:00Z')).toBe(true) // Fri 01:00, the holiday
    const from = utc({ fri: '22:00-02:00' }, ['2026-12-25'])
    expect(openAt(from, '2026-12-25T23:00:00Z')).toBe(false) // Fri 23:00, the holiday
    expect(openAt(from, '2026-12-26T01:00:00Z')).toBe(false) // Sat 01:00, after the holiday's window
  })
})

describe('isOpen: robustness', () => {
  it('is closed for an invalid date or an unknown zone', () => {
    expect(isOpen(spec('UTC', { daily: '00:00-24:00' }), new Date(Number.NaN))).toBe(false)
    expect(isOpen(spec('Mars/Olympus', { daily: '00:00-24:00' }), new Date('2026-03-09T12:00:00Z'))).toBe(false)
  })

  it('skips unreadable keys and windows but honours the readable ones', () => {
    const messy = spec('UTC', { 'mon-fry': '08:00-18:00', tue: ['nonsense', '08:00-18:00'], wed: '25:00-26:00' })
    expect(openAt(messy, '2026-03-09T12:00:00Z')).toBe(false) // Monday: its key is unreadable
    expect(openAt(messy, '2026-03-10T12:00:00Z')).toBe(true) // Tuesday
    expect(openAt(messy, '2026-03-11T12:00:00Z')).toBe(false) // Wednesday
  })

  it('never throws for arbitrary instants, zones and specs (property)', () => {
    const zones = fc.constantFrom('UTC', 'America/Chicago', 'Europe/London', 'Asia/Tokyo', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'Mars/Olympus', '')
    const window = fc.oneof(fc.constantFrom('08:00-18:00', '22:00-02:00', '00:00-24:00', '24:00-01:00', '9:5-1'), fc.string())
    const hours = fc.dictionary(fc.oneof(fc.constantFrom('mon-fri', 'fri-mon', 'sat,sun', 'daily', 'x'), fc.string()), fc.oneof(window, fc.array(window)))
    const holidays = fc.array(fc.oneof(fc.constantFrom('2026-12-25', '2026-02-30'), fc.string()))
    fc.assert(fc.property(fc.date({ noInvalidDate: false }), zones, hours, holidays, (at, timezone, h, hd) => {
      expect(typeof isOpen({ timezone, hours: h, holidays: hd }, at)).toBe('boolean')
    }))
  })

  it('is always open around the clock, across every DST change (property)', () => {
    const zones = fc.constantFrom('America/Chicago', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham')
    const at = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
    fc.assert(fc.property(zones, at, (timezone, instant) => {
      expect(isOpen(spec(timezone, { daily: '00:00-24:00' }), instant)).toBe(true)
    }))
  })

  it('agrees with a plain UTC model (property)', () => {
    const office = spec('UTC', { 'mon-fri': '08:30-17:00', sat: '22:00-01:30' })
    fc.assert(fc.property(fc.date({ noInvalidDate: true }), (at) => {
      const day = at.getUTCDay()
      const minute = at.getUTCHours() * 60 + at.getUTCMinutes()
      const expected = (day >= 1 && day <= 5 && minute >= 510 && minute < 1020)
        || (day === 6 && minute >= 1320)
        || (day === 0 && minute < 90)
      expect(isOpen(office, at)).toBe(expected)
    }))
  })
})

describe('checkHours', () => {
  it('accepts a good spec', () => {
    expect(checkHours(spec('America/Chicago', { 'mon-fri': '08:00-18:00', 'sat,sun': ['10:00-12:00', '22:00-02:00'], daily: '00:00-24:00' }, ['2026-12-25']))).toEqual([])
  })

  it('reports an unknown zone', () => {
    expect(checkHours(spec('America/Chicgo', {}))).toEqual([
      { at: ['timezone'], code: 'BAD_TIMEZONE', message: expect.stringContaining('America/Chicgo') },
    ])
  })

  it('reports unreadable day keys', () => {
    const problems = checkHours(spec('UTC', { 'mon-fry': '08:00-18:00', 'mo': '08:00-18:00', 'mon-tue-wed': '08:00-18:00', 'sat,': '08:00-18:00' }))
    expect(problems.map((p) => p.at)).toEqual([['hours', 'mon-fry'], ['hours', 'mo'], ['hours', 'mon-tue-wed'], ['hours', 'sat,']])
    expect(problems.every((p) => p.code === 'BAD_HOURS')).toBe(true)
  })

  it('reports unreadable windows where they are', () => {
    const problems = checkHours(spec('UTC', {
      mon: '9-5',
      tue: ['08:00-12:00', '10:60-11:00', '25:00-26:00', '09:00-24:30', '10:00-10:00'],
      wed: '08:00-25:00',
      thu: [],
    }))
    expect(problems.map((p) => [p.at, p.message])).toEqual([
      [['hours', 'mon'], expect.stringContaining('not a window')],
      [['hours', 'tue', 1], expect.stringContaining('minutes')],
      [['hours', 'tue', 2], expect.stringContaining('cannot start')],
      [['hours', 'tue', 3], expect.stringContaining('24:00')],
      [['hours', 'tue', 4], expect.stringContaining('empty')],
      [['hours', 'wed'], expect.stringContaining('24:00')],
      [['hours', 'thu'], expect.stringContaining('at least one')],
    ])
  })

  it('reports malformed holiday dates', () => {
    const problems = checkHours(spec('UTC', {}, ['2026-12-25', '2026-02-30', '2026-13-01', '12/25/2026', '2028-02-29']))
    expect(problems.map((p) => p.at)).toEqual([['holidays', 1], ['holidays', 2], ['holidays', 3]])
  })
})
