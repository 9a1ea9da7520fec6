import fc from 'fast-check'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import type { CallEvent } from '@phonetree/engine'
import { publicUrlFor, verifySignature } from './signature.ts'
import { callInfoFrom, eventFrom, isCallEnded, lastValues, readForm, readFormAll, WebhookError } from './webhook.ts'
import type { WaitingFor } from './webhook.ts'

const FORM = 'application/x-www-form-urlencoded'
const LIMIT = 64 * 1024

/** An incoming-call webhook as Twilio sends it (twiml-protocol.md §2). */
const INCOMING_CALL = {
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  ApiVersion: '2010-04-01',
  CallSid: 'CA0123456789abcdef0123456789abcdef',
  CallStatus: 'ringing',
  CallToken: '%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiJ9%22%7D',
  Called: '+18005551212',
  CalledCity: '',
  CalledCountry: 'US',
  CalledState: '',
  CalledZip: '',
  Caller: '+14158675309',
  CallerCity: 'SAN FRANCISCO',
  CallerCountry: 'US',
  CallerName: 'JENNY TUTONE',
  CallerState: 'CA',
  CallerZip: '94103',
  Direction: 'inbound',
  From: '+14158675309',
  FromCity: 'SAN FRANCISCO',
  FromCountry: 'US',
  FromState: 'CA',
  FromZip: '94103',
  StirVerstat: 'TN-Validation-Passed-A',
  To: '+18005551212',
  ToCity: '',
  ToCountry: 'US',
  ToState: '',
  ToZip: '',
}

/** The standard parameters every later callback of the same call carries too. */
const IN_PROGRESS = { ...INCOMING_CALL, CallStatus: 'in-progress' }

function post(body: BodyInit | null, contentType: string | null = FORM, extraHeaders: Record<string, string> = {}): Request {
  const headers = new Headers(extraHeaders)
  if (contentType !== null) headers.set('content-type', contentType)
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers, duplex: 'half' }
  return new Request('https://ivr.example.com/voice/support', init)
}

function encode(fields: Record<string, string> | Array<[string, string]>): string {
  return new URLSearchParams(fields).toString()
}

async function rejection(promise: Promise<unknown>): Promise<WebhookError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!(error instanceof WebhookError)) throw new Error(`expected a WebhookError, got ${String(error)}`)
  return error
}

/** A body produced on demand, so a test can see how much of it was ever read. */
function meteredBody(totalBytes: number, chunkBytes: number) {
  const meter = { produced: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (meter.produced >= totalBytes) return controller.close()
        const size = Math.min(chunkBytes, totalBytes - meter.produced)
        meter.produced += size
        controller.enqueue(new Uint8Array(size).fill('a'.charCodeAt(0)))
      },
      cancel() {
        meter.cancelled = true
      },
    },
    // Produce nothing ahead of the reader: every byte produced was asked for.
    { highWaterMark: 0 },
  )
  return { stream, meter }
}

