/**
 * Opening hours for `hours` nodes: is a business open at an instant?
 *
 * The instant is converted to wall-clock time in the node's zone (IANA, via Intl), so daylight
 * saving changes need no special cases: "08:00-18:00" means 08:00 local time on every day.
 *
 * - Day keys (case-insensitive, spaces ignored): a day (`mon`, `tue`, … `sun`; the full name or
 *   any abbreviation of at least three letters such as `tues` or `thurs` works too), a range
 *   (`mon-fri`; `fri-mon` wraps through the weekend), a comma list (`sat,sun`), mixtures
 *   (`mon-wed,fri`), or `daily` for all seven days. A day named by several keys gets all of
 *   their windows. Days that no key names are closed.
 * - Windows: `"HH:MM-HH:MM"` (one-digit hours and spaces around the dash are fine), or a list
 *   of them. The start is inclusive, the end exclusive; `24:00` may end a window. A window
 *   whose end is before its start runs past midnight: `fri: "22:00-02:00"` is open from Friday
 *   22:00 to Saturday 02:00, whatever Saturday's own windows. An end of `00:00` means midnight.
 * - Holidays: whole local dates (`YYYY-MM-DD`) on which no window opens. An overnight window
 *   that opened the evening before a holiday still runs until its end on the holiday (the
 *   business opened and closes as usual); a window that would open on a holiday never opens,
 *   including its part after midnight.
 * - Wall-clock times that happen twice (the hour repeated when clocks go back) are open if
 *   their local time is inside a window; times skipped when clocks go forward never occur.
 */

export interface HoursSpec {
  timezone: string
  hours: Record<string, string | string[]>
  holidays: string[]
}

export interface HoursProblem {
  at: (string | number)[]
  code: 'BAD_TIMEZONE' | 'BAD_HOURS'
  message: string
  /** 'key' when the key at `at` is wrong (a day key), not its value. */
  prefer?: 'key'
}

export interface LocalParts {
  year: number
  month: number
  day: number
  /** 0 = Sunday, as `Date.getDay()`. */
  weekday: number
  hour: number
  minute: number
  /** YYYY-MM-DD */
  date: string
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const
const MINUTES_PER_DAY = 24 * 60

// Local time ----------------------------------------------------------------------------------

// Creating a DateTimeFormat costs far more than using one; a flow names few zones.
const formatters = new Map<string, Intl.DateTimeFormat | null>()

/** A formatter for a zone, or null when Intl does not know the zone. */
function formatterFor(timezone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timezone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        weekday: 'short',
        hour: 'numeric',
        minute: 'numeric',
      })
    } catch {
      f = null
    }
    formatters.set(timezone, f)
  }
  return f
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')

function isoDate(year: number, month: number, day: number): string {
  return `${year < 0 ? '-' : ''}${pad(year, 4)}-${pad(month)}-${pad(day)}`
}

/**
 * The wall-clock date and time of an instant in an IANA zone. Throws a RangeError for an
 * unknown zone or an invalid date.
 *
 * @example
 * localParts(new Date('2026-03-09T13:30:00Z'), 'America/Chicago')
 * // → { year: 2026, month: 3, day: 9, weekday: 1, hour: 8, minute: 30, date: '2026-03-09' }
 */
export function localParts(at: Date, timezone: string): LocalParts {
  const minute = Math.floor(at.getTime() / 60_000)
  const cached = lastParts.get(timezone)
  if (cached !== undefined && cached.minute === minute) return cached.parts
  const parts = computeLocalParts(at, timezone)
  // Since 1972 every zone's offset is a whole number of minutes, so one UTC minute is one
  // local minute; earlier local mean times had offsets in seconds.
  if (at.getTime() >= WHOLE_MINUTE_OFFSETS_SINCE) lastParts.set(timezone, { minute, parts: Object.freeze(parts) })
  return parts
}

/** 1973-01-01T00:00:00Z. */
const WHOLE_MINUTE_OFFSETS_SINCE = 94_694_400_000
/** The last answer per zone: the calls of one busy minute all ask for the same one. */
const lastParts = new Map<string, { minute: number; parts: Readonly<LocalParts> }>()

