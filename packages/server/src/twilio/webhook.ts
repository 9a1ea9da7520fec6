/**
 * Turns Twilio Voice webhooks into engine input: reads the form body within a size limit and
 * maps the parameters to `CallInfo` and `CallEvent` (twiml-protocol.md §1–§2).
 *
 * Everything here distrusts its input. The signature check proves that a request came from
 * Twilio, but not that a caller-controlled value (caller name, speech, digits) is short or clean.
 */
import type { CallEvent, CallInfo, DialStatus } from '@phonetree/engine'
import { MalformedFormError, parseForm } from './form.ts'

/** Parsed form parameters, one value per key (the last one when a key repeats). */
export type FormParams = Readonly<Record<string, string>>

/** Parsed form parameters with every value of every key, in order: what signatures cover. */
export type FormFields = Readonly<Record<string, readonly string[]>>

/** The verb whose `action` callback a webhook answers. */
export type WaitingFor = 'gather' | 'dial' | 'record' | 'enqueue'

/** A request the server must refuse, with the HTTP status to refuse it with. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError'
  readonly status: 400 | 413 | 415

  constructor(status: 400 | 413 | 415, message: string, options?: ErrorOptions) {
    super(message, options)
    this.status = status
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body, keeping the last value of a repeated key.
 * Throws a `WebhookError`: 415 for another content type, 413 when the body is over `maxBytes`
 * (never buffering more than that), and 400 when the body is malformed.
 *
 * @example
 * const params = await readForm(request, 65_536)
 * // { CallSid: 'CA…', From: '+14155550100', Digits: '1', … }
 */
export async function readForm(request: Request, maxBytes: number): Promise<Record<string, string>> {
  return lastValues(await readFormAll(request, maxBytes))
}

/**
 * Reads a request's whole body, never holding more than `maxBytes` of it: it throws
 * `bodyTooLarge(maxBytes)` as soon as more arrives, and a `WebhookError` (400) when the body
 * cannot be read. The web-standard one reads `request.body`; a runtime adapter may pass a
 * faster one that reads its own socket (see `adapter/node-body.ts`).
 */
export type BodyReader = (maxBytes: number) => Promise<Uint8Array>

/**
 * Like `readForm`, but keeps every value of a repeated key. Signatures cover all of them, so
 * verify with this and then take `lastValues` of it. The body can only be read once.
 *
 * @example
 * const fields = await readFormAll(request, 65_536)  // { Digits: ['1', '2'], … }
 * verifySignature(token, signature, url, fields) ? lastValues(fields) : undefined
 */
export async function readFormAll(request: Request, maxBytes: number, readBody: BodyReader = (max) => readAtMost(request.body, max)): Promise<Record<string, string[]>> {
  requireFormContentType(request.headers.get('content-type'))
  rejectDeclaredLength(request.headers.get('content-length'), maxBytes)
  const text = decodeUtf8(await readBody(maxBytes))
  try {
    return parseForm(text)
  } catch (error) {
    if (error instanceof MalformedFormError) throw new WebhookError(400, error.message, { cause: error })
    throw error
  }
}

/**
 * One value per key: the last, as most frameworks do.
 *
 * @example
 * lastValues({ Digits: ['1', '2'], From: ['+1415'] }) // { Digits: '2', From: '+1415' }
 */
export function lastValues(fields: FormFields): Record<string, string> {
  const last: Record<string, string> = {}
  for (const name of Object.keys(fields)) {
    const values = fields[name]!
    if (values.length === 0) continue
    // Assigning __proto__ would set the prototype; it must stay a field.
    if (name === '__proto__') Object.defineProperty(last, name, { value: values[values.length - 1], enumerable: true, writable: true, configurable: true })
    else last[name] = values[values.length - 1]!
  }
  return last
}

/**
 * What a flow can read as `call.*`: the call's identity under engine names (sid, from, to,
 * direction, answeredBy, callerName) and the geographic lookups under Twilio's names
 * (FromCity, ToState, CallerZip, …). Every value is capped at 256 characters with control
 * characters removed. Fields Twilio did not send are left out.
 *
 * @example
 * callInfoFrom({ CallSid: 'CA1', From: '+14155550100', FromCity: 'SAN FRANCISCO', AccountSid: 'AC1' })
 * // { sid: 'CA1', from: '+14155550100', FromCity: 'SAN FRANCISCO' }
 */
