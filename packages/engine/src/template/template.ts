import { Liquid, analyzeSync } from 'liquidjs'
import type { FilterImplOptions, Template } from 'liquidjs'

/**
 * Liquid-style templates for prompts, URLs and `set` values.
 *
 * One shared Liquid instance is configured for speech rather than HTML: outputs are never
 * escaped, undefined variables render as '', unknown filters are parse errors, truthiness is
 * JavaScript's, and objects render as JSON. Templates can read only the scope given to them
 * (no file system: `include`, `render` and `layout` are removed), and the date filters read
 * the step's clock (`flow.now`) instead of the machine's, so rendering is deterministic.
 */

/** What templates and conditions can read. */
export interface Scope {
  /** sid, from, to, direction, answeredBy, callerName, … */
  call: Record<string, string | undefined>
  vars: Record<string, unknown>
  input: { digits?: string; speech?: string; confidence?: number }
  /** `now`: the ISO instant of the step's clock. */
  flow: { id: string; title?: string; now: string }
}

/** The first segment of every path a template or condition may name. */
export const PATH_ROOTS = ['call', 'vars', 'input', 'flow'] as const

export type TemplateCheck =
  | { ok: true; paths: string[][] }
  | { ok: false; message: string; index?: number }

/** Thrown by `renderTemplate` only for a source that does not parse (see `checkTemplate`). */
export class TemplateError extends Error {
  readonly index: number | undefined
  constructor(message: string, index?: number) {
    super(message)
    this.name = 'TemplateError'
    this.index = index
  }
}

// The Liquid instance -----------------------------------------------------------------------

/** The longest template Liquid parses, in characters. */
const PARSE_LIMIT = 100_000

const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  jsTruthy: true,
  ownPropertyOnly: true,
  // Speech, not HTML: no escaping, but objects must not be spoken as "[object Object]".
  outputEscape: toText,
  // The same output on a server and in a browser, whatever the machine's zone and locale.
  timezoneOffset: 0,
  locale: 'en-US',
  // A prompt is a sentence or two; these only stop a runaway loop from stalling a webhook.
  parseLimit: PARSE_LIMIT,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
})

// Partials would read files (or fail in a browser); without the tags they are parse errors.
for (const tag of ['include', 'render', 'layout']) delete liquid.tags[tag]

/** Converts an output value to speakable text: strings as is, objects and arrays as JSON. */
function toText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? ''
    } catch {
      return '' // a cycle or a BigInt inside: nothing sensible to say
    }
  }
  return String(value)
}

// `raw` ends the escape chain in liquidjs; keep it raw but still free of "[object Object]".
liquid.registerFilter('raw', { raw: true, handler: toText })

// Filters -----------------------------------------------------------------------------------

type Handler = Extract<FilterImplOptions, (...args: never[]) => unknown>
/** What liquidjs binds `this` to in a filter (the root module does not export the type). */
type FilterImpl = ThisParameterType<Handler>

/** The text of a filter input, or undefined for values that have no sensible text. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/**
 * `{{ "12 34-5" | digits }}` → "1 2 3 4 5": each digit (and letter) becomes a word so that
 * text-to-speech reads a code one character at a time. Everything else is dropped. Letters are
 * upper-cased because engines read a lone lower-case "a" as the article.
 */
export function digitsFilter(value: unknown): string {
  const text = textOf(value)
  if (text === undefined) return ''
  return (text.match(/[\p{L}\p{N}]/gu) ?? []).map((c) => c.toUpperCase()).join(', ')
}

/**
 * `{{ "+15551234567" | phone }}` → "5 5 5, 1 2 3, 4 5 6 7". North American numbers (+1 and ten
 * digits, or ten digits without a "+") are grouped as people say them, the commas giving short
 * pauses; any other number is read digit by digit.
 */
export function phoneFilter(value: unknown): string {
  const text = textOf(value)
  if (text === undefined) return ''
  const digits = text.replace(/\D/g, '')
  const international = text.trim().startsWith('+')
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1)
    : digits.length === 10 && !international ? digits
      : undefined
  const spaced = (s: string) => s.split('').join(' ')
  if (national === undefined) return spaced(digits)
  return [national.slice(0, 3), national.slice(3, 6), national.slice(6)].map(spaced).join(', ')
}

