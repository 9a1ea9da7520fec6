/**
 * Security properties of the server that the existing tests do not already prove (see
 * SECURITY.md for the threat model and the map of every test):
 *
 * - Signatures, through the app: a signature is bound to its URL (another flow, another step,
 *   another query order, a fragment) and to every parameter value (a repeated key added after
 *   signing); an added default port is accepted as twilio-node accepts it; every voice route
 *   checks it.
 * - Caller-controlled text (caller name, From, city, SpeechResult, CRM answers) reflected in
 *   prompts and dialled numbers cannot change the TwiML's structure, through a real call.
 * - Flow ids, API paths and audio paths cannot reach outside flows/ (or flows/audio/), with
 *   every encoding trick.
 * - The API needs a token unless the server listens on loopback only.
 * - http nodes reach only PHONETREE_HTTP_ALLOW hosts, however the URL spells the host.
 * - Webhook bodies are bounded on a real socket, without reading the rest of a large body.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkTwiml, parseTwiml } from '@phonetree/engine/twiml-check'
import type { TwimlElement } from '@phonetree/engine/twiml-check'
import { startServer } from './adapter/node.ts'
import { readConfig } from './config.ts'
import { performHttp } from './effects/http.ts'
import { memoryLogger } from './log.ts'
import { createMemoryStore } from './store/memory.ts'
import { TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from './testing.ts'
import type { TestServer } from './testing.ts'

const FLOWS = new URL('../../../flows', import.meta.url).pathname
const temp: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'phonetree-security-'))
  temp.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true })
})

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** A request Twilio would send: signed over `signedUrl`, sent to `sentUrl`. */
function twilioPost(sentUrl: string, params: Record<string, string | string[]>, signedUrl = sentUrl, signedParams = params): RequestInit & { url: string } {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) for (const each of Array.isArray(v) ? v : [v]) body.append(k, each)
  return {
    url: sentUrl,
    method: 'POST',
    headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, signedUrl, signedParams) },
    body: body.toString(),
  }
}

async function send(server: TestServer, init: RequestInit & { url: string }): Promise<Response> {
  return server.app.request(init.url, init)
}

describe('webhook signatures, through the app', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await testServer({ store: createMemoryStore() })
  })
  afterAll(() => server.close())
  const base = { CallSid: 'CAsig0000000000000000000000000001', From: '+15551230000' }

  it('a signature made for one flow, step or query does not open another', async () => {
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, base))).status).toBe(200)
    // Replayed onto another flow, another step, another query order.
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/verify`, base, `${TEST_PUBLIC_URL}/voice/support`))).status).toBe(403)
    const step1 = { ...base, Digits: '1' }
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support/2`, step1, `${TEST_PUBLIC_URL}/voice/support/1`))).status).toBe(403)
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support?b=2&a=1`, { ...base, CallSid: 'CAsig2' }, `${TEST_PUBLIC_URL}/voice/support?a=1&b=2`))).status).toBe(403)
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support?a=1&b=2`, { ...base, CallSid: 'CAsig3' }))).status).toBe(200)
  })

  it('covers every value of a repeated key: a second Digits added after signing is refused', async () => {
    const signed = twilioPost(`${TEST_PUBLIC_URL}/voice/support/1`, { ...base, Digits: '1' })
    const smuggled = { ...signed, body: `${String(signed.body)}&Digits=0` }
    expect((await send(server, smuggled)).status).toBe(403)
    // A value changed, removed, or a parameter added: refused too.
    expect((await send(server, { ...signed, body: String(signed.body).replace('Digits=1', 'Digits=0') })).status).toBe(403)
    expect((await send(server, { ...signed, body: String(signed.body).replace('&Digits=1', '') })).status).toBe(403)
    expect((await send(server, { ...signed, body: `${String(signed.body)}&AnsweredBy=human` })).status).toBe(403)
  })

  it('accepts the default port added, as twilio-node does, and nothing else about the host', async () => {
    const sid = { ...base, CallSid: 'CAsigport' }
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, sid, 'https://ivr.example.com:443/voice/support'))).status).toBe(200)
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, { ...sid, CallSid: 'CAsigport2' }, 'https://ivr.example.com:8443/voice/support'))).status).toBe(403)
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, { ...sid, CallSid: 'CAsighost' }, 'https://evil.example.com/voice/support'))).status).toBe(403)
    expect((await send(server, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, { ...sid, CallSid: 'CAsigscheme' }, 'http://ivr.example.com/voice/support'))).status).toBe(403)
  })

  it('is checked on every voice route: start, callback, status, transcription', async () => {
    for (const path of ['/voice/support', '/voice/support/1', '/voice/support/status', '/voice/support/1/transcription']) {
      const init = twilioPost(`${TEST_PUBLIC_URL}${path}`, { ...base, CallStatus: 'completed' })
      const { 'x-twilio-signature': _dropped, ...unsigned } = init.headers as Record<string, string>
      expect((await send(server, { ...init, headers: unsigned })).status, path).toBe(403)
      expect((await send(server, { ...init, headers: { ...unsigned, 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } })).status, path).toBe(403)
      expect((await send(server, init)).status, path).toBeLessThan(300)
    }
  })

  it('ignores a fragment in PUBLIC_URL (Twilio\'s connection overrides are never signed)', async () => {
    const withFragment = await testServer({ store: createMemoryStore(), env: { PUBLIC_URL: 'https://ivr.example.com#rc=2&ct=1000' } })
    expect((await send(withFragment, twilioPost(`${TEST_PUBLIC_URL}/voice/support`, { ...base, CallSid: 'CAsigfrag' }))).status).toBe(200)
    withFragment.close()
  })
})

