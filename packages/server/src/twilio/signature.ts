/**
 * Twilio's `X-Twilio-Signature` (docs: twiml-protocol.md §3).
 *
 * Compute and verify it exactly the way `twilio@6.2.0` does
 * (node_modules/twilio/lib/webhooks/webhooks.js), so that this module accepts every request the
 * official SDK accepts and nothing else. The tests use the SDK as an oracle. The one deliberate
 * difference: twilio-node throws on a URL that `new URL()` cannot parse, and this module
 * returns false.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { parse as parseQuerystring, stringify as stringifyQuerystring } from 'node:querystring'

/** Decoded request parameters. A key that was repeated has all its values. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>

/**
 * Twilio's signature for a request: HMAC-SHA1 keyed with the auth token, over the URL followed
 * by every parameter as `name + value`, sorted by name, and then base64.
 *
 * @example
 * computeSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
 *   CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234',
 *   From: '+14158675309', To: '+18005551212',
 * })
 * // 'RSOYDt4T1cUTdK1PDd93/VVr8B8='
 */
export function computeSignature(authToken: string, url: string, params: SignedParams): string {
  const data = Object.entries(params)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .reduce((signed, [name, value]) => signed + signedPart(name, value), url)
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64')
}

/**
 * True when `signature` is Twilio's signature for this request. The URL is tried as given, then
 * in the other forms twilio-node's `validateRequest` also accepts (see `candidateUrls`). The
 * comparison takes constant time. A missing or empty signature is false.
 *
 * @example
 * verifySignature(token, request.headers.get('X-Twilio-Signature') ?? undefined,
 *   publicUrlFor(PUBLIC_URL, url.pathname, url.search), await readFormAll(request, 65_536))
 */
export function verifySignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: SignedParams,
): boolean {
  if (signature === undefined || signature === '') return false
  return candidateUrls(url).some((candidate) =>
    sameText(signature, computeSignature(authToken, candidate, params)),
  )
}

/**
 * Verifies a JSON webhook, the way twilio-node's `validateRequestWithBody` does. Twilio adds
 * `bodySHA256=<hex sha256 of the body>` to the URL and signs that URL with no parameters, so
 * the body is checked only through that hash. It must be lowercase hex, as Twilio sends it.
 *
 * @example
 * verifyBodySignature(token, header, 'https://example.com/hook?bodySHA256=0a1f…', rawJson)
 */
export function verifyBodySignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  body: string | Uint8Array,
): boolean {
  const expectedHash = bodyHashInUrl(url)
  if (expectedHash === undefined) return false
  return verifySignature(authToken, signature, url, {}) && sameText(bodyHash(body), expectedHash)
}

/**
 * The hex SHA-256 that Twilio puts in `bodySHA256`. A string body is hashed as UTF-8. Raw bytes
 * are hashed as they are, so a body that is not valid UTF-8 still hashes the way Twilio hashed it.
 *
 * @example
 * bodyHash('{"property": "value", "boolean": true}')
 * // '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620'
 */
export function bodyHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex')
}

/**
 * The URL Twilio requested, and therefore signed: the configured public base URL, which may
 * have a path prefix that a reverse proxy strips, plus the path and query that reached this
 * server. The server's own view of the URL (internal host, `http`) is never what Twilio
 * signed. `query` is either `URL.search` (`''` or `'?a=1'`) or a bare query string (`'a=1'`).
 *
 * @example
 * publicUrlFor('https://example.com/ivr', '/calls/step/3', '?flow=support')
 * // 'https://example.com/ivr/calls/step/3?flow=support'
 */
export function publicUrlFor(publicUrl: string, path: string, query: string): string {
  const base = publicBase(publicUrl)
  const rest = path.startsWith('/') ? path : `/${path}`
  const search = query === '' || query.startsWith('?') ? query : `?${query}`
  return base + rest + search
}

// ---------------------------------------------------------------------------------------------
// Signing