const formatters = new Map<string, Intl.DateTimeFormat | null>()

/** A cached formatter, or null when the zone or locale is not one Intl knows. */
function formatter(kind: 'time' | 'weekday', zone: string, locale: string): Intl.DateTimeFormat | null {
  const key = `${kind}|${zone}|${locale}`
  let f = formatters.get(key)
  if (f === undefined) {
    const options: Intl.DateTimeFormatOptions = kind === 'time'
      ? { timeZone: zone, hour: 'numeric', minute: '2-digit' }
      : { timeZone: zone, weekday: 'long' }
    try {
      f = new Intl.DateTimeFormat(locale, options)
    } catch {
      f = null
    }
    formatters.set(key, f)
  }
  return f
}

/**
 * Formats an instant in a zone: ISO text, or a number of seconds since 1970 as Liquid's `date`
 * reads numbers. Anything it cannot read (or an unknown zone or locale) comes back unchanged.
 */
function formatInstant(kind: 'time' | 'weekday', value: unknown, zone: unknown, locale: unknown): unknown {
  const z = typeof zone === 'string' && zone !== '' ? zone : 'UTC'
  const l = typeof locale === 'string' && locale !== '' ? locale : 'en-US'
  if (typeof value !== 'string' && typeof value !== 'number') return value
  const at = new Date(typeof value === 'number' ? value * 1_000 : value)
  const f = formatter(kind, z, l)
  if (f === null || Number.isNaN(at.getTime())) return value
  // ICU puts a narrow no-break space before "PM"; plain spaces are what TTS engines expect.
  return f.format(at).replace(/[\u00a0\u202f]/g, ' ')
}

/** `{{ flow.now | time: "Asia/Tokyo" }}` → "9:05 PM"; an optional second argument is a locale. */
export function timeFilter(value: unknown, zone?: unknown, locale?: unknown): unknown {
  return formatInstant('time', value, zone, locale)
}

/** `{{ flow.now | weekday: "Asia/Tokyo" }}` → "Saturday"; an optional second argument is a locale. */
export function weekdayFilter(value: unknown, zone?: unknown, locale?: unknown): unknown {
  return formatInstant('weekday', value, zone, locale)
}

/** Liquid's "now" and "today" mean the step's clock (`flow.now`), never the machine's. */
function onFlowClock(filter: FilterImpl, value: unknown): unknown {
  return value === 'now' || value === 'today' ? filter.context.getSync(['flow', 'now']) : value
}

liquid.registerFilter('digits', digitsFilter)
liquid.registerFilter('phone', phoneFilter)
liquid.registerFilter('time', function (this, value: unknown, zone?: unknown, locale?: unknown) {
  return timeFilter(onFlowClock(this, value), zone, locale)
})
liquid.registerFilter('weekday', function (this, value: unknown, zone?: unknown, locale?: unknown) {
  return weekdayFilter(onFlowClock(this, value), zone, locale)
})

for (const name of ['date', 'date_to_xmlschema', 'date_to_rfc822', 'date_to_string', 'date_to_long_string']) {
  const original = liquid.filters[name]
  if (typeof original !== 'function') continue
  liquid.registerFilter(name, function (this, value: unknown, ...args: unknown[]) {
    return original.call(this, onFlowClock(this, value), ...args)
  })
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}) as unknown

/** Limits exist to stop a render; a filter must not swallow them. */
function isLimit(error: unknown): boolean {
  return error instanceof Error && error.message.includes('limit exceeded')
}

/**
 * Makes a filter answer its input unchanged instead of throwing, so one odd value (a number
 * where text was expected, an object, undefined) never silences a whole prompt. Some built-in
 * filters are generators run by liquidjs, so their errors surface while iterating.
 */
function forgiving(handler: Handler): Handler {
  if (Object.getPrototypeOf(handler) === GeneratorFunction) {
    return function* (this, value: unknown, ...args: unknown[]) {
      try {
        return yield* handler.call(this, value, ...args) as Generator<unknown, unknown, unknown>
      } catch (error) {
        if (isLimit(error)) throw error
        return value
      }
    } as Handler
  }
  return function (this, value: unknown, ...args: unknown[]) {
    try {
      return handler.call(this, value, ...args)
    } catch (error) {
      if (isLimit(error)) throw error
      return value
    }
  }
}

