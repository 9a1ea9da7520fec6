/**
 * Property-based fuzzing of the webhook routes: random and malformed requests must never get a
 * 5xx (Twilio reads any 5xx to the caller as "an application error has occurred"). An answer
 * is 200 with valid TwiML, 204 for status and transcription callbacks, or a 4xx that names the
 * problem (400 malformed, 403 unsigned, 413 too large, 415 wrong content type).
 *
 * Inputs: every Twilio parameter with arbitrary values (huge, non-digit Digits, unicode,
 * control characters, `__proto__`), missing CallSid, repeated keys, unknown flows and odd
 * paths, wrong or missing content types, raw bytes, lying Content-Length, oversized bodies; and
 * random webhook sequences on live calls (steps from the past and the future, status callbacks
 * in the middle). Run with and without signature checks, so malformed bodies reach the handlers.
 */
import fc from 'fast-check'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkTwiml } from '@phonetree/engine/twiml-check'
import { createMemoryStore } from './store/memory.ts'
import { TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from './testing.ts'
import type { TestServer } from './testing.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const TIME = Math.max(20_000, RUNS * 100)

let signed: TestServer
let open: TestServer
beforeAll(async () => {
  signed = await testServer({ store: createMemoryStore({ lockWaitMs: 2000 }) })
  // No auth token: every request reaches the handlers, however malformed.
  open = await testServer({ store: createMemoryStore({ lockWaitMs: 2000 }), env: { TWILIO_AUTH_TOKEN: '' } })
})
afterAll(() => {
  signed.close()
  open.close()
})

const PATHS = [
  '/voice/support', '/voice/verify', '/voice/fan-voicemail', '/voice/appointment-reminder', '/voice/secretary',
  '/voice/support/1', '/voice/support/0', '/voice/support/2', '/voice/verify/999999999', '/voice/support/status',
  '/voice/support/1/transcription', '/voice/no-such-flow', '/voice/Support', '/voice/no-such-flow/1', '/voice/..%2fsupport',
  '/voice/%2e%2e', '/voice/%E0%A4%A', '/voice/support/1/2', '/voice/', '/voice', '/voice/support/-1', '/voice/support/1e3',
  '/voice/support?v=unknown-token', `/voice/support?v=${'x'.repeat(3000)}`, '/voice/support/status?x=%00',
]
const weird = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFFFE', '\uD800', '<Say>x</Say>', ']]>', '&amp;', '%00', '+', '１２３', 'constructor', '__proto__', 'NaN', '-1', '1e999'),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => '9'.repeat(n)),
)
const KEYS = ['CallSid', 'From', 'To', 'Digits', 'SpeechResult', 'Confidence', 'CallStatus', 'DialCallStatus', 'DialCallDuration',
  'RecordingUrl', 'RecordingDuration', 'TranscriptionText', 'TranscriptionStatus', 'QueueResult', 'AnsweredBy', 'CallerName',
  'FromCity', 'Direction', '__proto__', 'constructor', 'toString']
const params = fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), weird), { maxLength: 12 })
  .chain((pairs) => fc.boolean().map((withSid) => (withSid ? [['CallSid', `CA${'f'.repeat(32)}`] as [string, string], ...pairs] : pairs)))
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded; charset=latin1', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', undefined,
)

function body(pairs: Array<[string, string]>): string {
  const form = new URLSearchParams()
  for (const [k, v] of pairs) form.append(k, v)
  return form.toString()
}