describe('readForm', () => {
  it('reads a full incoming-call webhook', async () => {
    expect(await readForm(post(encode(INCOMING_CALL)), LIMIT)).toEqual(INCOMING_CALL)
  })

  it('decodes + as a space, %2B as a plus, and keeps empty and value-less fields', async () => {
    const form = await readForm(post('SpeechResult=two+tickets%2B&Digits=&Flag&&Name=J%C3%BCrgen%20%F0%9F%98%80'), LIMIT)
    expect(form).toEqual({ SpeechResult: 'two tickets+', Digits: '', Flag: '', Name: 'Jürgen 😀' })
  })

  it('keeps the last value of a repeated key; readFormAll keeps all of them in order', async () => {
    const body = 'Digits=1&From=%2B1415&Digits=2'
    expect(await readForm(post(body), LIMIT)).toEqual({ Digits: '2', From: '+1415' })
    expect(await readFormAll(post(body), LIMIT)).toEqual({ Digits: ['1', '2'], From: ['+1415'] })
  })

  it('keeps a field named __proto__ as a field', async () => {
    const form = await readForm(post('__proto__=x&constructor=y'), LIMIT)
    expect(Object.keys(form)).toEqual(['__proto__', 'constructor'])
    expect(form['__proto__']).toBe('x')
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype)
  })

  it('reads back exactly what URLSearchParams encoded, for any fields', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { maxLength: 6 }), async (pairs) => {
        const expected = new Map<string, string[]>()
        for (const [name, value] of pairs) expected.set(name, [...(expected.get(name) ?? []), value])
        const all = await readFormAll(post(encode(pairs)), LIMIT)
        expect(Object.entries(all)).toEqual([...expected])
      }),
      { numRuns: 200 },
    )
  })

  it('reads an empty body, or none, as no fields', async () => {
    expect(await readForm(post(''), LIMIT)).toEqual({})
    const get = new Request('https://ivr.example.com/voice', { headers: { 'content-type': FORM } })
    expect(await readForm(get, LIMIT)).toEqual({})
  })

  it.each([
    `${FORM}; charset=UTF-8`,
    `${FORM};charset=utf-8`,
    'Application/X-WWW-Form-Urlencoded; Charset="utf-8"',
  ])('accepts the content type %j', async (contentType) => {
    expect(await readForm(post('Digits=1', contentType), LIMIT)).toEqual({ Digits: '1' })
  })

  it.each([
    ['application/json', '{"Digits":"1"}'],
    ['text/plain', 'Digits=1'],
    ['multipart/form-data; boundary=x', 'Digits=1'],
    [`${FORM}x`, 'Digits=1'],
    [`${FORM}; charset=ISO-8859-1`, 'Name=J%FCrgen'],
    [null, 'Digits=1'],
  ])('refuses the content type %j with 415', async (contentType, body) => {
    const error = await rejection(readForm(post(new TextEncoder().encode(body), contentType), LIMIT))
    expect(error.status).toBe(415)
  })

  it.each([
    ['a bad escape', 'Digits=%zz'],
    ['a truncated escape', 'Digits=%E0%A4%A'],
    ['a lone percent sign', 'Digits=100%'],
    ['an escape that is not UTF-8', 'Name=J%FCrgen'],
    ['a bad escape in a name', 'Dig%its=1'],
  ])('refuses %s with 400', async (_what, body) => {
    const error = await rejection(readForm(post(body), LIMIT))
    expect(error.status).toBe(400)
  })

  it('refuses raw bytes that are not UTF-8 with 400', async () => {
    const error = await rejection(readForm(post(new Uint8Array([0x44, 0x3d, 0xff, 0xfe])), LIMIT))
    expect(error.status).toBe(400)
  })

  it('refuses a body that fails while being read with 400', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'))
      },
    })
    const error = await rejection(readForm(post(failing), LIMIT))
    expect(error.status).toBe(400)
  })

  describe('size limit', () => {
    it('accepts a body of exactly maxBytes and refuses one byte more with 413', async () => {
      const exact = `Digits=${'1'.repeat(LIMIT - 'Digits='.length)}`
      expect((await readForm(post(exact), LIMIT)).Digits).toHaveLength(LIMIT - 'Digits='.length)
      const error = await rejection(readForm(post(`${exact}1`), LIMIT))
      expect(error.status).toBe(413)
    })

    it('stops reading a 2 MB body with a 64 KB limit after at most one chunk past the limit', async () => {
      const { stream, meter } = meteredBody(2 * 1024 * 1024, 16 * 1024)
      const error = await rejection(readForm(post(stream), LIMIT))
      expect(error.status).toBe(413)
      expect(meter.produced).toBeLessThanOrEqual(LIMIT + 16 * 1024)
      expect(meter.cancelled).toBe(true)
    })

    it('reads the same 2 MB body to the end when the limit allows it (the meter counts real reads)', async () => {
      const { stream, meter } = meteredBody(2 * 1024 * 1024, 16 * 1024)
      const form = await readForm(post(stream), 4 * 1024 * 1024)
      expect(Object.keys(form)[0]).toHaveLength(2 * 1024 * 1024)
      expect(meter.produced).toBe(2 * 1024 * 1024)
    })

    it('refuses a body whose declared Content-Length is too large without reading any of it', async () => {
      const { stream, meter } = meteredBody(2 * 1024 * 1024, 16 * 1024)
      const request = post(stream, FORM, { 'content-length': String(2 * 1024 * 1024) })
      const error = await rejection(readForm(request, LIMIT))
      expect(error.status).toBe(413)
      expect(meter.produced).toBe(0)
    })

    it('does not trust a small declared Content-Length', async () => {
      const { stream, meter } = meteredBody(2 * 1024 * 1024, 16 * 1024)
      const error = await rejection(readForm(post(stream, FORM, { 'content-length': '10' }), LIMIT))
      expect(error.status).toBe(413)
      expect(meter.produced).toBeLessThanOrEqual(LIMIT + 16 * 1024)
    })
  })
})

describe('lastValues', () => {
  it('takes the last value of each key and drops keys with none', () => {
    expect(lastValues({ Digits: ['1', '2'], From: ['+1415'], Empty: [] })).toEqual({ Digits: '2', From: '+1415' })
  })
})

