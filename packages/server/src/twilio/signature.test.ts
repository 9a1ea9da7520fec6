import fc from 'fast-check'
import { parse as parseQuerystring, stringify as stringifyQuerystring } from 'node:querystring'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { bodyHash, computeSignature, publicUrlFor, verifyBodySignature, verifySignature } from './signature.ts'
import type { SignedParams } from './signature.ts'

const TOKEN = '12345'
const VECTOR_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2'
const VECTOR_PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
}
const JSON_BODY = '{"property": "value", "boolean": true}'
const JSON_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620'

/** twilio-node's answer; it throws on a URL `new URL()` rejects, which we count as a rejection. */
function theirVerdict(signature: string, url: string, params: SignedParams): boolean {
  try {
    return twilio.validateRequest(TOKEN, signature, url, params)
  } catch {
    return false
  }
}

function theirSignature(url: string, params: SignedParams, token = TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, url, params)
}

describe('computeSignature', () => {
  it('reproduces the official test vectors (twiml-protocol.md §3.4)', () => {
    expect(computeSignature(TOKEN, VECTOR_URL, VECTOR_PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=')
    const docsParams = { ...VECTOR_PARAMS, Caller: '+12349013030', From: '+12349013030' }
    expect(computeSignature(TOKEN, VECTOR_URL, docsParams)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=')
    expect(computeSignature(TOKEN, `${VECTOR_URL}&bodySHA256=${JSON_HASH}`, {})).toBe('a9nBmqA0ju/hNViExpshrM61xv4=')
  })

  it('is HMAC-SHA1 over the URL and the sorted name+value pairs, in base64', async () => {
    const { createHmac } = await import('node:crypto')
    const byHand = createHmac('sha1', 'secret').update('https://h/x' + 'A' + 'B2' + 'a1').digest('base64')
    expect(computeSignature('secret', 'https://h/x', { a: '1', B: '2', A: '' })).toBe(byHand)
  })

  it('signs every distinct value of a repeated key once, sorted, as twilio-node does', () => {
    const url = 'https://h/x'
    const sorted = computeSignature(TOKEN, url, { C: ['1', '2'] })
    expect(computeSignature(TOKEN, url, { C: ['2', '1'] })).toBe(sorted)
    expect(computeSignature(TOKEN, url, { C: ['2', '1', '2'] })).toBe(sorted)
    expect(computeSignature(TOKEN, url, { C: ['1'] })).toBe(computeSignature(TOKEN, url, { C: '1' }))
    expect(computeSignature(TOKEN, url, { C: [] })).toBe(computeSignature(TOKEN, url, {}))
    expect(sorted).toBe(theirSignature(url, { C: ['2', '1', '1'] }))
    expect(sorted).not.toBe(computeSignature(TOKEN, url, { C: '2' }))
  })

  it('equals twilio-node for arbitrary URLs, parameters and tokens', () => {
    fc.assert(
      fc.property(anyText, anyParams, anyText, (url, params, token) => {
        expect(computeSignature(token, url, params)).toBe(theirSignature(url, params, token))
      }),
      { numRuns: 500 },
    )
  })
})

describe('verifySignature', () => {
  it('accepts twilio-node signatures for arbitrary URLs and parameters', () => {
    fc.assert(
      fc.property(urlLike, anyParams, (url, params) => {
        expect(verifySignature(TOKEN, theirSignature(url, params), url, params)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('agrees with twilio-node validateRequest when the URL Twilio signed differs from the one received', () => {
    const verdicts = { accepted: 0, rejected: 0 }
    fc.assert(
      fc.property(urlLike, variant, fc.boolean(), smallParams, (url, change, signedChanged, params) => {
        const other = change(url)
        const [signedUrl, receivedUrl] = signedChanged ? [other, url] : [url, other]
        const signature = theirSignature(signedUrl, params)
        const ours = verifySignature(TOKEN, signature, receivedUrl, params)
        expect(ours).toBe(theirVerdict(signature, receivedUrl, params))
        verdicts[ours ? 'accepted' : 'rejected'] += 1
      }),
      { numRuns: 1500 },
    )
    // Both outcomes must be well represented, or the agreement above says little.
    expect(verdicts.accepted).toBeGreaterThan(150)
    expect(verdicts.rejected).toBeGreaterThan(150)
  })

  // [URL Twilio signed, URL the server checks, twilio-node's verdict]
  const urlRules: Array<[string, string, boolean]> = [
    ['https://h.com/x', 'https://h.com/x', true],
    // The default port may be added or removed …
    ['https://h.com:443/x', 'https://h.com/x', true],
    ['https://h.com/x', 'https://h.com:443/x', true],
    ['http://h.com:80/x', 'http://h.com/x', true],
    ['http://h.com/x', 'http://h.com:80/x', true],
    // … and any port is removed from the received URL, but only the default one is ever added.
    ['https://h.com/x', 'https://h.com:8443/x', true],
    ['https://h.com:8443/x', 'https://h.com/x', false],
    ['https://h.com/x', 'https://h.com:80/x', true],
    ['https://h.com:443/x', 'https://h.com:80/x', false],
    ['http://h.com:443/x', 'http://h.com/x', false],
    ['HTTPS://h.com:443/x', 'HTTPS://h.com/x', true],
    ['wss://h.com:80/x', 'wss://h.com/x', true],
    ['https://h.com:8443/x', 'https://h.com:9443/x', false],
    // The scheme and host are compared after WHATWG normalisation.
    ['https://h.com/x', 'HTTPS://H.COM/x', true],
    ['https://h.com/b', 'https://h.com/a/../b', true],
    ['https://h.com/x', 'http://h.com/x', false],
    ['https://h.com/x', 'https://h.co/x', false],
    ['https://h.com/x', 'https://h.com/x/', false],
    // Query order matters …
    ['https://h.com/x?foo=1&bar=2', 'https://h.com/x?bar=2&foo=1', false],
    ['https://h.com/x?a=1', 'https://h.com/x', false],
    ['https://h.com/x', 'https://h.com/x?a=1', false],
    // … except where Node's legacy querystring re-encoding happens to restore it.
    ['https://h.com/x?a=1&a=3&b=2', 'https://h.com/x?a=1&b=2&a=3', true],
    ['https://h.com/x?2=x&b=1', 'https://h.com/x?b=1&2=x', true],
    ['https://h.com/x?flag=', 'https://h.com/x?flag', true],
    // Encodings are only tolerated in the direction normalisation goes.
    ['https://h.com/x?q=a%20b', 'https://h.com/x?q=a b', true],
    ['https://h.com/x?q=a b', 'https://h.com/x?q=a%20b', false],
    ['https://h.com/x?q=a%20b', 'https://h.com/x?q=a+b', true],
    ['https://h.com/x?q=a+b', 'https://h.com/x?q=a%20b', false],
    ["https://h.com/x?n=O'Brien", 'https://h.com/x?n=O%27Brien', true],
    // A fragment in the received URL is part of what twilio-node checks: strip it first.
    ['https://h.com/x', 'https://h.com/x#rc=2&ct=1000', false],
    ['https://h.com/x#rc=2', 'https://h.com/x', false],
    ['https://h.com/x?a=1%23x', 'https://h.com/x?a=1#x', true],
    // twilio-node throws on this one (new URL fails); we answer false.
    ['https://h.com/x', 'not a url', false],
  ]

  it.each(urlRules)('signed over %j, checked against %j → %s, as twilio-node decides', (signedUrl, receivedUrl, accepted) => {
    const signature = theirSignature(signedUrl, VECTOR_PARAMS)
    expect(verifySignature(TOKEN, signature, receivedUrl, VECTOR_PARAMS)).toBe(accepted)
    expect(theirVerdict(signature, receivedUrl, VECTOR_PARAMS)).toBe(accepted)
  })

  it('returns false where twilio-node throws on an unparseable URL', () => {
    const signature = theirSignature('https://h.com/x', {})
    expect(() => twilio.validateRequest(TOKEN, signature, 'not a url', {})).toThrow()
    expect(verifySignature(TOKEN, signature, 'not a url', {})).toBe(false)
    expect(verifySignature(TOKEN, theirSignature('not a url', {}), 'not a url', {})).toBe(true)
  })

  describe('rejects a request that is not exactly what Twilio signed', () => {
    const signature = computeSignature(TOKEN, VECTOR_URL, VECTOR_PARAMS)
    const rejected = (url: string, params: SignedParams, sig: string | undefined, token = TOKEN) => {
      expect(verifySignature(token, sig, url, params)).toBe(false)
      expect(sig === undefined ? false : twilio.validateRequest(token, sig, url, params)).toBe(false)
    }

    it('accepts the untouched request', () => {
      expect(verifySignature(TOKEN, signature, VECTOR_URL, VECTOR_PARAMS)).toBe(true)
    })
    it('tampered parameter value', () => rejected(VECTOR_URL, { ...VECTOR_PARAMS, Digits: '1235' }, signature))
    it('added parameter', () => rejected(VECTOR_URL, { ...VECTOR_PARAMS, Extra: '' }, signature))
    it('removed parameter', () => {
      const { Digits: _removed, ...rest } = VECTOR_PARAMS
      rejected(VECTOR_URL, rest, signature)
    })
    it('parameter renamed by case', () => {
      const { Digits, ...rest } = VECTOR_PARAMS
      rejected(VECTOR_URL, { ...rest, digits: Digits }, signature)
    })
    it('reordered query string', () => rejected('https://mycompany.com/myapp.php?bar=2&foo=1', VECTOR_PARAMS, signature))
    it('wrong token', () => rejected(VECTOR_URL, VECTOR_PARAMS, signature, '54321'))
    it('missing header', () => rejected(VECTOR_URL, VECTOR_PARAMS, undefined))
    it('empty header', () => rejected(VECTOR_URL, VECTOR_PARAMS, ''))
    it('truncated or padded signature', () => {
      rejected(VECTOR_URL, VECTOR_PARAMS, signature.slice(0, -1))
      rejected(VECTOR_URL, VECTOR_PARAMS, `${signature}=`)
      rejected(VECTOR_URL, VECTOR_PARAMS, ` ${signature}`)
    })
    it('signature for a sibling value of a repeated key', () => {
      const both = computeSignature(TOKEN, VECTOR_URL, { Digits: ['1', '2'] })
      rejected(VECTOR_URL, { Digits: '2' }, both)
      rejected(VECTOR_URL, { Digits: ['2', '3'] }, both)
    })
  })

  it('covers empty-valued parameters: dropping one or giving it a value breaks the signature', () => {
    const params = { Digits: '', SpeechResult: '', CallSid: 'CA1' }
    const signature = computeSignature(TOKEN, VECTOR_URL, params)
    expect(signature).toBe(theirSignature(VECTOR_URL, params))
    expect(verifySignature(TOKEN, signature, VECTOR_URL, params)).toBe(true)
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { Digits: '', CallSid: 'CA1' })).toBe(false)
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { ...params, Digits: ' ' })).toBe(false)
  })

  it('treats %20, + and a space in parameter values as the decoded values they are', () => {
    // Parameters are signed decoded: a body of q=a+b and one of q=a%20b both carry "a b".
    const signature = computeSignature(TOKEN, VECTOR_URL, { q: 'a b' })
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { q: 'a b' })).toBe(true)
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { q: 'a+b' })).toBe(false)
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { q: 'a%20b' })).toBe(false)
  })

  it('lets repeated values be reordered or duplicated: the signature cannot tell which came last', () => {
    const signature = computeSignature(TOKEN, VECTOR_URL, { Digits: ['1', '2'] })
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { Digits: ['2', '1'] })).toBe(true)
    expect(verifySignature(TOKEN, signature, VECTOR_URL, { Digits: ['1', '2', '1'] })).toBe(true)
    expect(twilio.validateRequest(TOKEN, signature, VECTOR_URL, { Digits: ['2', '1'] })).toBe(true)
  })
})