function computeLocalParts(at: Date, timezone: string): LocalParts {
  const f = formatterFor(timezone)
  if (f === null) throw new RangeError(`unknown time zone: ${timezone}`)
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const part of f.formatToParts(at)) parts[part.type] = part.value
  const eraYear = Number(parts.year)
  // en-US counts years before 1 AD as "1 BC", "2 BC", …; ISO counts them as 0, -1, …
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - eraYear : eraYear
  const month = Number(parts.month)
  const day = Number(parts.day)
  const weekday = DAY_NAMES.findIndex((name) => name.startsWith((parts.weekday ?? '').toLowerCase()))
  // Some ICU versions say "24" for midnight even with h23.
  const hour = Number(parts.hour) % 24
  const minute = Number(parts.minute)
  return { year, month, day, weekday, hour, minute, date: isoDate(year, month, day) }
}

/** The calendar date before a local date, as YYYY-MM-DD (proleptic Gregorian, via UTC). */
function previousDate(parts: LocalParts): string {
  const d = new Date(0)
  d.setUTCFullYear(parts.year, parts.month - 1, parts.day - 1)
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

// Reading a spec ----------------------------------------------------------------------------

/** Minutes since local midnight; `end` is past 1440 for a window that runs past midnight. */
interface Window { start: number; end: number }

/** Day numbers (0 = Sunday) for one day name, or undefined. */
function dayNumber(name: string): number | undefined {
  if (name.length < 3) return undefined
  const i = DAY_NAMES.findIndex((full) => full.startsWith(name))
  return i < 0 ? undefined : i
}

/**
 * The days a key names, or an error message. `fri-mon` wraps; `mon-mon` is just Monday.
 *
 * @example dayKeyDays('mon-wed,fri') // → [1, 2, 3, 5]
 */
function dayKeyDays(key: string): number[] | string {
  const days = new Set<number>()
  for (const item of key.toLowerCase().replace(/\s+/g, '').split(',')) {
    if (item === 'daily') {
      for (let d = 0; d < 7; d++) days.add(d)
      continue
    }
    const ends = item.split('-')
    const first = ends[0] === undefined ? undefined : dayNumber(ends[0])
    const last = ends.length === 2 && ends[1] !== undefined ? dayNumber(ends[1]) : first
    if (ends.length > 2 || first === undefined || last === undefined) {
      return `"${key}" is not a day, a range such as mon-fri, or a list such as sat,sun`
    }
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d)
      if (d === last) break
    }
  }
  return [...days]
}

const WINDOW = /^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$/

/**
 * One `"HH:MM-HH:MM"` window, or an error message.
 *
 * @example parseWindow('22:00-02:00') // → { start: 1320, end: 1560 }
 */
function parseWindow(text: unknown): Window | string {
  if (typeof text !== 'string') return `a window must be text such as "08:00-18:00"`
  const m = WINDOW.exec(text)
  if (!m) return `"${text}" is not a window such as "08:00-18:00"`
  const [sh, sm, eh, em] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number]
  if (sm >= 60 || em >= 60) return `"${text}": minutes must be below 60`
  if (sh >= 24) return `"${text}": a window cannot start at ${pad(sh)}:${pad(sm)}`
  if (eh > 24 || (eh === 24 && em > 0)) return `"${text}": a window ends at 24:00 at the latest`
  const start = sh * 60 + sm
  let end = eh * 60 + em
  if (start === end) return `"${text}" is empty: it starts and ends at the same time`
  if (end < start) end += MINUTES_PER_DAY // runs past midnight into the next day
  return { start, end }
}