for (const [name, impl] of Object.entries(liquid.filters)) {
  liquid.registerFilter(name, typeof impl === 'function'
    ? forgiving(impl)
    : { raw: impl.raw, handler: forgiving(impl.handler) })
}

// Parsing, with a cache ---------------------------------------------------------------------

type Parsed = { ok: true; templates: Template[]; paths: string[][] } | { ok: false; message: string; index?: number }

// Flows render the same few templates on every call; the bound only guards against misuse.
const CACHE_LIMIT = 2_000
const cache = new Map<string, Parsed>()

function parse(source: string): Parsed {
  let parsed = cache.get(source)
  if (parsed === undefined) {
    parsed = parseUncached(source)
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    cache.set(source, parsed)
  }
  return parsed
}

function parseUncached(source: string): Parsed {
  try {
    const templates = liquid.parse(source)
    return { ok: true, templates, paths: globalPaths(templates) }
  } catch (error) {
    return { ok: false, ...describeParseError(error, source) }
  }
}

/**
 * The variables a template reads from its scope (not those it assigns itself), in source
 * order, each once. A dynamic index such as `vars.items[vars.i]` yields `vars.items` and
 * `vars.i`; a numeric index becomes a string segment ('0').
 */
function globalPaths(templates: Template[]): string[][] {
  const found = Object.values(analyzeSync(templates, { partials: false }).globals).flat()
  found.sort((a, b) => a.location.row - b.location.row || a.location.col - b.location.col)
  const seen = new Set<string>()
  const paths: string[][] = []
  for (const variable of found) {
    const path: string[] = []
    for (const segment of variable.segments) {
      if (typeof segment === 'object') break
      path.push(String(segment))
    }
    const key = JSON.stringify(path)
    if (path.length > 0 && !seen.has(key)) {
      seen.add(key)
      paths.push(path)
    }
  }
  return paths
}

interface TokenLike { begin: number; end: number }

/** liquidjs reports "…, line:1, col:7" and the token; we keep the message and an offset. */
function describeParseError(error: unknown, source: string): { message: string; index?: number } {
  const raw = error instanceof Error ? error.message : String(error)
  const message = raw.replace(/, line:\d+, col:\d+$/, '')
  const token = (error as { token?: Partial<TokenLike> } | null)?.token
  if (typeof token?.begin !== 'number') return { message }
  let index = token.begin
  // The token is the whole `{{ … }}`; point at the unknown filter's name instead.
  const filter = /^undefined filter: (\S+)/.exec(message)?.[1]
  if (filter !== undefined) {
    const inToken = source.slice(token.begin, token.end ?? source.length)
    const at = new RegExp(`\\|\\s*(${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})\\b`).exec(inToken)
    if (at) index = token.begin + at.index + at[0].length - filter.length
  }
  return { message, index }
}