/** Signs like Twilio: over the public URL and every value of every key. */
function signature(path: string, pairs: Array<[string, string]>): string {
  // A Map, so that keys such as `constructor` are plain keys.
  const all = new Map<string, string[]>()
  for (const [k, v] of pairs) all.set(k, [...(all.get(k) ?? []), v])
  return twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${TEST_PUBLIC_URL}${path}`, Object.fromEntries(all))
}

async function expectWellAnswered(response: Response, label: string): Promise<void> {
  const text = await response.text()
  expect(response.status, `${label} → ${response.status} ${text.slice(0, 200)}`).toBeLessThan(500)
  if (response.status === 200 && label.includes('/voice')) {
    expect(response.headers.get('content-type'), label).toMatch(/xml/)
    expect(checkTwiml(text), `${label}\n${text.slice(0, 500)}`).toEqual([])
  }
}

describe('webhooks never answer 5xx', () => {
  it('to random parameters on random routes, signed or not, with any content type', async () => {
    const seen = new Set<number>()
    await fc.assert(fc.asyncProperty(fc.constantFrom(...PATHS), params, contentType, fc.boolean(), fc.boolean(), async (path, pairs, type, useSigned, sign) => {
      const server = useSigned ? signed : open
      const headers: Record<string, string> = {}
      if (type !== undefined) headers['content-type'] = type
      if (sign) headers['x-twilio-signature'] = signature(path, pairs)
      const response = await server.app.request(`${TEST_PUBLIC_URL}${path}`, { method: 'POST', headers, body: body(pairs) })
      seen.add(response.status)
      await expectWellAnswered(response, `POST ${path} ${type} ${JSON.stringify(pairs).slice(0, 200)}`)
    }), { numRuns: RUNS })
    // Not vacuous: requests got through to the handlers, and each kind of refusal happened.
    for (const status of [200, 400, 403, 415]) expect(seen, `statuses seen: ${[...seen].join(', ')}`).toContain(status)
  }, TIME)

  it('to raw bytes, broken percent-encoding and lying Content-Length', async () => {
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom('CallSid=CA1&Digits=%', 'CallSid=CA1&Digits=%E0%A4%A', '%%%', 'CallSid', '&&&=&=', 'CallSid=CA1&=x', 'CallSid=CA1;Digits=1', 'a=1&a=2&CallSid=CA1&CallSid=CA2')
        .map((s) => new TextEncoder().encode(s)),
    )
    const length = fc.option(fc.constantFrom('0', '5', '99999999', '-1', 'abc', '1e3'), { nil: undefined })
    await fc.assert(fc.asyncProperty(fc.constantFrom(...PATHS), raw, length, async (path, bytes, declared) => {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
      if (declared !== undefined) headers['content-length'] = declared
      const response = await open.app.request(`${TEST_PUBLIC_URL}${path}`, { method: 'POST', headers, body: bytes })
      await expectWellAnswered(response, `POST ${path} ${declared} ${Buffer.from(bytes).toString('hex').slice(0, 80)}`)
    }), { numRuns: RUNS })
  }, TIME)

  it('to random webhook sequences on live calls: past and future steps, status callbacks in the middle', async () => {
    const action = fc.record({
      seq: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(999_999_999)),
      kind: fc.constantFrom('callback', 'status', 'transcription', 'restart'),
      pairs: params,
    })
    let call = 0
    await fc.assert(fc.asyncProperty(fc.constantFrom('support', 'verify', 'fan-voicemail', 'secretary', 'appointment-reminder'), fc.array(action, { minLength: 1, maxLength: 12 }), async (flow, actions) => {
      const sid = `CAfuzz${String(call++).padStart(26, '0')}`
      const first = await open.app.request(`${TEST_PUBLIC_URL}/voice/${flow}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body([['CallSid', sid], ['From', '+15551230000']]) })
      await expectWellAnswered(first, `start ${flow}`)
      for (const a of actions) {
        const path = a.kind === 'status' ? `/voice/${flow}/status` : a.kind === 'transcription' ? `/voice/${flow}/${a.seq}/transcription` : a.kind === 'restart' ? `/voice/${flow}` : `/voice/${flow}/${a.seq}`
        const pairs: Array<[string, string]> = [...a.pairs.filter(([k]) => k !== 'CallSid'), ['CallSid', sid]]
        const response = await open.app.request(`${TEST_PUBLIC_URL}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body(pairs) })
        await expectWellAnswered(response, `${a.kind} ${path} ${JSON.stringify(pairs).slice(0, 200)}`)
      }
      // Whatever happened, the stored call is still one the server can read and list.
      const record = await open.store.getCall(sid)
      expect(record?.sid).toBe(sid)
      const history = await open.app.request(`/api/calls/${sid}`)
      expect(history.status).toBe(200)
    }), { numRuns: Math.ceil(RUNS / 2) })
  }, TIME)

  it('to the edges named in the issue: no CallSid, huge and non-digit Digits, unknown flow, wrong type, oversized body', async () => {
    const post = (path: string, text: string, type = 'application/x-www-form-urlencoded') =>
      open.app.request(`${TEST_PUBLIC_URL}${path}`, { method: 'POST', headers: { 'content-type': type }, body: text })
    expect((await post('/voice/support', 'From=%2B15551230000')).status).toBe(400)
    expect((await post('/voice/support', 'CallSid=CA%00x')).status).toBe(400)
    expect((await post('/voice/support', `CallSid=${'C'.repeat(65)}`)).status).toBe(400)
    expect((await post('/voice/support', 'CallSid=CAedge1', 'application/json')).status).toBe(415)
    expect((await post('/voice/support', `CallSid=CAedge2&Junk=${'x'.repeat(70_000)}`)).status).toBe(413)
    const unknown = await post('/voice/nope', 'CallSid=CAedge3')
    expect(unknown.status).toBe(200)
    expect(await unknown.text()).toContain('<Hangup/>')
    // A call waiting at the account prompt gets 60,000 nines, then letters and full-width digits.
    await post('/voice/support', 'CallSid=CAedge4')
    const menu = await post('/voice/support/1', 'CallSid=CAedge4&Digits=2')
    expect(await menu.text()).toContain('account number')
    for (const digits of ['9'.repeat(60_000), 'abc', '１２３４５６', '12#34*', '']) {
      const answer = await post('/voice/support/2', `CallSid=CAedge4&Digits=${encodeURIComponent(digits)}`)
      await expectWellAnswered(answer, `Digits ${digits.slice(0, 20)}`)
    }
  })
})
