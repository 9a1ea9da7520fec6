/**
 * `application/x-www-form-urlencoded` bodies as Twilio sends them: the parameters with every
 * value of a repeated key, in order (signatures cover all of them).
 */

/** A form body that cannot be decoded; the webhook answers it with 400. */
export class MalformedFormError extends Error {
  override readonly name = 'MalformedFormError'
}

/**
 * Bodies URLSearchParams is not trusted with: a `%` not followed by two hex digits (malformed
 * percent-encoding), and raw non-ASCII text, which Node's URLSearchParams can combine with the
 * escaped bytes after it into another character ("é%A9%A9" gives "驩"). Twilio percent-encodes
 * everything, so its bodies never take the slow path.
 */
const NOT_FOR_URLSEARCHPARAMS = /%(?![0-9A-Fa-f]{2})|[^\x00-\x7F]/
const REPLACEMENT = '\uFFFD'

/**
 * Parses a form body. URLSearchParams does the work (native, several times faster than
 * decoding each part in JavaScript) whenever it gives the strict answer; wherever it might not
 * (malformed or non-UTF-8 escapes, which it turns into text; raw non-ASCII text) the strict
 * parser decides, so such a body is an error or read as written, never altered.
 *
 * @example
 * parseForm('Digits=1&Digits=2&SpeechResult=two+tickets') // { Digits: ['1', '2'], SpeechResult: ['two tickets'] }
 */
export function parseForm(body: string): Record<string, string[]> {
  if (NOT_FOR_URLSEARCHPARAMS.test(body)) return parseFormStrictly(body)
  const fields = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(body)) {
    if (name.includes(REPLACEMENT) || value.includes(REPLACEMENT)) return parseFormStrictly(body)
    const values = fields.get(name)
    if (values === undefined) fields.set(name, [value])
    else values.push(value)
  }
  // fromEntries defines own properties, so a field named __proto__ stays a field.
  return Object.fromEntries(fields)
}

/**
 * The reference rules: URLSearchParams's, except that bad percent-encoding throws
 * `MalformedFormError` instead of becoming literal or replacement text.
 *
 * @example
 * parseFormStrictly('Digits=%ZZ') // throws MalformedFormError
 */
export function parseFormStrictly(body: string): Record<string, string[]> {
  const fields = new Map<string, string[]>()
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals))
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1))
    const values = fields.get(name)
    if (values === undefined) fields.set(name, [value])
    else values.push(value)
  }
  return Object.fromEntries(fields)
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch (error) {
    throw new MalformedFormError(`malformed percent-encoding in ${JSON.stringify(raw.slice(0, 64))}`, { cause: error })
  }
}