describe('verifyBodySignature (JSON webhooks)', () => {
  const url = `${VECTOR_URL}&bodySHA256=${JSON_HASH}`
  const signature = 'a9nBmqA0ju/hNViExpshrM61xv4='

  it('reproduces the official body hash vector', () => {
    expect(bodyHash(JSON_BODY)).toBe(JSON_HASH)
    expect(bodyHash(new TextEncoder().encode(JSON_BODY))).toBe(JSON_HASH)
    expect(bodyHash(JSON_BODY)).toBe(twilio.getExpectedBodyHash(JSON_BODY))
  })

  const upperHashUrl = url.replace(JSON_HASH, JSON_HASH.toUpperCase())
  // [name, signature, url, body, verdict]: each must get twilio-node's validateRequestWithBody verdict.
  const cases: Array<[string, string, string, string, boolean]> = [
    ['official vector', signature, url, JSON_BODY, true],
    ['tampered body', signature, url, JSON_BODY.replace('value', 'other'), false],
    ['hash in uppercase hex', computeSignature(TOKEN, upperHashUrl, {}), upperHashUrl, JSON_BODY, false],
    ['no bodySHA256 parameter', computeSignature(TOKEN, VECTOR_URL, {}), VECTOR_URL, JSON_BODY, false],
    ['signature over another URL', computeSignature(TOKEN, VECTOR_URL, {}), url, JSON_BODY, false],
    ['default port added', signature, url.replace('.com/', '.com:443/'), JSON_BODY, true],
  ]

  it.each(cases)('%s', (_name, sig, checkedUrl, body, accepted) => {
    expect(verifyBodySignature(TOKEN, sig, checkedUrl, body)).toBe(accepted)
    expect(twilio.validateRequestWithBody(TOKEN, sig, checkedUrl, body)).toBe(accepted)
  })

  it('ignores form parameters: only the URL and the body hash are covered', () => {
    expect(verifySignature(TOKEN, signature, url, {})).toBe(true)
    expect(verifySignature(TOKEN, signature, url, { Extra: '1' })).toBe(false)
  })

  it('returns false for a missing signature or an unparseable URL (twilio-node throws on the latter)', () => {
    expect(verifyBodySignature(TOKEN, undefined, url, JSON_BODY)).toBe(false)
    expect(verifyBodySignature(TOKEN, signature, 'bodySHA256', JSON_BODY)).toBe(false)
    expect(() => twilio.validateRequestWithBody(TOKEN, signature, 'bodySHA256', JSON_BODY)).toThrow()
  })
})