describe('a signed webhook, end to end', () => {
  const token = 'test-auth-token'
  const publicBase = 'https://ivr.example.com/prefix'

  async function check(body: string, signedUrl: string, signature: string | undefined): Promise<boolean> {
    const request = post(body, FORM, signature === undefined ? {} : { 'x-twilio-signature': signature })
    const seen = new URL('http://10.0.0.7:3000/voice/support?step=3')
    const fields = await readFormAll(request, LIMIT)
    const url = publicUrlFor(publicBase, seen.pathname, seen.search)
    expect(url).toBe(signedUrl)
    return verifySignature(token, request.headers.get('x-twilio-signature') ?? undefined, url, fields)
  }

  const url = 'https://ivr.example.com/prefix/voice/support?step=3'

  it('verifies what twilio-node signed, repeated keys included, and rejects tampering', async () => {
    const body = `${encode(IN_PROGRESS)}&Digits=1&Digits=2`
    const asHonoParses = { ...IN_PROGRESS, Digits: ['1', '2'] }
    const signature = twilio.getExpectedTwilioSignature(token, url, asHonoParses)
    expect(await check(body, url, signature)).toBe(true)
    expect(await check(body.replace('Digits=2', 'Digits=3'), url, signature)).toBe(false)
    expect(await check(`${encode(IN_PROGRESS)}&Digits=2`, url, signature)).toBe(false)
    expect(await check(body, url, undefined)).toBe(false)
  })
})

describe('callInfoFrom', () => {
  it('maps an incoming-call webhook: engine names for identity, Twilio names for geography', () => {
    expect(callInfoFrom(INCOMING_CALL)).toEqual({
      sid: 'CA0123456789abcdef0123456789abcdef',
      from: '+14158675309',
      to: '+18005551212',
      direction: 'inbound',
      callerName: 'JENNY TUTONE',
      FromCity: 'SAN FRANCISCO',
      FromState: 'CA',
      FromZip: '94103',
      FromCountry: 'US',
      ToCity: '',
      ToState: '',
      ToZip: '',
      ToCountry: 'US',
      CallerCity: 'SAN FRANCISCO',
      CallerState: 'CA',
      CallerZip: '94103',
      CallerCountry: 'US',
      CalledCity: '',
      CalledState: '',
      CalledZip: '',
      CalledCountry: 'US',
    })
  })

  it('maps an outbound call answered by a machine', () => {
    const info = callInfoFrom({ CallSid: 'CA1', Direction: 'outbound-api', AnsweredBy: 'machine_start', To: 'client:alice' })
    expect(info).toEqual({ sid: 'CA1', direction: 'outbound-api', answeredBy: 'machine_start', to: 'client:alice' })
  })

  it('leaves out what Twilio did not send and what flows need not see', () => {
    expect(callInfoFrom({ AccountSid: 'AC1', ApiVersion: '2010-04-01', CallStatus: 'ringing' })).toEqual({})
  })

  it('removes control characters and caps every value at 256 characters', () => {
    const info = callInfoFrom({
      CallerName: 'EVIL\r\nX-Injected: 1\u0000\u001b[31m\u0085\u007f',
      FromCity: 'A'.repeat(100_000),
      From: `+1${'😀'.repeat(300)}`,
    })
    expect(info.callerName).toBe('EVILX-Injected: 1[31m')
    expect(info['FromCity']).toBe('A'.repeat(256))
    // The cap counts characters, so it never leaves half of a surrogate pair.
    expect(Array.from(info.from ?? '')).toHaveLength(256)
    expect(info.from?.endsWith('😀')).toBe(true)
  })

  it('drops unpaired surrogates, which cannot be encoded', () => {
    expect(callInfoFrom({ CallerName: 'A\uD800B\uDC00C😀' }).callerName).toBe('ABC😀')
  })
})

