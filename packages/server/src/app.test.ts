import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import twilio from 'twilio'
import { checkTwiml } from '@phonetree/engine/twiml-check'
import { createMemoryStore } from './store/memory.ts'
import { createSqliteStore } from './store/sqlite.ts'
import { createRedisStore } from './store/redis.ts'
import type { CallStore } from './store/types.ts'
import { appTransport, backEnd, TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from './testing.ts'
import { twilioDialer } from './api/dialer.ts'
import { readConfig, checkProductionConfig } from './config.ts'
import { startRedis } from '../../../test/support/redis.ts'
import type { RedisServer } from '../../../test/support/redis.ts'

const FLOWS = new URL('../../../flows', import.meta.url).pathname
const temp: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'phonetree-app-'))
  temp.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the example flows that a test may edit. */
function flowsCopy(): string {
  const dir = tempDir()
  for (const id of ['support', 'verify', 'secretary']) copyFileSync(join(FLOWS, `${id}.yaml`), join(dir, `${id}.yaml`))
  return dir
}

function signedPost(url: string, params: Record<string, string>, token = TEST_AUTH_TOKEN): [string, RequestInit] {
  return [url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params) },
    body: new URLSearchParams(params).toString(),
  }]
}

describe('calls survive', () => {
  it('a restarted server (same SQLite file) finishes a call started before the restart', async () => {
    const path = join(tempDir(), 'calls.db')
    const before = await testServer({ store: createSqliteStore(path) })
    const call = before.call('support')
    await call.start()
    await call.press('2')
    before.close()
    await before.store.close()

    const after = await testServer({ store: createSqliteStore(path) })
    // The same simulated caller now reaches the new process.
    call.via(appTransport(after.app))
    const next = await call.press('654321')
    expect(next.waiting).toBe('enqueue')
    expect(next.heard).toEqual(['All of our agents are helping other callers. Please stay on the line.'])
    expect(call.problems).toEqual([])
    after.close()
    await after.store.close()
  })

  describe('two instances sharing Redis', () => {
    let redis: RedisServer
    beforeAll(async () => {
      redis = await startRedis()
    })
    afterAll(async () => {
      await redis.stop()
    })

    it('serve one call whose webhooks alternate between them', async () => {
      const prefix = `alt-${Date.now()}:`
      const crm = backEnd({ 'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold', name: 'Ada' } } })
      const a = await testServer({ store: createRedisStore(redis.url, { prefix }), fetch: crm })
      const b = await testServer({ store: createRedisStore(redis.url, { prefix }), fetch: crm })
      let turn = 0
      const alternate = (url: string, init: RequestInit) => Promise.resolve((turn++ % 2 === 0 ? a : b).app.request(url, init))
      const call = a.call('support', { transport: alternate })
      await call.start()
      await call.press('7')
      await call.press('2')
      const routed = await call.press('123456')
      expect(routed.numbers).toEqual(['+15551230001', '+15551230002'])
      expect((await call.dialResult('completed')).waiting).toBe('ended')
      expect(turn).toBeGreaterThanOrEqual(5)
      expect(call.problems).toEqual([])
      const steps = await b.store.getSteps(call.sid)
      expect(steps.map((s) => s.node)).toEqual(['main-menu', 'main-menu', 'account', 'priority', 'goodbye'])
      for (const s of [a, b]) {
        s.close()
        await s.store.close()
      }
    })

    it('answers an apology while Redis is down, and serves calls again when it is back', async () => {
      const server = await testServer({ store: createRedisStore(redis.url, { prefix: `down-${Date.now()}:` }) })
      await redis.stop()
      const call = server.call('support')
      const turn = await call.start()
      expect(turn.heard[0]).toMatch(/sorry/i)
      expect(turn.waiting).toBe('ended')
      expect(call.problems).toEqual([])
      expect((await server.app.request('/healthz')).status).toBe(503)
      await redis.restart()
      let healthy = 0
      for (let i = 0; i < 50 && healthy !== 200; i++) {
        healthy = (await server.app.request('/healthz')).status
        if (healthy !== 200) await new Promise((r) => setTimeout(r, 100))
      }
      expect(healthy).toBe(200)
      expect((await server.call('support').start()).waiting).toBe('gather')
      server.close()
      await server.store.close()
    })
  })
})