// ---------------------------------------------------------------------------------------------

const ECHO_FLOW = `flow: echo
start: greet
nodes:
  greet:
    type: say
    prompt: "Hello {{ call.callerName }} calling from {{ call.from }} in {{ call.FromCity }}."
    next: ask
  ask:
    type: menu
    input: dtmf speech
    prompt: Say something.
    choices:
      "9": { goto: lookup, words: [lookup] }
    noMatch: "You said {{ input.speech }}."
    maxNoMatch: 3
    onFailure: lookup
  lookup:
    type: http
    url: https://crm.example.com/echo
    saveAs: crm
    next: tell
    onError: tell
  tell:
    type: dial
    prompt: "Your account manager is {{ vars.crm.name }}."
    number: "{{ vars.crm.phone }}"
    next: bye
  bye:
    type: hangup
    prompt: "Bye {{ vars.crm.name }}."
`

const PAYLOADS = [
  '</Say><Dial><Number>+19005550199</Number></Dial><Say>',
  '"><Redirect>https://evil.example/x</Redirect><Say a="',
  '<![CDATA[</Say><Hangup/>]]>',
  ']]><Play>https://evil.example/a.mp3</Play>',
  '&lt;Hangup/&gt; &amp; &#60;Reject/&#62;',
  '{{ call.sid }} {% raw %}{{ vars }}{% endraw %}',
  '<?xml version="1.0"?><Response><Reject/></Response>',
  'a\u0000b\u0008c\uFFFEd\uD800e',
]

function verbs(xml: string): string[] {
  const walk = (element: TwimlElement): string[] => [element.name, ...element.children.flatMap((c) => ('name' in c ? walk(c) : []))]
  return walk(parseTwiml(xml))
}

describe('caller-controlled text cannot inject TwiML (through a real call)', () => {
  async function callWith(payload: string): Promise<{ documents: string[]; heard: string[]; numbers: string[] }> {
    const dir = tempDir()
    writeFileSync(join(dir, 'echo.yaml'), ECHO_FLOW)
    const crm: typeof fetch = async () => new Response(JSON.stringify({ name: payload, phone: `+15550002222${payload}` }), { headers: { 'content-type': 'application/json' } })
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir, fetch: crm })
    const call = server.call('echo', { params: { CallerName: payload, FromCity: payload }, from: `+1555${payload}` })
    const documents: string[] = []
    const heard: string[] = []
    const first = await call.start()
    documents.push(...first.documents)
    heard.push(...first.heard)
    const second = await call.speak(payload)
    documents.push(...second.documents)
    heard.push(...second.heard)
    const third = await call.press('9')
    documents.push(...third.documents)
    heard.push(...third.heard)
    expect(call.problems).toEqual([])
    server.close()
    return { documents, heard, numbers: third.numbers }
  }

  it('every answer has the structure a harmless caller gets, and the text arrives as text', async () => {
    const harmless = await callWith('Ada')
    for (const payload of PAYLOADS) {
      const hostile = await callWith(payload)
      expect(hostile.documents.map(checkTwiml).flat(), payload).toEqual([])
      expect(hostile.documents.map(verbs), payload).toEqual(harmless.documents.map(verbs))
      // The hostile text is spoken as text, minus what XML cannot carry at all (a lone
      // surrogate in a form body already arrives as U+FFFD).
      const printable = (text: string) => text.replace(/[\u0000-\u0008\uFFFD\uFFFE\uD800-\uDFFF]/gu, '')
      const said = printable(hostile.heard.join(' '))
      expect(said, payload).toContain(`You said ${printable(payload)}`)
      expect(said, payload).toContain(`Your account manager is ${printable(payload)}`)
      // The dialled number is one <Number>, whatever the CRM said.
      expect(hostile.numbers, payload).toHaveLength(1)
    }
  })
})