describe('eventFrom', () => {
  const gather = (fields: Record<string, string>) => eventFrom({ ...IN_PROGRESS, ...fields }, 'gather')

  describe('gather', () => {
    it.each<[Record<string, string>, CallEvent]>([
      [{ Digits: '1' }, { type: 'DIGITS', digits: '1' }],
      [{ Digits: '0123456789*#' }, { type: 'DIGITS', digits: '0123456789*#' }],
      [{ Digits: '12', SpeechResult: 'sales', Confidence: '0.9' }, { type: 'DIGITS', digits: '12' }],
      [{ SpeechResult: 'I want to talk to sales.', Confidence: '0.92187' }, { type: 'SPEECH', speech: 'I want to talk to sales.', confidence: 0.92187 }],
      [{ Digits: '', SpeechResult: 'billing', Confidence: '1' }, { type: 'SPEECH', speech: 'billing', confidence: 1 }],
      [{ SpeechResult: 'billing', Confidence: '0' }, { type: 'SPEECH', speech: 'billing', confidence: 0 }],
      [{ SpeechResult: 'billing' }, { type: 'SPEECH', speech: 'billing' }],
      // actionOnEmptyResult="true" and the trailing <Redirect> both arrive without a result.
      [{}, { type: 'NO_INPUT' }],
      [{ Digits: '' }, { type: 'NO_INPUT' }],
      [{ Digits: '', SpeechResult: '', Confidence: '' }, { type: 'NO_INPUT' }],
    ])('%j → %j', (fields, event) => {
      expect(gather(fields)).toEqual(event)
    })

    it.each([
      ['letters mixed in', '1a2b#', '12#'],
      ["Twilio's TIMEOUT marker from a Redirect query", 'TIMEOUT', ''],
      ['control characters', '1\u00002\n3', '123'],
      ['spaces and pauses', '1 2w3', '123'],
      ['full-width digits', '１２', ''],
      ['a huge value', '9'.repeat(100_000), '9'.repeat(64)],
    ])('keeps only keypad characters (%s)', (_what, digits, kept) => {
      expect(gather({ Digits: digits })).toEqual({ type: 'DIGITS', digits: kept })
    })

    it.each(['NaN', 'Infinity', '-0.5', '1.5', '1e309', '0x1', '', ' 0.5', '0.5abc', '.'])(
      'drops the unusable confidence %j but keeps the speech',
      (confidence) => {
        expect(gather({ SpeechResult: 'yes', Confidence: confidence })).toEqual({ type: 'SPEECH', speech: 'yes' })
      },
    )

    it.each([
      ['.5', 0.5],
      ['5e-1', 0.5],
      ['0.', 0],
    ])('reads the confidence %j as %d', (confidence, value) => {
      expect(gather({ SpeechResult: 'yes', Confidence: confidence })).toEqual({ type: 'SPEECH', speech: 'yes', confidence: value })
    })

    it('cleans and caps recognised speech', () => {
      const event = gather({ SpeechResult: `hello\u0000\r\n${'la'.repeat(5000)}` })
      expect(event.type).toBe('SPEECH')
      const speech = event.type === 'SPEECH' ? event.speech : ''
      expect(speech.startsWith('hellolala')).toBe(true)
      expect(speech).toHaveLength(1024)
    })
  })

  describe('dial', () => {
    const dial = (fields: Record<string, string>) => eventFrom({ ...IN_PROGRESS, DialCallSid: 'CA9', ...fields }, 'dial')

    it.each(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const)('passes on the status %s', (status) => {
      expect(dial({ DialCallStatus: status })).toEqual({ type: 'DIAL_RESULT', status })
    })

    it('reads the duration in seconds', () => {
      expect(dial({ DialCallStatus: 'completed', DialCallDuration: '42' })).toEqual({ type: 'DIAL_RESULT', status: 'completed', duration: 42 })
      expect(dial({ DialCallStatus: 'busy', DialCallDuration: '0' })).toEqual({ type: 'DIAL_RESULT', status: 'busy', duration: 0 })
    })

    it.each(['', '-1', '4.2', 'NaN', '1e3', '9999999999'])('drops the unusable duration %j', (duration) => {
      expect(dial({ DialCallStatus: 'completed', DialCallDuration: duration })).toEqual({ type: 'DIAL_RESULT', status: 'completed' })
    })

    it.each(['', 'COMPLETED', 'in-progress', 'ringing', 'answered ', 'constructor'])('treats the unknown status %j as failed', (status) => {
      expect(dial({ DialCallStatus: status })).toEqual({ type: 'DIAL_RESULT', status: 'failed' })
    })

    it('treats a missing status as failed', () => {
      expect(eventFrom(IN_PROGRESS, 'dial')).toEqual({ type: 'DIAL_RESULT', status: 'failed' })
    })
  })

  describe('record', () => {
    const url = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0123456789abcdef0123456789abcdef'
    const record = (fields: Record<string, string>) => eventFrom({ ...IN_PROGRESS, ...fields }, 'record')

    it('reads the recording, its duration and a transcription', () => {
      expect(record({ RecordingUrl: url, RecordingDuration: '7', Digits: '#', TranscriptionText: 'Call me back.' })).toEqual({
        type: 'RECORDING',
        url,
        duration: 7,
        transcript: 'Call me back.',
      })
    })

    it('reads the trailing Redirect after an empty recording as a recording without url', () => {
      expect(record({})).toEqual({ type: 'RECORDING' })
      expect(record({ RecordingUrl: '' })).toEqual({ type: 'RECORDING' })
    })

    it.each(['javascript:alert(1)', 'file:///etc/passwd', 'not a url', `https://x.example/${'a'.repeat(3000)}`])(
      'drops the unusable recording URL %j',
      (bad) => {
        expect(record({ RecordingUrl: bad, RecordingDuration: '3' })).toEqual({ type: 'RECORDING', duration: 3 })
      },
    )

    it('cleans the transcription and caps it', () => {
      const event = record({ RecordingUrl: url, TranscriptionText: `hi\u0007${'x'.repeat(10_000)}` })
      const transcript = event.type === 'RECORDING' ? event.transcript : undefined
      expect(transcript?.startsWith('hix')).toBe(true)
      expect(transcript).toHaveLength(4096)
    })
  })

  describe('enqueue', () => {
    it.each(['bridged', 'queue-full', 'error', 'hangup', 'redirected', 'leave', 'system-error'])('passes on %s', (result) => {
      expect(eventFrom({ ...IN_PROGRESS, QueueResult: result, QueueSid: 'QU1', QueueTime: '30' }, 'enqueue')).toEqual({
        type: 'QUEUE_RESULT',
        result,
      })
    })

    it('defaults to hangup when there is no result', () => {
      expect(eventFrom(IN_PROGRESS, 'enqueue')).toEqual({ type: 'QUEUE_RESULT', result: 'hangup' })
      expect(eventFrom({ QueueResult: '\u0000' }, 'enqueue')).toEqual({ type: 'QUEUE_RESULT', result: 'hangup' })
    })

    it('cleans and caps an unexpected result', () => {
      expect(eventFrom({ QueueResult: `x\n${'y'.repeat(500)}` }, 'enqueue')).toEqual({ type: 'QUEUE_RESULT', result: `x${'y'.repeat(63)}` })
    })
  })

  it('never throws and always yields a well-formed event, whatever the fields', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 80 }),
      fc.constantFrom('', '1', '0.5', 'NaN', 'completed', 'https://example.com/r.wav', 'javascript:x'),
    )
    const name = fc.constantFrom('Digits', 'SpeechResult', 'Confidence', 'DialCallStatus', 'DialCallDuration', 'RecordingUrl', 'RecordingDuration', 'TranscriptionText', 'QueueResult', 'CallStatus', '__proto__', 'constructor')
    const waitingFor = fc.constantFrom<WaitingFor>('gather', 'dial', 'record', 'enqueue')
    fc.assert(
      fc.property(fc.dictionary(name, text), waitingFor, (params, verb) => {
        expect(isWellFormed(eventFrom(params, verb))).toBe(true)
        expect(typeof isCallEnded(params)).toBe('boolean')
      }),
      { numRuns: 1000 },
    )
  })
})