/** Windows per weekday (0 = Sunday), with every problem found while reading them. */
function readSchedule(hours: unknown): { week: Window[][]; problems: HoursProblem[] } {
  const week: Window[][] = [[], [], [], [], [], [], []]
  const problems: HoursProblem[] = []
  const bad = (at: (string | number)[], message: string, prefer?: 'key') => problems.push({ at, code: 'BAD_HOURS', message, ...(prefer ? { prefer } : {}) })
  if (typeof hours !== 'object' || hours === null || Array.isArray(hours)) {
    bad(['hours'], 'hours must map days to windows')
    return { week, problems }
  }
  for (const [key, value] of Object.entries(hours)) {
    const days = dayKeyDays(key)
    if (typeof days === 'string') bad(['hours', key], days, 'key')
    const windows: Window[] = []
    if (Array.isArray(value)) {
      if (value.length === 0) bad(['hours', key], 'give at least one window')
      value.forEach((text, i) => {
        const w = parseWindow(text)
        if (typeof w === 'string') bad(['hours', key, i], w)
        else windows.push(w)
      })
    } else {
      const w = parseWindow(value)
      if (typeof w === 'string') bad(['hours', key], w)
      else windows.push(w)
    }
    if (typeof days !== 'string') for (const d of days) week[d]?.push(...windows)
  }
  return { week, problems }
}

const HOLIDAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date as YYYY-MM-DD (2026-02-30 is not one). */
function isCalendarDate(text: unknown): boolean {
  if (typeof text !== 'string') return false
  const m = HOLIDAY.exec(text)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

// The API -----------------------------------------------------------------------------------

/**
 * Whether the hours are open at an instant; the rules are described at the top of this module.
 * Never throws: an invalid date or an unknown zone counts as closed, and unreadable keys or
 * windows are skipped (`checkHours` reports them).
 *
 * @example
 * isOpen({ timezone: 'America/Chicago', hours: { 'mon-fri': '08:00-18:00' }, holidays: [] },
 *   new Date('2026-03-09T13:30:00Z')) // → true: Monday 08:30 CDT
 */
export function isOpen(spec: HoursSpec, at: Date): boolean {
  try {
    if (!(at instanceof Date) || Number.isNaN(at.getTime()) || formatterFor(spec.timezone) === null) return false
    const local = localParts(at, spec.timezone)
    const { week } = readSchedule(spec.hours)
    const holidays = new Set(Array.isArray(spec.holidays) ? spec.holidays : [])
    const minute = local.hour * 60 + local.minute
    const today = week[local.weekday] ?? []
    const yesterday = week[(local.weekday + 6) % 7] ?? []
    const openToday = !holidays.has(local.date) && today.some((w) => w.start <= minute && minute < w.end)
    // The part after midnight of yesterday's overnight windows, unless yesterday was a holiday.
    const spillover = () => !holidays.has(previousDate(local))
      && yesterday.some((w) => minute + MINUTES_PER_DAY >= w.start && minute + MINUTES_PER_DAY < w.end)
    return openToday || spillover()
  } catch {
    return false
  }
}

/**
 * Everything in an hours spec that cannot be read: an unknown zone, day keys, windows
 * (minutes ≥ 60, hours past 24, empty windows, bad text) and holiday dates.
 *
 * @example
 * checkHours({ timezone: 'Mars/Olympus', hours: { 'mon-fry': '8:00-18:00' }, holidays: ['2026-02-30'] })
 * // → [{ at: ['timezone'], code: 'BAD_TIMEZONE', … }, { at: ['hours', 'mon-fry'], code: 'BAD_HOURS', … },
 * //    { at: ['holidays', 0], code: 'BAD_HOURS', … }]
 */
export function checkHours(spec: HoursSpec): HoursProblem[] {
  const problems: HoursProblem[] = []
  if (typeof spec.timezone !== 'string' || formatterFor(spec.timezone) === null) {
    problems.push({ at: ['timezone'], code: 'BAD_TIMEZONE', message: `"${String(spec.timezone)}" is not an IANA time zone such as America/Chicago` })
  }
  problems.push(...readSchedule(spec.hours).problems)
  const holidays: unknown[] = Array.isArray(spec.holidays) ? spec.holidays : []
  holidays.forEach((date, i) => {
    if (!isCalendarDate(date)) {
      problems.push({ at: ['holidays', i], code: 'BAD_HOURS', message: `"${String(date)}" is not a date such as 2026-12-25` })
    }
  })
  return problems
}