describe('flows from disk', () => {
  it('a call keeps the version it started on while new calls get the new file', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const old = server.call('support')
    await old.start()
    const file = join(dir, 'support.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('Connecting you to sales.', 'Sales, one moment.'))
    await server.flows.reload(file)
    expect((await old.press('1')).heard).toEqual(['Connecting you to sales.'])
    const fresh = server.call('support')
    await fresh.start()
    expect((await fresh.press('1')).heard).toEqual(['Sales, one moment.'])
    server.close()
  })

  it('a file that stops validating is reported while the last good version keeps serving', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir, env: { HOST: '127.0.0.1' } })
    const file = join(dir, 'verify.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('onNoInput: goodbye', 'onNoInput: good-bye'))
    await server.flows.reload(file)
    const status = await (await server.app.request('/api/flows/verify')).json() as { current: boolean; version: string; problems: Array<{ code: string; line: number }> }
    expect(status.current).toBe(false)
    expect(status.version).toMatch(/^[0-9a-f]{16}$/)
    expect(status.problems).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_TARGET', line: expect.any(Number) }))
    expect(server.log.lines.some((l) => l.message === 'flow has errors; serving the last good version')).toBe(true)
    const call = server.call('verify')
    await call.start()
    expect((await call.silence()).heard).toEqual(['Goodbye.'])
    server.close()
  })

  it('picks up changed files by itself (watching the folder)', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir, watch: true })
    const file = join(dir, 'verify.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('prompt: Goodbye.', 'prompt: See you.'))
    let heard: string[] = []
    for (let i = 0; i < 40 && heard[0] !== 'See you.'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const call = server.call('verify')
      await call.start()
      heard = (await call.silence()).heard
    }
    expect(heard).toEqual(['See you.'])
    server.close()
  })
})

