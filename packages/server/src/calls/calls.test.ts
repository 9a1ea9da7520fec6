import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.ts'
import { createSqliteStore } from '../store/sqlite.ts'
import { createRedisStore } from '../store/redis.ts'
import type { CallStore } from '../store/types.ts'
import { backEnd, testServer } from '../testing.ts'
import type { TestServer } from '../testing.ts'
import { startRedis } from '../../../../test/support/redis.ts'
import type { RedisServer } from '../../../../test/support/redis.ts'

// Whole calls of every example flow, as Twilio would place them, against each real store.

let redis: RedisServer
const dirs: string[] = []
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const stores: Array<[string, () => CallStore]> = [
  ['memory', () => createMemoryStore()],
  ['sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonetree-'))
    dirs.push(dir)
    return createSqliteStore(join(dir, 'calls.db'))
  }],
  ['redis', () => createRedisStore(redis.url, { prefix: `test-${Math.random().toString(36).slice(2)}:` })],
]

const crm = () => backEnd({
  'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold', name: 'Ada' } },
  'GET https://crm.example.com/accounts/654321': { status: 200, body: { tier: 'silver' } },
  'POST https://crm.example.com/tickets': { status: 201, body: { id: 7 } },
  'POST https://clinic.example.com/api/appointments/demo/answer': { status: 200, body: { ok: true } },
  'POST https://api.nightowls.example/fan-messages': { status: 201 },
  'GET https://api.nightowls.example/shows?limit=3': { status: 200, body: { shows: [{ city: 'Austin', date: 'December 4' }] } },
})

