/**
 * A prototype of the change proposed for `readFormAll` in
 * packages/server/src/twilio/webhook.ts: when the request declares a Content-Length within the
 * limit (Twilio always does), read the body with `request.arrayBuffer()`. On @hono/node-server
 * that reads the socket directly; touching `request.body`, as the streaming reader does, makes
 * node-server build a whole web Request (headers, AbortController, ReadableStream) first. The
 * limit still holds: Node's HTTP parser never delivers more bytes than the declared length.
 * Without a declared length, the original streaming reader runs. The form is parsed with
 * URLSearchParams when that gives the same answer (see `parseForm`). Everything else is re-exported.
 */
import { WebhookError, readFormAll as readFormStreaming } from '../../packages/server/src/twilio/webhook.ts'

export * from '../../packages/server/src/twilio/webhook.ts'

const FORM_TYPE = 'application/x-www-form-urlencoded'
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Same contract as webhook.ts's `readFormAll`. */
export async function readFormAll(request: Request, maxBytes: number): Promise<Record<string, string[]>> {
  const declared = request.headers.get('content-length')?.trim()
  if (declared === undefined || !/^\d+$/.test(declared) || Number(declared) > maxBytes || !isPlainForm(request.headers.get('content-type'))) {
    // Anything unusual (no length, too long, another type or charset) gets the original's answer.
    return readFormStreaming(request, maxBytes)
  }
  let text: string
  try {
    text = UTF8.decode(await request.arrayBuffer())
  } catch (error) {
    throw new WebhookError(400, 'could not read the request body', { cause: error })
  }
  return parseForm(text)
}

function isPlainForm(header: string | null): boolean {
  const [mediaType = '', ...parameters] = (header ?? '').split(';')
  if (mediaType.trim().toLowerCase() !== FORM_TYPE) return false
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))
  const name = charset?.slice('charset='.length).replace(/^"|"$/g, '')
  return name === undefined || name === 'utf-8' || name === 'utf8'
}

/** A `%` not followed by two hex digits: malformed percent-encoding. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/

/**
 * URLSearchParams (native, several times faster than decoding each part in JavaScript) when the
 * body is clean; the strict parser decides whenever it might not be: a malformed escape, or a
 * replacement character in the result (an escape that is not UTF-8), so answers do not change.
 */
function parseForm(body: string): Record<string, string[]> {
  if (BAD_ESCAPE.test(body)) return parseFormStrictly(body)
  const fields = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(body)) {
    if (name.includes('\uFFFD') || value.includes('\uFFFD')) return parseFormStrictly(body)
    const values = fields.get(name)
    if (values === undefined) fields.set(name, [value])
    else values.push(value)
  }
  return Object.fromEntries(fields)
}

/** Copied from webhook.ts: URLSearchParams's rules, except that bad percent-encoding is an error. */
function parseFormStrictly(body: string): Record<string, string[]> {
  const fields = new Map<string, string[]>()
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const name = decode(equals === -1 ? pair : pair.slice(0, equals))
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1))
    const values = fields.get(name)
    if (values === undefined) fields.set(name, [value])
    else values.push(value)
  }
  return Object.fromEntries(fields)
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch (error) {
    throw new WebhookError(400, `malformed percent-encoding in ${JSON.stringify(raw.slice(0, 64))}`, { cause: error })
  }
}