// ---------------------------------------------------------------------------------------------

describe('paths cannot reach outside flows/', () => {
  let server: TestServer
  let dir: string
  beforeAll(async () => {
    dir = tempDir()
    const flows = join(dir, 'flows')
    mkdirSync(join(flows, 'audio', 'sub'), { recursive: true })
    writeFileSync(join(flows, 'verify.yaml'), 'flow: verify\nstart: bye\nnodes:\n  bye:\n    type: hangup\n    prompt: Bye.\n')
    writeFileSync(join(flows, 'audio', 'chime.mp3'), 'CHIME')
    writeFileSync(join(flows, 'audio', 'sub', 'deep.mp3'), 'DEEP')
    writeFileSync(join(flows, 'secret.mp3'), 'SECRET-IN-FLOWS')
    writeFileSync(join(dir, 'secret.mp3'), 'SECRET-OUTSIDE')
    writeFileSync(join(dir, 'outside.yaml'), 'flow: outside\nstart: a\nnodes:\n  a:\n    type: hangup\n')
    symlinkSync(join(dir, 'secret.mp3'), join(flows, 'audio', 'link.mp3'))
    symlinkSync(dir, join(flows, 'audio', 'up'))
    server = await testServer({ store: createMemoryStore(), flowsDir: flows })
  })
  afterAll(() => server.close())

  it('serves audio from flows/audio only, whatever the encoding', async () => {
    expect(await (await server.app.request('/audio/chime.mp3')).text()).toBe('CHIME')
    expect(await (await server.app.request('/audio/sub/deep.mp3')).text()).toBe('DEEP')
    expect(await (await server.app.request('/audio/sub/%2e%2e/chime.mp3')).text()).toBe('CHIME')
    const attempts = [
      '../secret.mp3', '../../secret.mp3', '%2e%2e/secret.mp3', '%2e%2e%2fsecret.mp3', '%2E%2E%2Fsecret.mp3', '..%2fsecret.mp3',
      '..%2f..%2fsecret.mp3', '%252e%252e%252fsecret.mp3', '..%5csecret.mp3', '..\\secret.mp3', '....//secret.mp3', '.%2e/secret.mp3',
      '%c0%ae%c0%ae/secret.mp3', '%2fetc%2fpasswd.mp3', '%2F..%2Fsecret.mp3', '/..%2fsecret.mp3', 'sub/../../secret.mp3',
      'sub/%2e%2e/%2e%2e/secret.mp3', 'chime.mp3%00.mp3', 'link.mp3', 'up/secret.mp3', 'up/flows/secret.mp3', '%75p/secret.mp3',
      `${'../'.repeat(20)}etc/passwd.mp3`, '..;/secret.mp3', '.../secret.mp3', '../outside.yaml', '../verify.yaml', '%E0%A4%A.mp3', '%.mp3',
    ]
    for (const attempt of attempts) {
      const response = await server.app.request(`/audio/${attempt}`)
      const body = await response.text()
      expect(response.status, attempt).toBe(404)
      expect(body, attempt).not.toMatch(/SECRET|flow:/)
    }
  })

  it('saves flows by id only: PUT /api/flows/:id cannot write outside flows/', async () => {
    const ids = ['..%2fescape', '%2e%2e%2fescape', '%2e%2e', '..', 'escape%2f..%2f..%2fescape', '..%5cescape', 'escape%00', 'Escape', '.escape', 'escape.yaml']
    for (const id of ids) {
      const response = await server.app.request(`/api/flows/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'flow: escape\n', layout: { pwned: true }, etag: null }) })
      expect(response.status, id).toBeGreaterThanOrEqual(400)
      expect(response.status, id).toBeLessThan(500)
    }
    expect(readdirSync(dir).sort()).toEqual(['flows', 'outside.yaml', 'secret.mp3'])
    expect(readdirSync(join(dir, 'flows')).sort()).toEqual(['audio', 'secret.mp3', 'verify.yaml'])
  })

  it('looks flows up by id only: the API and the voice routes never read a path', async () => {
    expect((await server.app.request('/api/flows/verify')).status).toBe(200)
    const ids = ['..', '../outside', '..%2foutside', '%2e%2e%2foutside', '%252e%252e%252foutside', 'verify%00', 'verify.yaml', 'VERIFY',
      '..%5coutside', 'verify%2f..%2f..%2foutside', '%2e', '.verify', 'audio', 'flow.schema']
    for (const id of ids) {
      const response = await server.app.request(`/api/flows/${id}`)
      expect(response.status, id).toBe(404)
      // The refusal may name the id it was given (as JSON), never a file's content.
      expect(await response.text(), id).not.toMatch(/flow: outside|SECRET/)
      const voice = await server.app.request(`${TEST_PUBLIC_URL}/voice/${id}`, twilioPost(`${TEST_PUBLIC_URL}/voice/${id}`, { CallSid: 'CApath' }))
      expect(voice.status, id).toBeLessThan(500)
      const answer = await voice.text()
      if (voice.status === 200) expect(answer, id).toContain('<Hangup/>')
      expect(answer, id).not.toMatch(/flow: outside|SECRET/)
    }
  })
})

// ---------------------------------------------------------------------------------------------

describe('the API requires a token unless the server listens on loopback only', () => {
  const routes: Array<[string, RequestInit]> = [
    ['/api/flows', {}],
    ['/api/flows/verify', {}],
    // A stale etag: when the API lets the request in, the save is refused with 409, nothing written.
    ['/api/flows/verify', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"source":"flow: verify\\n","layout":null,"etag":"stale"}' }],
    ['/api/calls', {}],
    ['/api/calls/CA1', {}],
    ['/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"flow":"verify","to":"+15551230000"}' }],
  ]
  let flowsDir: string
  beforeAll(() => {
    flowsDir = tempDir()
    writeFileSync(join(flowsDir, 'verify.yaml'), 'flow: verify\nstart: bye\nnodes:\n  bye:\n    type: hangup\n')
  })
  const status = async (env: Record<string, string>, headers: Record<string, string> = {}): Promise<number[]> => {
    const placed: unknown[] = []
    const server = await testServer({ store: createMemoryStore(), flowsDir, env, dialer: { place: async (r) => (placed.push(r), { sid: 'CAplaced' }) } })
    const statuses: number[] = []
    for (const [path, init] of routes) statuses.push((await server.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } })).status)
    server.close()
    if (statuses.every((s) => s >= 400)) expect(placed).toEqual([])
    return statuses
  }

  it.each(['127.0.0.1', '::1', 'localhost'])('HOST=%s without a token: served', async (host) => {
    expect(await status({ HOST: host })).toEqual([200, 200, 409, 200, 404, 201])
  })

  it.each(['0.0.0.0', '::', '192.168.1.20', '127.0.0.1.nip.io', ''])('HOST=%j without a token: refused on every route', async (host) => {
    const statuses = await status(host === '' ? { HOST: ' ' } : { HOST: host })
    // An empty HOST falls back to loopback; everything else is refused.
    if (host === '') expect(statuses).toEqual([200, 200, 409, 200, 404, 201])
    else expect(statuses).toEqual([403, 403, 403, 403, 403, 403])
  })

  it.each(['0.0.0.0', '127.0.0.1'])('HOST=%s with a token: only the exact bearer token opens it', async (host) => {
    const env = { HOST: host, PHONETREE_API_TOKEN: 's3cret-token' }
    const refused = [401, 401, 401, 401, 401, 401]
    expect(await status(env)).toEqual(refused)
    for (const authorization of ['Bearer wrong', 's3cret-token', 'bearer s3cret-token', 'Bearer  s3cret-token', 'Bearer s3cret-tokenX', 'Basic czNjcmV0LXRva2Vu']) {
      expect(await status(env, { authorization }), authorization).toEqual(refused)
    }
    expect(await status(env, { authorization: 'Bearer s3cret-token' })).toEqual([200, 200, 409, 200, 404, 201])
  })
})

// ---------------------------------------------------------------------------------------------

describe('http nodes reach only allowed hosts', () => {
  let forbidden: Server
  let forbiddenPort: number
  const reached: string[] = []
  beforeAll(async () => {
    // A "private" service on another loopback address: nothing may reach it.
    forbidden = createServer((req: IncomingMessage, res) => {
      reached.push(req.url ?? '')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"internal"}')
    })
    await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve))
    forbiddenPort = (forbidden.address() as AddressInfo).port
  })
  afterAll(async () => {
    forbidden.closeAllConnections()
    await new Promise((resolve) => forbidden.close(resolve))
  })

  it('refuses any spelling of a host off the list, and any scheme but http(s), without a request', async () => {
    const urls = [
      `http://127.0.0.2:${forbiddenPort}/x`, `http://127.0.0.1@127.0.0.2:${forbiddenPort}/x`, `http://0x7f.0.0.2:${forbiddenPort}/x`,
      `http://2130706434:${forbiddenPort}/x`, `http://[::ffff:127.0.0.2]:${forbiddenPort}/x`, `http://127.0.0.2.:${forbiddenPort}/x`,
      `http://LOCALHOST:${forbiddenPort}/x`, 'file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:application/json,{"a":1}', 'javascript:alert(1)',
      'gopher://127.0.0.1:6379/_PING', '//127.0.0.2/x', 'not a url',
    ]
    for (const url of urls) {
      const event = await performHttp({ type: 'http', node: 'n', key: '1:n', method: 'GET', url, headers: {}, timeoutMs: 1000 }, { allow: ['127.0.0.1'] })
      expect(event.type, url).toBe('HTTP_ERROR')
    }
    expect(reached).toEqual([])
  })

  it('through a real call: PHONETREE_HTTP_ALLOW sends the call to onError and the request never leaves', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'probe.yaml'), `flow: probe\nstart: lookup\nnodes:\n  lookup:\n    type: http\n    url: "http://127.0.0.2:${forbiddenPort}/secret"\n    saveAs: r\n    next: leaked\n    onError: refused\n  leaked:\n    type: hangup\n    prompt: "{{ vars.r.secret }}"\n  refused:\n    type: hangup\n    prompt: Refused.\n`)
    const server = await testServer({ store: createMemoryStore(), flowsDir: dir, fetch, env: { PHONETREE_HTTP_ALLOW: '127.0.0.1' } })
    const turn = await server.call('probe').start()
    expect(turn.heard).toEqual(['Refused.'])
    expect(reached).toEqual([])
    server.close()
  })
})