describe.each(stores)('whole calls on the %s store', (_name, makeStore) => {
  let server: TestServer
  let backend: ReturnType<typeof crm>
  beforeAll(async () => {
    backend = crm()
    server = await testServer({ store: makeStore(), fetch: backend })
  })
  afterAll(async () => {
    server.close()
    await server.store.close()
  })

  it('support: invalid key, silence, account lookup, gold routing, busy priority line, queue, hang-up', async () => {
    const call = server.call('support')
    const first = await call.start()
    expect(first.heard).toEqual(['Thanks for calling Acme.', expect.stringContaining('For sales, press 1')])
    expect(first.waiting).toBe('gather')
    expect((await call.press('9')).heard).toEqual(['Sorry, that is not an option.', 'Press 1 for sales, 2 for support, or 0 for an operator.'])
    expect((await call.silence()).heard[0]).toBe("I didn't hear anything.")
    expect((await call.press('2')).heard).toEqual(['Please enter your account number, then press pound.'])
    const routed = await call.press('123456')
    expect(routed.heard).toEqual(['Thank you, Ada. Connecting you to your priority team.'])
    expect(routed.waiting).toBe('dial')
    expect(routed.numbers).toEqual(['+15551230001', '+15551230002'])
    const queued = await call.dialResult('busy')
    expect(queued.waiting).toBe('enqueue')
    const bye = await call.queueResult('bridged')
    expect(bye.heard).toEqual(['Thank you for calling Acme. Goodbye.'])
    expect(bye.waiting).toBe('ended')
    expect(call.problems).toEqual([])

    const { call: record, steps } = await (await server.app.request(`/api/calls/${call.sid}`)).json() as { call: { status: string; outcome: string; snapshot: { node: string } }; steps: Array<{ node: string; effects: unknown[] }> }
    expect(record).toMatchObject({ status: 'ended', outcome: 'completed', snapshot: { node: 'goodbye' } })
    expect(steps.map((s) => s.node)).toEqual(['main-menu', 'main-menu', 'main-menu', 'account', 'priority', 'support-queue', 'goodbye'])
    expect(steps[4]!.effects).toMatchObject([{ node: 'lookup', method: 'GET', status: 200 }])
  })

  it('support: sales does not answer, the caller leaves a voicemail and a ticket is filed', async () => {
    const call = server.call('support')
    await call.start()
    expect((await call.press('1')).numbers).toEqual(['+15551234567'])
    const voicemail = await call.dialResult('no-answer')
    expect(voicemail.waiting).toBe('record')
    expect(voicemail.attributes).toMatchObject({ transcribe: 'true', maxLength: '120' })
    const before = backend.requests.length
    const done = await call.recording('https://api.twilio.com/2010-04-01/Recordings/RE1', 31)
    expect(done.heard).toEqual(['Thank you for calling Acme. Goodbye.'])
    const ticket = backend.requests.slice(before).find((r) => r.url === 'https://crm.example.com/tickets')!
    expect(JSON.parse(ticket.body!)).toEqual({ from: '+15551230000', recording: 'https://api.twilio.com/2010-04-01/Recordings/RE1', seconds: 31 })
    expect(ticket.headers.get('idempotency-key')).toMatch(new RegExp(`^${call.sid}:`))
    expect(call.problems).toEqual([])
  })

  it('secretary: at night the caller stays silent and leaves a message (empty recording included)', async () => {
    const night = await testServer({ store: server.store, now: () => new Date('2026-11-24T18:05:00Z') })
    const call = night.call('secretary')
    const first = await call.start()
    expect(first.heard[0]).toMatch(/^It is 3:05 AM in Tokyo/)
    const message = await call.silence()
    expect(message.waiting).toBe('record')
    // Twilio keeps nothing when the caller says nothing: it continues with the trailing Redirect.
    const done = await call.recording(undefined)
    expect(done.waiting).toBe('ended')
    expect(done.heard).toEqual(['Thank you. Goodbye.'])
    expect(call.problems).toEqual([])
    night.close()
  })

  it('appointment-reminder: an answering machine hears the reminder twice; the clinic is told', async () => {
    const call = server.call('appointment-reminder', { direction: 'outbound-api', params: { AnsweredBy: 'machine_end_beep' } })
    const turn = await call.start()
    expect(turn.heard.filter((s) => s.startsWith('Hello, this is Riverside Dental'))).toHaveLength(2)
    expect(turn.waiting).toBe('ended')
    expect(backend.requests.some((r) => r.url.endsWith('/demo/answer') && r.body === '{"answer":"voicemail"}')).toBe(true)
    expect(call.problems).toEqual([])
  })

  it('fan-voicemail: speech picks the tour dates', async () => {
    const call = server.call('fan-voicemail')
    await call.start()
    const dates = await call.speak('tell me about the tour')
    expect(dates.heard[0]).toBe('Our next shows: Austin on December 4. ')
    expect(dates.waiting).toBe('gather')
    expect((await call.press('5')).waiting).toBe('ended')
    expect(call.problems).toEqual([])
  })

  it('verify: reads the code twice, again on 1, and ends on silence', async () => {
    const call = server.call('verify')
    const first = await call.start()
    expect(first.heard.filter((s) => s === '0, 0, 0, 0, 0, 0')).toHaveLength(2)
    expect((await call.press('1')).heard.filter((s) => s === '0, 0, 0, 0, 0, 0')).toHaveLength(2)
    expect((await call.silence()).waiting).toBe('ended')
    expect(call.problems).toEqual([])
  })

  it('a webhook delivered twice gets the same answer, and state and effects advance once', async () => {
    const call = server.call('support')
    await call.start()
    await call.press('2')
    const params = new URLSearchParams({ CallSid: call.sid, Digits: '654321' })
    const sign = (url: string) => import('twilio').then((t) => t.default.getExpectedTwilioSignature('12345678901234567890123456789012', url, Object.fromEntries(params)))
    const url = `https://ivr.example.com/voice/support/2`
    const send = async () => (await server.app.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign(url) }, body: params.toString() })).text()
    const lookups = () => backend.requests.filter((r) => r.url.endsWith('/accounts/654321')).length
    const before = lookups()
    const [a, b] = await Promise.all([send(), send()])
    const c = await send()
    expect(a).toContain('<Enqueue')
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(lookups() - before).toBe(1)
    const record = await server.store.getCall(call.sid)
    expect(record?.snapshot.seq).toBe(4)
    expect((await server.store.getSteps(call.sid)).length).toBe(3)
  })

  it('a final status callback ends a waiting call as a hang-up', async () => {
    const call = server.call('support')
    await call.start()
    await call.hangup('completed')
    const record = await server.store.getCall(call.sid)
    expect(record).toMatchObject({ status: 'ended', outcome: 'completed', snapshot: { node: '$hungup' } })
  })
})