export function callInfoFrom(params: FormParams): CallInfo {
  const info: CallInfo = {}
  for (const [twilioName, infoName] of CALL_INFO_FIELDS) {
    const value = param(params, twilioName)
    if (value !== undefined) info[infoName] = clean(value, MAX_FIELD)
  }
  return info
}

/**
 * The engine event for an `action` callback, read by the verb the call was waiting on.
 * The trailing `<Redirect>` after a Gather or Record posts to the same URL with no result
 * fields. That is NO_INPUT, or a RECORDING without a url.
 *
 * @example
 * eventFrom({ Digits: '12#' }, 'gather')                  // { type: 'DIGITS', digits: '12#' }
 * eventFrom({ DialCallStatus: 'busy' }, 'dial')           // { type: 'DIAL_RESULT', status: 'busy' }
 * eventFrom({}, 'enqueue')                                // { type: 'QUEUE_RESULT', result: 'hangup' }
 */
export function eventFrom(params: FormParams, waitingFor: WaitingFor): CallEvent {
  switch (waitingFor) {
    case 'gather':
      return gatherEvent(params)
    case 'dial':
      return dialEvent(params)
    case 'record':
      return recordEvent(params)
    case 'enqueue':
      return enqueueEvent(params)
  }
}

/**
 * True when `CallStatus` says the call is over, whichever webhook carried it.
 *
 * @example
 * isCallEnded({ CallStatus: 'completed' })   // true
 * isCallEnded({ CallStatus: 'in-progress' }) // false
 */
export function isCallEnded(params: FormParams): boolean {
  const status = param(params, 'CallStatus')
  return status !== undefined && ENDED_STATUSES.has(status)
}

// ---------------------------------------------------------------------------------------------
// Reading the body

const FORM_TYPE = 'application/x-www-form-urlencoded'

function requireFormContentType(header: string | null): void {
  const [mediaType = '', ...parameters] = (header ?? '').split(';')
  if (mediaType.trim().toLowerCase() !== FORM_TYPE) {
    throw new WebhookError(415, `expected ${FORM_TYPE}, got ${JSON.stringify(header ?? 'no content type')}`)
  }
  // The body is decoded as UTF-8, so any other declared charset would be misread.
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
  const name = charset?.slice('charset='.length).replace(/^"|"$/g, '')
  if (name !== undefined && name !== 'utf-8' && name !== 'utf8') {
    throw new WebhookError(415, `unsupported charset ${JSON.stringify(name)}`)
  }
}

/** Refuses before reading anything when the sender already admits that the body is too large. */
function rejectDeclaredLength(header: string | null, maxBytes: number): void {
  if (header !== null && /^\d+$/.test(header.trim()) && Number(header) > maxBytes) {
    throw bodyTooLarge(maxBytes)
  }
}

async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength
      if (size > maxBytes) {
        // Cancelling tells the source (socket or stream) to stop producing the rest.
        await reader.cancel('body too large')
        throw bodyTooLarge(maxBytes)
      }
      chunks.push(next.value)
    }
  } catch (error) {
    if (error instanceof WebhookError) throw error
    throw new WebhookError(400, 'could not read the request body', { cause: error })
  } finally {
    reader.releaseLock()
  }
  return Buffer.concat(chunks, size)
}

/**
 * The refusal of a body over the limit (413).
 *
 * @example throw bodyTooLarge(65_536)
 */