/** `{{ a.b.c }}`: an output of nothing but a dotted path of plain names. */
const PATH_OUTPUT = /\{\{ *([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*) *\}\}/g
/** Names Liquid reads as values rather than variables (`{{ nil.x }}` reads just `x`). */
const LITERALS: ReadonlySet<string> = new Set(['true', 'false', 'nil', 'null', 'empty', 'blank'])

/**
 * The paths a template reads when it is text and `{{ a.b }}` outputs only (no tags, filters,
 * indexes or literals), as Liquid's analysis lists them; undefined for any other template.
 * Text outside the outputs may hold no brace, so nothing there can be a tag or a stray output.
 */
function outputPaths(source: string): string[][] | undefined {
  if (!source.includes('{')) return []
  const paths: string[][] = []
  const seen = new Set<string>()
  let end = 0
  for (const match of source.matchAll(PATH_OUTPUT)) {
    if (hasBrace(source, end, match.index)) return undefined
    end = match.index + match[0].length
    const segments = match[1]!.split('.')
    if (segments.some((segment) => LITERALS.has(segment))) return undefined
    if (seen.has(match[1]!)) continue
    seen.add(match[1]!)
    paths.push(segments)
  }
  return hasBrace(source, end, source.length) ? undefined : paths
}

function hasBrace(source: string, from: number, to: number): boolean {
  const open = source.indexOf('{', from)
  const close = source.indexOf('}', from)
  return (open !== -1 && open < to) || (close !== -1 && close < to)
}

// The API ----------------------------------------------------------------------------------

/**
 * Parses a template without rendering it and lists the scope paths it reads, including those
 * inside tags such as `{% if %}`. `index` is the offset in `source` of a syntax error.
 *
 * @example
 * checkTemplate('{{ vars.customer.tier | default: call.from }}')
 * // → { ok: true, paths: [['vars', 'customer', 'tier'], ['call', 'from']] }
 * checkTemplate('Hi {{ vars.name | shout }}')
 * // → { ok: false, message: 'undefined filter: shout', index: 18 }
 */
export function checkTemplate(source: string): TemplateCheck {
  // Most prompts are text with at most a few `{{ vars.name }}`: what they read is plain to
  // see, and a flow of thousands of them need not have Liquid parse and analyse each one.
  const paths = source.length <= PARSE_LIMIT ? outputPaths(source) : undefined
  if (paths !== undefined) return { ok: true, paths }
  const parsed = parse(source)
  return parsed.ok ? { ok: true, paths: parsed.paths.map((p) => [...p]) } : { ...parsed }
}

/**
 * Renders a template against a scope, synchronously. Values from the scope are inserted as
 * text and never evaluated as templates. It never throws for a source that `checkTemplate`
 * accepts (a failing render, such as a runaway loop, gives ''); for one it rejects it throws
 * a `TemplateError`.
 *
 * @example
 * renderTemplate('Hello {{ vars.name | default: "there" }}', scope) // → 'Hello Ada'
 */
export function renderTemplate(source: string, scope: Scope): string {
  // Most prompts are plain text; they need no parse, no cache entry and no render.
  if (!source.includes('{')) return source
  const parsed = parse(source)
  if (!parsed.ok) throw new TemplateError(parsed.message, parsed.index)
  try {
    return toText(liquid.renderSync(parsed.templates, scope))
  } catch {
    return ''
  }
}

// Paths -------------------------------------------------------------------------------------

const PATH_SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\["([^"]*)"\]|\['([^']*)'\])/

const pathCache = new Map<string, Array<string | number> | null>()

/** 'vars.items[0].name' → ['vars', 'items', 0, 'name']; null when the path cannot be read. */
export function splitPath(path: string): Array<string | number> | null {
  let segments = pathCache.get(path)
  if (segments !== undefined) return segments
  segments = []
  let rest = path.trim()
  while (rest !== '' && segments !== null) {
    const m = PATH_SEGMENT.exec(rest)
    // A leading dot is only allowed between segments.
    if (!m || (segments.length === 0 && rest.startsWith('.'))) {
      segments = null
      break
    }
    segments.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4] ?? ''))
    rest = rest.slice(m[0].length)
  }
  if (segments !== null && segments.length === 0) segments = null
  if (pathCache.size >= CACHE_LIMIT) pathCache.clear()
  pathCache.set(path, segments)
  return segments
}

/** One step down a path, reading own properties only, with Liquid's `size`, `first`, `last`. */
function step(value: unknown, key: string | number): unknown {
  if (Array.isArray(value)) {
    if (typeof key === 'number') return value[key < 0 ? value.length + key : key]
    if (key === 'size') return value.length
    if (key === 'first') return value[0]
    if (key === 'last') return value[value.length - 1]
    return undefined
  }
  if (typeof value === 'string') return key === 'size' ? value.length : undefined
  if (typeof value === 'object' && value !== null) {
    const name = String(key)
    return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined
  }
  return undefined
}

/**
 * Reads a path such as `vars.customer.tier`, `call.from`, `input.digits` or
 * `vars.items[0].name` (also `[-1]`, `["a key"]`, and `.size`, `.first`, `.last` as in
 * Liquid). Anything missing, or a path that cannot be read, gives undefined.
 *
 * @example
 * readPath(scope, 'vars.items[0].name') // → 'Widget'
 */
export function readPath(scope: Scope, path: string): unknown {
  const segments = splitPath(path)
  if (segments === null) return undefined
  let value: unknown = scope
  for (const segment of segments) {
    value = step(value, segment)
    if (value === undefined) return undefined
  }
  return value
}