// ---------------------------------------------------------------------------------------------

describe('webhook bodies are bounded on a real socket', () => {
  it('a chunked 4 MB body with no Content-Length gets 413 long before it is all sent', async () => {
    const server = await startServer(readConfig({ PORT: '0', PHONETREE_STORE: 'memory', FLOWS_DIR: FLOWS }), memoryLogger())
    try {
      const result = await new Promise<{ status: number; sentBeforeAnswer: number }>((resolve, reject) => {
        let sent = 0
        let answered = false
        const req = request(`${server.url}/voice/support`, { method: 'POST', headers: { ...FORM, 'transfer-encoding': 'chunked' } }, (res) => {
          answered = true
          res.resume()
          resolve({ status: res.statusCode ?? 0, sentBeforeAnswer: sent })
        })
        req.on('error', (error) => (answered ? undefined : reject(error)))
        const chunk = Buffer.alloc(16 * 1024, 'a')
        const pump = (): void => {
          while (!answered && sent < 4 * 1024 * 1024) {
            sent += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
          req.end()
        }
        req.write('CallSid=CAbig&Junk=')
        pump()
      })
      expect(result.status).toBe(413)
      // The server stopped reading at 64 KB; what was sent meanwhile sits in socket buffers.
      expect(result.sentBeforeAnswer).toBeLessThan(4 * 1024 * 1024)
    } finally {
      await server.close()
    }
  })
})