function signedPart(name: string, value: string | readonly string[]): string {
  if (typeof value === 'string') return name + value
  // twilio-node signs each distinct value once, in sorted order, so a repeated key's values
  // can be reordered or duplicated without changing the signature.
  return [...new Set(value)]
    .sort(compareCodeUnits)
    .map((each) => name + each)
    .join('')
}

/** JavaScript's default sort order (UTF-16 code units), which is what Twilio's SDK uses. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Constant time for equal lengths. A signature's length is fixed by the algorithm and is not secret. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

function bodyHashInUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined
  // Like twilio-node: the first occurrence, decoded; absent means '' (which no hash equals).
  return new URL(url).searchParams.get('bodySHA256') ?? ''
}

// ---------------------------------------------------------------------------------------------
// The URLs twilio-node's validateRequest accepts for a request URL

/**
 * Twilio's back end is inconsistent about writing the default port, and frameworks hand over
 * normalised URLs (`'` becomes `%27`). So twilio-node accepts:
 * - the URL as received, with its port removed (any port, not only the default one), and with
 *   the scheme's default port added when it has none;
 * - the same two forms of the WHATWG-normalised URL (`new URL(url).toString()`: lowercase scheme
 *   and host, the default port dropped, dot segments resolved, spaces and quotes
 *   percent-encoded);
 * - those two again with the query re-encoded by Node's legacy `querystring`. That turns `+`
 *   into `%20`, `%27` into `'` and `flag` into `flag=`, groups the values of a repeated key,
 *   moves integer-like keys first, and keeps only the first 1000 keys.
 */
function candidateUrls(url: string): string[] {
  const asReceived = [removePort(url), addPort(url)]
  if (!URL.canParse(url)) return asReceived
  const normalized = new URL(url).toString()
  const normalizedForms = [removePort(normalized), addPort(normalized)]
  return [...asReceived, ...normalizedForms, ...normalizedForms.map(withLegacyQuerystring)]
}

interface UrlParts {
  /** e.g. `https://` */
  scheme: string
  /** `user:pass@` or '' */
  userInfo: string
  host: string
  /** `:8443`, a bare `:`, or '' */
  port: string
  /** Everything after the authority: path, query and fragment. */
  rest: string
}

/** Splits without normalising, so the path and query keep the exact characters Twilio signed. */
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url)
  if (match === null) return undefined
  const [prefix, scheme = '', authority = ''] = match
  const userInfoEnd = authority.lastIndexOf('@')
  const hostAndPort = authority.slice(userInfoEnd + 1)
  // In an IPv6 literal the colons inside the brackets are not the port separator.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1)
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  }
}

function addPort(url: string): string {
  const parts = splitUrl(url)
  if (parts === undefined || parts.port !== '') return url
  // twilio-node's rule: :443 for https, :80 for every other scheme.
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80'
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest
}

function removePort(url: string): string {
  const parts = splitUrl(url)
  if (parts === undefined) return url
  return parts.scheme + parts.userInfo + parts.host + parts.rest
}

function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1 || queryStart === url.length - 1) return url
  const query = parseQuerystring(url.slice(queryStart + 1))
  return `${url.slice(0, queryStart)}?${stringifyQuerystring(query)}`
}

// ---------------------------------------------------------------------------------------------
// Public base URL

function publicBase(publicUrl: string): string {
  // A fragment is never sent over HTTP. Twilio's connection overrides (`#rc=2&ct=1000`) live
  // there, and twilio-node would count it as part of the signed URL.
  const withoutFragment = publicUrl.split('#', 1)[0] ?? ''
  if (!/^https?:\/\/[^/?#]+/i.test(withoutFragment) || withoutFragment.includes('?')) {
    throw new TypeError(
      `public URL must be an absolute http(s) URL without a query string: ${JSON.stringify(publicUrl)}`,
    )
  }
  return withoutFragment.replace(/\/+$/, '')
}