describe('webhook security and bad input', () => {
  let server: Awaited<ReturnType<typeof testServer>>
  beforeAll(async () => {
    server = await testServer({ store: createMemoryStore() })
  })
  const url = `${TEST_PUBLIC_URL}/voice/support`

  it('refuses a missing or forged signature with 403 and accepts the twilio package\'s signature', async () => {
    const params = { CallSid: 'CA403', From: '+15551230000' }
    const [u, init] = signedPost(url, params)
    const { 'x-twilio-signature': _sig, ...unsigned } = init.headers as Record<string, string>
    expect((await server.app.request(u, { ...init, headers: unsigned })).status).toBe(403)
    expect((await server.app.request(...signedPost(url, params, 'wrong-token-wrong-token-wrong-tok'))).status).toBe(403)
    const tampered = { ...init, body: new URLSearchParams({ ...params, From: '+19995550000' }).toString() }
    expect((await server.app.request(u, tampered)).status).toBe(403)
    const ok = await server.app.request(u, init)
    expect(ok.status).toBe(200)
    expect(checkTwiml(await ok.text())).toEqual([])
  })

  it('signs against PUBLIC_URL, not the address the request reached (a proxy in front)', async () => {
    const [, init] = signedPost(url, { CallSid: 'CAproxy' })
    expect((await server.app.request('http://10.0.0.5:3000/voice/support', init)).status).toBe(200)
    const [, other] = signedPost('http://10.0.0.5:3000/voice/support', { CallSid: 'CAproxy2' })
    expect((await server.app.request('http://10.0.0.5:3000/voice/support', other)).status).toBe(403)
  })

  it('bounds request bodies and rejects other content types and missing CallSid with 4xx', async () => {
    const big = { CallSid: 'CAbig', Junk: 'x'.repeat(200_000) }
    expect((await server.app.request(...signedPost(url, big))).status).toBe(413)
    const [u, init] = signedPost(url, { CallSid: 'CAjson' })
    expect((await server.app.request(u, { ...init, headers: { ...(init.headers as Record<string, string>), 'content-type': 'application/json' } })).status).toBe(415)
    expect((await server.app.request(...signedPost(url, { From: '+1555' }))).status).toBe(400)
  })

  it('an unknown flow still answers valid apology TwiML (200), never an error page', async () => {
    const response = await server.app.request(...signedPost(`${TEST_PUBLIC_URL}/voice/no-such-flow`, { CallSid: 'CAnone' }))
    expect(response.status).toBe(200)
    const body = await response.text()
    expect(checkTwiml(body)).toEqual([])
    expect(body).toMatch(/<Say>We&apos;re sorry|<Say>We're sorry/)
    expect(body).toContain('<Hangup/>')
  })

  it('a failing store still answers apology TwiML and logs the failure with the call', async () => {
    const broken: CallStore = { ...createMemoryStore(), withCall: () => Promise.reject(new Error('disk full')) }
    const s = await testServer({ store: broken })
    const response = await s.app.request(...signedPost(url, { CallSid: 'CAbroken' }))
    expect(response.status).toBe(200)
    expect(checkTwiml(await response.text())).toEqual([])
    expect(s.log.lines).toContainEqual(expect.objectContaining({ level: 'error', call: 'CAbroken', error: 'disk full' }))
    s.close()
  })

  it('serves audio from flows/audio and nothing outside it', async () => {
    const dir = flowsCopy()
    mkdirSync(join(dir, 'audio'))
    writeFileSync(join(dir, 'audio', 'chime.mp3'), Buffer.from([0xff, 0xfb, 0x90, 0x00]))
    writeFileSync(join(dir, 'secret.mp3'), 'secret')
    symlinkSync(join(dir, 'secret.mp3'), join(dir, 'audio', 'link.mp3'))
    const s = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const ok = await s.app.request('/audio/chime.mp3')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('audio/mpeg')
    expect([...new Uint8Array(await ok.arrayBuffer())]).toEqual([0xff, 0xfb, 0x90, 0x00])
    for (const path of ['/audio/../secret.mp3', '/audio/%2e%2e/secret.mp3', '/audio/link.mp3', '/audio/../support.yaml', '/audio/missing.mp3']) {
      expect((await s.app.request(path)).status, path).toBe(404)
    }
    s.close()
  })
})

describe('outbound calls', () => {
  /** The Twilio REST API, simulated: records what the official client sends. */
  function twilioCloud() {
    const requests: Array<{ method: string; uri: string; data: Record<string, unknown> }> = []
    const httpClient = {
      request: async (opts: { method: string; uri: string; data?: Record<string, unknown> }) => {
        requests.push({ method: opts.method, uri: opts.uri, data: opts.data ?? {} })
        return { statusCode: 201, body: { sid: 'CAoutbound000000000000000000000001', status: 'queued' }, headers: {} }
      },
    }
    return { requests, client: twilio('AC00000000000000000000000000000000', TEST_AUTH_TOKEN, { httpClient: httpClient as never }) }
  }

  it('refuses, loudly and without calling Twilio, a number off the allow-list outside production', async () => {
    const cloud = twilioCloud()
    const store = createMemoryStore()
    const base = await testServer({ store })
    const config = readConfig({ PUBLIC_URL: TEST_PUBLIC_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_ACCOUNT_SID: 'AC1', TWILIO_FROM: '+15550001111', PHONETREE_DIAL_ALLOW: '+15551230000' })
    const dialer = twilioDialer(config, store, base.flows, cloud.client)
    await expect(dialer.place({ flow: 'verify', to: '+15559999999' })).rejects.toThrow(/refusing to dial \+15559999999/)
    const server = await testServer({ store, dialer })
    const response = await server.app.request('/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: 'verify', to: '+15559999999' }) })
    expect(response.status).toBe(403)
    expect(cloud.requests).toEqual([])
    base.close()
    server.close()
  })

  it('places an allowed call through the official client with machine detection, and the call gets its variables', async () => {
    const cloud = twilioCloud()
    const store = createMemoryStore()
    const base = await testServer({ store })
    const config = readConfig({ PUBLIC_URL: TEST_PUBLIC_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_ACCOUNT_SID: 'AC1', TWILIO_FROM: '+15550001111', PHONETREE_DIAL_ALLOW: '+15551230000' })
    const server = await testServer({ store, dialer: twilioDialer(config, store, base.flows, cloud.client) })
    const response = await server.app.request('/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: 'verify', to: '+15551230000', vars: { code: '481516' } }) })
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ sid: 'CAoutbound000000000000000000000001' })
    expect(cloud.requests).toHaveLength(1)
    const sent = cloud.requests[0]!
    expect(sent.method.toUpperCase()).toBe('POST')
    expect(sent.uri).toMatch(/\/Calls\.json$/)
    expect(sent.data).toMatchObject({ To: '+15551230000', From: '+15550001111', MachineDetection: 'DetectMessageEnd', StatusCallback: `${TEST_PUBLIC_URL}/voice/verify/status` })
    const callUrl = new URL(String(sent.data.Url))
    // Twilio now requests that URL when the call is answered.
    const call = server.call('verify', { callSid: 'CAoutbound000000000000000000000001', direction: 'outbound-api', query: callUrl.search, params: { AnsweredBy: 'human' } })
    const first = await call.start()
    expect(first.heard.filter((s) => s === '4, 8, 1, 5, 1, 6')).toHaveLength(2)
    expect(call.problems).toEqual([])
    base.close()
    server.close()
  })
})

describe('configuration', () => {
  it('refuses production without a Twilio auth token or public URL', () => {
    expect(checkProductionConfig(readConfig({ NODE_ENV: 'production' }))).toHaveLength(2)
    expect(checkProductionConfig(readConfig({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'x', PUBLIC_URL: 'https://ivr.example.com' }))).toEqual([])
  })

  it('keeps the API to loopback unless a token is set', async () => {
    const open = await testServer({ store: createMemoryStore(), env: { HOST: '0.0.0.0' } })
    expect((await open.app.request('/api/flows')).status).toBe(403)
    const tokened = await testServer({ store: createMemoryStore(), env: { HOST: '0.0.0.0', PHONETREE_API_TOKEN: 'secret' } })
    expect((await tokened.app.request('/api/flows')).status).toBe(401)
    expect((await tokened.app.request('/api/flows', { headers: { authorization: 'Bearer secret' } })).status).toBe(200)
    open.close()
    tokened.close()
  })
})

describe('call history', () => {
  it('keeps a late transcription with the call, and lists calls newest first by flow and status', async () => {
    const server = await testServer({ store: createMemoryStore(), now: () => new Date('2026-11-28T23:00:00Z') })
    const call = server.call('support')
    const first = await call.start()
    expect(first.waiting).toBe('record')
    const callback = first.attributes.transcribeCallback!
    expect(callback).toBe(`${TEST_PUBLIC_URL}/voice/support/1/transcription`)
    await call.recording('https://api.twilio.com/2010-04-01/Recordings/RE7', 8)
    const late = await server.app.request(...signedPost(callback, { CallSid: call.sid, TranscriptionText: 'Please call me back about my order.', TranscriptionStatus: 'completed', RecordingUrl: 'https://api.twilio.com/2010-04-01/Recordings/RE7' }))
    expect(late.status).toBe(204)
    const { steps } = await (await server.app.request(`/api/calls/${call.sid}`)).json() as { steps: Array<{ event: Record<string, unknown> }> }
    expect(steps.at(-1)!.event).toMatchObject({ type: 'TRANSCRIPTION', step: 1, text: 'Please call me back about my order.' })

    const other = server.call('verify')
    await other.start()
    const list = await (await server.app.request('/api/calls?status=active')).json() as { calls: Array<{ sid: string; flow: string; node: string }> }
    expect(list.calls.map((c) => c.sid)).toEqual([other.sid])
    const bySupport = await (await server.app.request('/api/calls?flow=support')).json() as { calls: Array<{ sid: string; status: string }> }
    expect(bySupport.calls).toEqual([expect.objectContaining({ sid: call.sid, status: 'ended' })])
    server.close()
  })
})

describe('the editor\'s flow API', () => {
  const json = (body: unknown): RequestInit => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('opens a flow with its layout, saves it, and refuses to overwrite a file changed on disk since', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const opened = await (await server.app.request('/api/flows/verify')).json() as { source: string; layout: string | null; etag: string; version: string }
    expect(opened.source).toBe(readFileSync(join(dir, 'verify.yaml'), 'utf8'))
    expect(opened.layout).toBeNull()
    const edited = opened.source.replace('prompt: Goodbye.', 'prompt: Bye for now.')
    const saved = await server.app.request('/api/flows/verify', json({ source: edited, layout: { nodes: { intro: { x: 0, y: 0 } } }, etag: opened.etag }))
    expect(saved.status).toBe(200)
    const after = await saved.json() as { etag: string; version: string; problems: unknown[]; current: boolean }
    expect(after).toMatchObject({ problems: [], current: true })
    expect(after.version).not.toBe(opened.version)
    expect(readFileSync(join(dir, 'verify.yaml'), 'utf8')).toBe(edited)
    expect(JSON.parse(readFileSync(join(dir, 'verify.layout.json'), 'utf8'))).toEqual({ nodes: { intro: { x: 0, y: 0 } } })
    // Someone edits the file by hand; a save from the stale editor is refused with what is on disk.
    writeFileSync(join(dir, 'verify.yaml'), `${edited}# a hand edit\n`)
    const stale = await server.app.request('/api/flows/verify', json({ source: opened.source, etag: after.etag }))
    expect(stale.status).toBe(409)
    expect(((await stale.json()) as { current: { source: string } }).current.source).toContain('# a hand edit')
    expect(readFileSync(join(dir, 'verify.yaml'), 'utf8')).toContain('# a hand edit')
    server.close()
  })

  it('saves a flow with errors, reports them, and keeps serving the last good version', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const opened = await (await server.app.request('/api/flows/verify')).json() as { source: string; etag: string }
    const broken = opened.source.replace('onNoInput: goodbye', 'onNoInput: nowhere')
    const saved = await (await server.app.request('/api/flows/verify', json({ source: broken, etag: opened.etag }))).json() as { current: boolean; problems: Array<{ code: string }> }
    expect(saved.current).toBe(false)
    expect(saved.problems.map((p) => p.code)).toContain('UNKNOWN_TARGET')
    const call = server.call('verify')
    await call.start()
    expect((await call.silence()).heard).toEqual(['Goodbye.'])
    server.close()
  })

  it('creates a new flow only when it does not exist, and never writes outside the flows folder', async () => {
    const dir = flowsCopy()
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const source = 'flow: hello\nstart: hi\nnodes:\n  hi: { type: hangup, prompt: Hello. }\n'
    expect((await server.app.request('/api/flows/hello', json({ source, etag: null }))).status).toBe(200)
    expect(readFileSync(join(dir, 'hello.yaml'), 'utf8')).toBe(source)
    expect((await server.app.request('/api/flows/hello', json({ source, etag: null }))).status).toBe(409)
    expect((await server.call('hello').start()).heard).toEqual(['Hello.'])
    for (const id of ['..%2Fescape', '%2E%2E', 'Hello', 'a.b']) {
      const response = await server.app.request(`/api/flows/${id}`, json({ source, etag: null }))
      expect(response.status, id).toBeGreaterThanOrEqual(400)
      expect(response.status, id).toBeLessThan(500)
    }
    expect(readFileSync(join(dir, 'hello.yaml'), 'utf8')).toBe(source)
    server.close()
  })
})