export function bodyTooLarge(maxBytes: number): WebhookError {
  return new WebhookError(413, `request body is larger than ${maxBytes} bytes`)
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes)
  } catch (error) {
    throw new WebhookError(400, 'request body is not valid UTF-8', { cause: error })
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters → engine values

const MAX_FIELD = 256
const MAX_DIGITS = 64
const MAX_SPEECH = 1024
const MAX_TRANSCRIPT = 4096
const MAX_URL = 2048
const MAX_QUEUE_RESULT = 64

const GEO_FIELDS = ['From', 'To', 'Caller', 'Called'].flatMap((party) =>
  ['City', 'State', 'Zip', 'Country'].map((part) => `${party}${part}`),
)

const CALL_INFO_FIELDS: ReadonlyArray<readonly [twilioName: string, infoName: string]> = [
  ['CallSid', 'sid'],
  ['From', 'from'],
  ['To', 'to'],
  ['Direction', 'direction'],
  ['AnsweredBy', 'answeredBy'],
  ['CallerName', 'callerName'],
  ...GEO_FIELDS.map((name) => [name, name] as const),
]

const DIAL_STATUSES: ReadonlySet<string> = new Set<DialStatus>([
  'completed',
  'answered',
  'busy',
  'no-answer',
  'failed',
  'canceled',
])

const ENDED_STATUSES: ReadonlySet<string> = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled'])

function gatherEvent(params: FormParams): CallEvent {
  const digits = param(params, 'Digits')
  if (digits !== undefined && digits !== '') return { type: 'DIGITS', digits: keypadOnly(digits) }
  const speech = param(params, 'SpeechResult')
  if (speech !== undefined && speech !== '') {
    const confidence = parseConfidence(param(params, 'Confidence'))
    return { type: 'SPEECH', speech: clean(speech, MAX_SPEECH), ...(confidence !== undefined && { confidence }) }
  }
  return { type: 'NO_INPUT' }
}

function dialEvent(params: FormParams): CallEvent {
  const status = param(params, 'DialCallStatus')
  const duration = parseSeconds(param(params, 'DialCallDuration'))
  return {
    type: 'DIAL_RESULT',
    // An unknown status must not read as answered, so it counts as a failed dial.
    status: status !== undefined && isDialStatus(status) ? status : 'failed',
    ...(duration !== undefined && { duration }),
  }
}

function recordEvent(params: FormParams): CallEvent {
  const url = recordingUrl(param(params, 'RecordingUrl'))
  const duration = parseSeconds(param(params, 'RecordingDuration'))
  const transcript = clean(param(params, 'TranscriptionText') ?? '', MAX_TRANSCRIPT)
  return {
    type: 'RECORDING',
    ...(url !== undefined && { url }),
    ...(duration !== undefined && { duration }),
    ...(transcript !== '' && { transcript }),
  }
}

function enqueueEvent(params: FormParams): CallEvent {
  const result = clean(param(params, 'QueueResult') ?? '', MAX_QUEUE_RESULT)
  return { type: 'QUEUE_RESULT', result: result === '' ? 'hangup' : result }
}

function isDialStatus(status: string): status is DialStatus {
  return DIAL_STATUSES.has(status)
}

/** Own properties only: a field named `constructor` must not find Object's. */
function param(params: FormParams, name: string): string | undefined {
  const value: unknown = Object.hasOwn(params, name) ? params[name] : undefined
  return typeof value === 'string' ? value : undefined
}

/** Anything but 0-9 * # is not a key on a phone, so it cannot have come from the caller. */
function keypadOnly(digits: string): string {
  return digits.replace(/[^0-9*#]/g, '').slice(0, MAX_DIGITS)
}

/** Control characters and unpaired surrogates, which break logs, XML and JSON downstream. */
const UNSAFE_CHARACTERS = /[\p{Cc}\uD800-\uDFFF]/gu

function clean(value: string, maxLength: number): string {
  const safe = value.replace(UNSAFE_CHARACTERS, '')
  // Cut by code points, so the cut never splits a surrogate pair.
  return safe.length <= maxLength ? safe : Array.from(safe).slice(0, maxLength).join('')
}

/** Plain decimals only: Number() would also accept '', '0x1' and 'Infinity'. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

function parseConfidence(raw: string | undefined): number | undefined {
  if (raw === undefined || !DECIMAL.test(raw)) return undefined
  const confidence = Number(raw)
  return confidence >= 0 && confidence <= 1 ? confidence : undefined
}

function parseSeconds(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined
}

/**
 * Only an http(s) URL is a recording the engine could fetch or link to. Anything else is
 * dropped, and so is an over-long URL, because a shortened URL would point somewhere else.
 */
function recordingUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '' || raw.length > MAX_URL) return undefined
  const url = raw.replace(UNSAFE_CHARACTERS, '')
  if (!URL.canParse(url)) return undefined
  const { protocol } = new URL(url)
  return protocol === 'https:' || protocol === 'http:' ? url : undefined
}