describe('publicUrlFor', () => {
  it.each([
    ['https://example.com', '/voice', '', 'https://example.com/voice'],
    ['https://example.com/', '/voice', '?a=1', 'https://example.com/voice?a=1'],
    ['https://example.com/ivr', '/calls/step/3', '?flow=support', 'https://example.com/ivr/calls/step/3?flow=support'],
    ['https://example.com/ivr/', '/calls/step/3', 'flow=support', 'https://example.com/ivr/calls/step/3?flow=support'],
    ['https://example.com/ivr', 'calls', '', 'https://example.com/ivr/calls'],
    ['https://example.com:8443/ivr', '/x', '?q=a%20b&n=O%27Brien', 'https://example.com:8443/ivr/x?q=a%20b&n=O%27Brien'],
    ['https://example.com/ivr#rc=2&ct=1000', '/x', '', 'https://example.com/ivr/x'],
    ['http://localhost:3000', '/', '', 'http://localhost:3000/'],
  ])('(%j, %j, %j) → %j', (base, path, query, expected) => {
    expect(publicUrlFor(base, path, query)).toBe(expected)
  })

  it.each(['example.com/ivr', '/ivr', 'ftp://example.com', 'https://example.com/ivr?tenant=a', ''])(
    'refuses the base %j, which cannot be what Twilio requested',
    (base) => {
      expect(() => publicUrlFor(base, '/x', '')).toThrow(TypeError)
    },
  )

  it('rebuilds the URL Twilio signed from what a server behind a proxy sees', () => {
    const twilioUrl = 'https://ivr.example.com/prefix/voice/support?step=3&name=a%20b'
    const signature = theirSignature(twilioUrl, VECTOR_PARAMS)
    const seen = new URL('http://10.0.0.7:3000/voice/support?step=3&name=a%20b')
    const rebuilt = publicUrlFor('https://ivr.example.com/prefix', seen.pathname, seen.search)
    expect(rebuilt).toBe(twilioUrl)
    expect(verifySignature(TOKEN, signature, rebuilt, VECTOR_PARAMS)).toBe(true)
    expect(verifySignature(TOKEN, signature, seen.href, VECTOR_PARAMS)).toBe(false)
  })

  it("still verifies when the server's framework normalised the query Twilio sent raw", () => {
    // A quote may stay raw in a request line; WHATWG URL parsing (and so Request#url) encodes it.
    const signature = theirSignature("https://ivr.example.com/voice?caller=O'Brien&x=a%20b", VECTOR_PARAMS)
    const seen = new URL("http://internal/voice?caller=O'Brien&x=a%20b")
    expect(seen.search).toBe('?caller=O%27Brien&x=a%20b')
    const rebuilt = publicUrlFor('https://ivr.example.com', seen.pathname, seen.search)
    expect(verifySignature(TOKEN, signature, rebuilt, VECTOR_PARAMS)).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any UTF-16 text, lone surrogates included, mixed with characters that matter in URLs. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'Z', '0', ' ', '+', '%', '%20', '&', '=', '?', '#', ':', '/', "'", 'é', '😀', '\u0000', '\n'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  ),
  maxLength: 24,
})

const paramValue = fc.oneof(
  anyText,
  fc.array(fc.constantFrom('', '1', '2', '10', 'a b', 'é'), { maxLength: 4 }),
  fc.array(anyText, { maxLength: 3 }),
)

const anyParams: fc.Arbitrary<SignedParams> = fc.dictionary(anyText, paramValue, { maxKeys: 6 })

const smallParams: fc.Arbitrary<SignedParams> = fc.dictionary(
  fc.constantFrom('CallSid', 'Digits', 'From', 'C', 'c', ''),
  fc.oneof(fc.constantFrom('', 'CA1', '1', 'a b'), fc.array(fc.constantFrom('1', '2', ''), { maxLength: 3 })),
  { maxKeys: 3 },
)

const pathPiece = fc.constantFrom('a', 'B', '0', '-', '.', '..', '%20', ' ', "'", '+', '%27', 'é', '~', '%2F', '@', ':', '\\')
const queryPiece = fc.constantFrom('a', 'b', '1', '2', ' ', '+', '%20', "'", '%27', 'é', '%C3%A9', '*', '!', '/', '?', '%', '%zz')

const urlLike: fc.Arbitrary<string> = fc
  .record({
    scheme: fc.constantFrom('https://', 'http://', 'HTTPS://', 'Http://', 'wss://'),
    userInfo: fc.constantFrom('', '', 'user:pw@'),
    host: fc.constantFrom('example.com', 'Example.COM', 'ivr.example.org', '127.0.0.1', '[::1]', 'bad host', ''),
    port: fc.constantFrom('', '', ':443', ':80', ':8080', ':', ':99999'),
    path: fc.array(fc.array(pathPiece, { maxLength: 3 }).map((pieces) => pieces.join('')), { maxLength: 3 }),
    query: fc.option(
      fc.array(
        fc.tuple(fc.array(queryPiece, { minLength: 1, maxLength: 2 }), fc.option(fc.array(queryPiece, { maxLength: 3 }))),
        { maxLength: 4 },
      ),
    ),
    fragment: fc.constantFrom('', '', '', '#rc=2', '#a?b=1'),
  })
  .map(({ scheme, userInfo, host, port, path, query, fragment }) => {
    const search =
      query === null
        ? ''
        : '?' + query.map(([key, value]) => (value === null ? key.join('') : `${key.join('')}=${value.join('')}`)).join('&')
    return `${scheme}${userInfo}${host}${port}/${path.join('/')}${search}${fragment}`
  })

/** Ways the URL Twilio signed and the URL a server checks can drift apart. */
const variant: fc.Arbitrary<(url: string) => string> = fc.constantFrom(
  (url: string) => url,
  (url: string) => setPort(url, ''),
  (url: string) => setPort(url, ':443'),
  (url: string) => setPort(url, ':80'),
  (url: string) => setPort(url, ':8443'),
  (url: string) => (URL.canParse(url) ? new URL(url).toString() : url),
  (url: string) => (URL.canParse(url) ? legacyQuery(new URL(url).toString()) : url),
  (url: string) => legacyQuery(url),
  (url: string) => url.replace(/^[a-z]+/i, (scheme) => scheme.toUpperCase()),
  (url: string) => url.toLowerCase(),
  (url: string) => url.replaceAll('%20', '+'),
  (url: string) => url.replaceAll('+', '%20'),
  (url: string) => url.replaceAll(' ', '%20'),
  (url: string) => url.replaceAll("'", '%27'),
  (url: string) => url.split('#')[0] ?? url,
  (url: string) => reverseQuery(url),
  (url: string) => `${url}&extra=1`,
  (url: string) => url.replace('https://', 'http://'),
)

function setPort(url: string, port: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url)
  if (match === null) return url
  const [, scheme = '', authority = '', rest = ''] = match
  const hostEnd = authority.lastIndexOf(':') > authority.lastIndexOf(']') ? authority.lastIndexOf(':') : authority.length
  return scheme + authority.slice(0, hostEnd) + port + rest
}

/** A query as Node's legacy querystring module re-encodes it: the exotic cases twilio-node tolerates. */
function legacyQuery(url: string): string {
  const start = url.indexOf('?')
  return start === -1 ? url : `${url.slice(0, start)}?${stringifyQuerystring(parseQuerystring(url.slice(start + 1)))}`
}

function reverseQuery(url: string): string {
  const [beforeFragment = '', ...fragment] = url.split('#')
  const [base = '', query] = beforeFragment.split(/\?(.*)/s)
  if (query === undefined) return url
  return [`${base}?${query.split('&').reverse().join('&')}`, ...fragment].join('#')
}