describe('the API without a token', () => {
  const placed: unknown[] = []
  const dialer = { place: async (r: unknown) => (placed.push(r), { sid: 'CAx' }) }

  it('is refused in production, behind a reverse proxy, and under another host name', async () => {
    const production = await testServer({ store: createMemoryStore(), env: { NODE_ENV: 'production' } })
    expect((await production.app.request('http://127.0.0.1:3000/api/flows')).status).toBe(403)
    const server = await testServer({ store: createMemoryStore(), dialer })
    expect((await server.app.request('http://127.0.0.1:3000/api/flows')).status).toBe(200)
    expect((await server.app.request('http://127.0.0.1:3000/api/flows', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403)
    expect((await server.app.request('http://attacker.example:3000/api/calls', { headers: { host: 'attacker.example:3000' } })).status).toBe(403)
    production.close()
    server.close()
  })

  it('takes writes as JSON only (no cross-site form can place a call) and bounds their size', async () => {
    const server = await testServer({ store: createMemoryStore(), dialer })
    const form = await server.app.request('http://127.0.0.1:3000/api/calls', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"flow":"verify","to":"+15551230000"}' })
    expect(form.status).toBe(415)
    const huge = JSON.stringify({ flow: 'verify', to: '+15551230000', vars: { pad: 'x'.repeat(2_000_000) } })
    expect((await server.app.request('http://127.0.0.1:3000/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge })).status).toBe(413)
    expect(placed).toEqual([])
    server.close()
  })

  it('refuses a size setting that is not a number instead of reading it as no limit', () => {
    expect(() => readConfig({ PHONETREE_MAX_BODY: '64k' })).toThrow(/PHONETREE_MAX_BODY/)
  })
})

describe('answers Twilio would reject', () => {
  it('a 5,000-character name from the CRM is split into <Say>s Twilio accepts', async () => {
    const crm = backEnd({ 'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold', name: 'x'.repeat(5000) } } })
    const server = await testServer({ store: createMemoryStore(), fetch: crm })
    const call = server.call('support')
    await call.start()
    await call.press('2')
    const turn = await call.press('123456')
    expect(call.problems).toEqual([])
    expect(turn.documents.flatMap(checkTwiml)).toEqual([])
    expect(turn.waiting).toBe('dial')
    server.close()
  })

  it('an answer over 64 kB becomes the apology instead of a document Twilio refuses', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'big.yaml'), 'flow: big\nstart: read\nvars: { text: "" }\nnodes:\n  read: { type: hangup, prompt: "{{ vars.text }}" }\n')
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir })
    const query = '?v=huge'
    await server.store.putPending('huge', { text: 'word '.repeat(20_000) }, 60_000)
    const call = server.call('big', { query })
    const turn = await call.start()
    expect(turn.heard).toEqual(["We're sorry, something went wrong. Please call again later."])
    expect(server.log.lines.some((l) => l.level === 'error')).toBe(true)
    server.close()
  })
})