describe('isCallEnded', () => {
  it.each(['completed', 'busy', 'no-answer', 'failed', 'canceled'])('is true for %s', (status) => {
    expect(isCallEnded({ ...IN_PROGRESS, CallStatus: status })).toBe(true)
  })

  it.each(['queued', 'ringing', 'in-progress', '', 'Completed', 'toString'])('is false for %j', (status) => {
    expect(isCallEnded({ ...IN_PROGRESS, CallStatus: status })).toBe(false)
  })

  it('is false without a status', () => {
    expect(isCallEnded({ CallSid: 'CA1' })).toBe(false)
  })
})

const UNSAFE = /[\p{Cc}\uD800-\uDFFF]/u

function isClean(text: string, maxLength: number): boolean {
  return !UNSAFE.test(text) && Array.from(text).length <= maxLength
}

function isWellFormed(event: CallEvent): boolean {
  switch (event.type) {
    case 'DIGITS':
      return /^[0-9*#]{0,64}$/.test(event.digits)
    case 'SPEECH':
      return event.speech !== undefined && isClean(event.speech, 1024) && (event.confidence === undefined || (event.confidence >= 0 && event.confidence <= 1))
    case 'NO_INPUT':
      return true
    case 'DIAL_RESULT':
      return ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'].includes(event.status) && (event.duration === undefined || Number.isSafeInteger(event.duration))
    case 'RECORDING':
      return (
        (event.url === undefined || /^https?:\/\//i.test(event.url)) &&
        (event.duration === undefined || Number.isSafeInteger(event.duration)) &&
        (event.transcript === undefined || (event.transcript !== '' && isClean(event.transcript, 4096)))
      )
    case 'QUEUE_RESULT':
      return event.result !== '' && isClean(event.result, 64)
    default:
      return false
  }
}
