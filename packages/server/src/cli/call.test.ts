import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callCommand, parseAnswer, splitScript } from './call.ts'
import { createMemoryStore } from '../store/memory.ts'
import { backEnd, TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from '../testing.ts'
import type { TestServer } from '../testing.ts'

const CRM = {
  'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold', name: 'Ada' } },
  'GET https://crm.example.com/accounts/999999': { status: 200, body: { tier: 'basic' } },
  'POST https://crm.example.com/tickets': { status: 201, body: { id: 'T-1' } },
  'GET https://api.nightowls.example/shows?limit=3': { status: 200, body: { shows: [{ city: 'Oslo', date: 'May 2' }] } },
  'POST https://api.nightowls.example/fan-messages': { status: 201 },
}

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } }
}

/** Call sids are random: replace them so transcripts can be compared whole. */
const anonymous = (lines: string[]) => lines.map((line) => line.replace(/CA[0-9a-f]{32}/g, 'CA…'))
const sidOf = (lines: string[]) => /CA[0-9a-f]{32}/.exec(lines.join('\n'))?.[0]

let server: TestServer
let crm: ReturnType<typeof backEnd>
let http: ServerType
let url: string
/** A signed caller that knows the test server's public URL; no environment leaks in. */
const signed = ['--token', TEST_AUTH_TOKEN, '--public-url', TEST_PUBLIC_URL, '--plain']
const noEnv = {}

beforeAll(async () => {
  crm = backEnd(CRM)
  server = await testServer({ store: createMemoryStore(), fetch: crm })
  const port: number = await new Promise((resolve) => {
    http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
  })
  url = `http://127.0.0.1:${port}`
})
afterAll(async () => {
  server.close()
  await new Promise((resolve) => http.close(resolve))
})

describe('phonetree call, scripted', () => {
  it('walks support: a wrong key, silence, an account number, the priority team busy, then the queue', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed, '--press', '9,silence,2,123456#,busy,queue:bridged'], run.io, undefined, noEnv)
    expect(run.err).toEqual([])
    expect(code).toBe(0)
    expect(anonymous(run.out)).toEqual([
      `[call]  calling ${url}/voice/support as +15551230000 (call CA…, signed for https://ivr.example.com/voice/support)`,
      '[hear]  Thanks for calling Acme.',
      '[hear]  For sales, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.',
      '[keys]  pressed 9',
      '[hear]  Sorry, that is not an option.',
      '[hear]  Press 1 for sales, 2 for support, or 0 for an operator.',
      '[quiet] silence (no input)',
      "[hear]  I didn't hear anything.",
      '[hear]  Press 1 for sales, 2 for support, or 0 for an operator.',
      '[keys]  pressed 2',
      '[hear]  Please enter your account number, then press pound.',
      '[keys]  pressed 123456#',
      '[hear]  Thank you, Ada. Connecting you to your priority team.',
      '[dial]  dialling +15551230001 and +15551230002 (waiting for: completed, busy, no-answer, failed, canceled, rings 25 s)',
      '[dial]  busy',
      '[hear]  All of our agents are helping other callers. Please stay on the line.',
      '[queue] waiting in queue "support"',
      '[queue] left the queue: bridged',
      '[hear]  Thank you for calling Acme. Goodbye.',
      '[call]  call ended',
    ])
    // The server saw the digits without the pound key, and the call is over on its side too.
    expect(crm.requests.map((r) => `${r.method} ${r.url}`)).toContain('GET https://crm.example.com/accounts/123456')
    const record = await server.store.getCall(sidOf(run.out)!)
    expect(record).toMatchObject({ status: 'ended', outcome: 'completed', from: '+15551230000' })
  })

  it('sends a busy sales line to voicemail and posts the recording as a ticket', async () => {
    const run = capture()
    const recording = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1'
    const code = await callCommand([`${url}/voice/support`, ...signed, '--from', '+15550009999', '--press', `1,busy,record:${recording}`], run.io, undefined, noEnv)
    expect(code).toBe(0)
    expect(run.out.slice(3)).toEqual([
      '[keys]  pressed 1',
      '[hear]  Connecting you to sales.',
      '[dial]  dialling +15551234567 (waiting for: completed, busy, no-answer, failed, canceled, rings 20 s)',
      '[dial]  busy',
      '[hear]  Please leave your name, number and a short message after the beep, then hang up or press any key.',
      '[rec]   recording… (beep, up to 120 s)',
      `[rec]   left a message: ${recording}`,
      '[hear]  Thank you for calling Acme. Goodbye.',
      '[call]  call ended',
    ])
    const ticket = crm.requests.find((r) => r.url === 'https://crm.example.com/tickets' && r.body?.includes('+15550009999'))
    expect(JSON.parse(ticket!.body!)).toMatchObject({ from: '+15550009999', recording })
  })

  it('hangs up with a warning and exit 0 when the script runs out while the call waits', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed, '--press', '2'], run.io, undefined, noEnv)
    expect(code).toBe(0)
    expect(run.err).toEqual(['[warn]  the script ran out while the call waits for keys (a gather); hanging up'])
    expect(run.out.at(-1)).toBe('[call]  hung up; call ended')
    // The hang-up reached the server as Twilio's final status callback.
    expect(await server.store.getCall(sidOf(run.out)!)).toMatchObject({ status: 'ended', outcome: 'completed' })
  })

  it('hangs up where the script says hangup, whatever the call waits for', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed, '--press', '1,hangup'], run.io, undefined, noEnv)
    expect(code).toBe(0)
    expect(run.err).toEqual([])
    expect(run.out.slice(-2)).toEqual(['[dial]  dialling +15551234567 (waiting for: completed, busy, no-answer, failed, canceled, rings 20 s)', '[call]  hung up; call ended'])
    expect(await server.store.getCall(sidOf(run.out)!)).toMatchObject({ status: 'ended', outcome: 'completed' })
  })

  it('answers every remaining gather with silence under --silence, until the menu gives up', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed, '--silence', '--press', '2'], run.io, undefined, noEnv)
    expect(code).toBe(0)
    expect(run.out.filter((l) => l.startsWith('[quiet]'))).toHaveLength(3)
    // The account node's failure edge is the support queue, where --silence stops answering.
    expect(run.out.slice(-2)).toEqual(['[queue] waiting in queue "support"', '[call]  hung up; call ended'])
    expect(run.err).toEqual(['[warn]  --silence answers only gathers, and the call waits for a queue result; hanging up'])
  })

  it('sends only the keys a gather takes, and speech only to a gather that listens', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/fan-voicemail`, ...signed, '--press', '23,say:"tour, please",1,#'], run.io, undefined, noEnv)
    expect(code).toBe(0)
    expect(run.out.slice(2)).toEqual([
      '[keys]  pressed 23 (the gather takes 1 key: sent 2)',
      '[hear]  Our next shows: Oslo on May 2. ',
      '[hear]  To leave a message for the band, press 1. Otherwise, goodbye!',
      '[said]  "tour, please" (this gather does not listen for speech: it times out)',
      '[hear]  Goodbye!',
      '[call]  call ended',
    ])
    expect(run.err).toEqual(['[warn]  the call ended with 2 --press items unused'])
  })

  it('passes --answered-by and --param on the incoming-call webhook', async () => {
    const machine = capture()
    expect(await callCommand([`${url}/voice/appointment-reminder`, ...signed, '--answered-by', 'machine_end_beep', '--direction', 'outbound-api'], machine.io, undefined, noEnv)).toBe(0)
    const reminder = machine.out.filter((l) => l.startsWith('[hear]  Hello, this is Riverside Dental'))
    expect(reminder).toHaveLength(2)
    expect(machine.out.at(-1)).toBe('[call]  call ended')

    const fan = capture()
    expect(await callCommand([`${url}/voice/fan-voicemail`, ...signed, '--param', 'FromCity=OSLO', '--press', 'say:message,record'], fan.io, undefined, noEnv)).toBe(0)
    expect(fan.out.slice(-2)).toEqual(['[hear]  Thanks! The band reads every message. Rock on!', '[call]  call ended'])
    const posted = crm.requests.filter((r) => r.url === 'https://api.nightowls.example/fan-messages').at(-1)
    expect(JSON.parse(posted!.body!)).toMatchObject({ city: 'OSLO', recording: expect.stringMatching(/^https:\/\/api\.twilio\.com\/.*\/Recordings\/RE[0-9a-f]{32}$/) })
  })

  it('calls a bare flow id on --server', async () => {
    const run = capture()
    expect(await callCommand(['verify', '--server', url, ...signed, '--press', 'silence'], run.io, undefined, noEnv)).toBe(0)
    expect(run.out[0]).toContain(`calling ${url}/voice/verify as`)
    expect(run.out.slice(-2)).toEqual(['[hear]  Goodbye.', '[call]  call ended'])
  })

  it('exits 2 and hangs up when a --press item does not fit what the call waits for', async () => {
    const run = capture()
    expect(await callCommand([`${url}/voice/support`, ...signed, '--press', 'busy'], run.io, undefined, noEnv)).toBe(2)
    expect(run.err).toEqual(['[fail]  --press item 1 (busy) answers a dial outcome, but the call waits for keys (a gather); hanging up'])
    expect(await server.store.getCall(sidOf(run.out)!)).toMatchObject({ status: 'ended' })
  })
})

describe('phonetree call, refused and broken answers', () => {
  it('reports an unsigned call refused with 403, and a signature for the wrong URL', async () => {
    const unsigned = capture()
    expect(await callCommand([`${url}/voice/support`, '--plain', '--press', '1'], unsigned.io, undefined, noEnv)).toBe(1)
    expect(unsigned.err).toContain(`[fail]  ${url}/voice/support answered 403: invalid Twilio signature`)
    expect(unsigned.err.at(-1)).toBe('[fail]  the server refused an unsigned webhook (403): pass --token with its TWILIO_AUTH_TOKEN (or set TWILIO_AUTH_TOKEN)')
    expect(await server.store.getCall(sidOf(unsigned.out)!)).toBeUndefined()

    // Signed for the address reached, but the server signs for its PUBLIC_URL.
    const wrongUrl = capture()
    expect(await callCommand([`${url}/voice/support`, '--plain', '--token', TEST_AUTH_TOKEN], wrongUrl.io, undefined, noEnv)).toBe(1)
    expect(wrongUrl.err.at(-1)).toContain('pass --public-url with the server\'s PUBLIC_URL')
  })

  it('takes the token and public URL from TWILIO_AUTH_TOKEN and PUBLIC_URL', async () => {
    const run = capture()
    const env = { TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, PUBLIC_URL: TEST_PUBLIC_URL }
    expect(await callCommand([`${url}/voice/verify`, '--plain', '--press', 'silence'], run.io, undefined, env)).toBe(0)
    expect(run.out.at(-1)).toBe('[call]  call ended')
  })

  it('hints at --public-url when the TwiML names a public URL that cannot be reached from here', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`
    const behindTunnel = await testServer({ store: createMemoryStore(), env: { TWILIO_AUTH_TOKEN: '', PUBLIC_URL: nowhere } })
    const local = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve({ fetch: behindTunnel.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    try {
      const localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`
      const run = capture()
      expect(await callCommand([`${localUrl}/voice/verify`, '--plain', '--press', '1'], run.io, undefined, noEnv)).toBe(1)
      expect(run.err).toEqual([expect.stringContaining(`cannot reach ${nowhere}/voice/verify/1 (connect ECONNREFUSED`)])
      expect(run.err[0]).toContain(`if that is the server's PUBLIC_URL, pass --public-url ${nowhere} so requests go to ${localUrl}`)

      // With --public-url, the same call works: TwiML URLs are sent to the address reached.
      const fixed = capture()
      expect(await callCommand([`${localUrl}/voice/verify`, '--plain', '--public-url', nowhere, '--press', '1,silence'], fixed.io, undefined, noEnv)).toBe(0)
      expect(fixed.out.slice(-2)).toEqual(['[hear]  Goodbye.', '[call]  call ended'])
    } finally {
      behindTunnel.close()
      await new Promise((resolve) => local.close(resolve))
    }
  })

  it('exits 1 with a hint when no server listens', async () => {
    const port = await closedPort()
    const run = capture()
    expect(await callCommand([`http://127.0.0.1:${port}/voice/support`, '--plain', '--press', '1'], run.io, undefined, noEnv)).toBe(1)
    expect(run.err).toEqual([`[fail]  cannot reach the Phonetree server at http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}). Is it running? Start it with "npm start" (or "phonetree serve").`])
  })

  it('exits 1 and prints the problems when an answer is not valid TwiML', async () => {
    const answers = [
      { status: 200, type: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/next"><Say>Press 1.</Say></Gather><Redirect>/drop</Redirect></Response>' },
      { status: 200, type: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response><Sya>oops</Sya></Response>' },
      { status: 500, type: 'text/html', body: '<h1>Internal Server Error</h1>' },
    ]
    const broken = createServer((req, res) => {
      if (req.url === '/drop') return void req.socket.destroy()
      const answer = req.url === '/next' ? answers[1]! : req.url === '/crash' ? answers[2]! : answers[0]!
      req.resume()
      req.on('end', () => res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body))
    })
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve))
    try {
      const port = (broken.address() as AddressInfo).port
      const run = capture()
      expect(await callCommand([`http://127.0.0.1:${port}/ivr`, '--plain', '--press', '1,2'], run.io, undefined, noEnv)).toBe(1)
      expect(run.out.slice(1)).toEqual(['[hear]  Press 1.', '[keys]  pressed 1', '[call]  call ended: Twilio would say "an application error has occurred" and hang up'])
      expect(run.err).toEqual([`[fail]  http://127.0.0.1:${port}/next: Response: element <Sya> is not allowed inside <Response> (allowed: Say, Play, Pause, Gather, Dial, Record, Enqueue, Hangup, Redirect, Reject, Leave)`])

      // A crash page: not 200, not XML.
      const crashed = capture()
      expect(await callCommand([`http://127.0.0.1:${port}/crash`, '--plain', '--press', '1'], crashed.io, undefined, noEnv)).toBe(1)
      expect(crashed.err.slice(0, 2)).toEqual([
        `[fail]  http://127.0.0.1:${port}/crash answered 500: <h1>Internal Server Error</h1>`,
        `[fail]  http://127.0.0.1:${port}/crash answered content-type text/html`,
      ])

      // The server goes away between two webhooks (silence follows the Redirect to /drop).
      const lost = capture()
      expect(await callCommand([`http://127.0.0.1:${port}/ivr`, '--plain', '--press', 'silence'], lost.io, undefined, noEnv)).toBe(1)
      expect(lost.err).toEqual([expect.stringMatching(new RegExp(`^\\[fail\\]  lost the Phonetree server at http://127\\.0\\.0\\.1:${port} in the middle of the call \\(.+\\)\\. Did it stop\\?$`))])
    } finally {
      await new Promise((resolve) => broken.close(resolve))
    }
  })
})

describe('phonetree call, interactive', () => {
  it('prompts after each turn, re-asks after a wrong answer, and hangs up at the end of input', async () => {
    const run = capture()
    async function* typed() {
      yield '\n'            // an empty line at a gather is silence
      yield 'banana\n2\n'   // not an answer; then keys
      yield 'completed\n'   // a dial outcome while the call waits for keys
      yield '12345'         // the last line has no newline
      yield '6#\n'
    }
    const code = await callCommand([`${url}/voice/support`, '--token', TEST_AUTH_TOKEN, '--public-url', TEST_PUBLIC_URL, '--plain'], run.io, typed(), noEnv)
    expect(code).toBe(0)
    expect(run.out.slice(1)).toEqual([
      '[hear]  Thanks for calling Acme.',
      '[hear]  For sales, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.',
      'keys (or "silence", "hangup") >',
      '[quiet] silence (no input)',
      "[hear]  I didn't hear anything.",
      '[hear]  Press 1 for sales, 2 for support, or 0 for an operator.',
      'keys (or "silence", "hangup") >',
      'keys (or "silence", "hangup") >',
      '[keys]  pressed 2',
      '[hear]  Please enter your account number, then press pound.',
      'keys (or "silence", "hangup") >',
      'keys (or "silence", "hangup") >',
      '[keys]  pressed 123456#',
      '[hear]  Thank you, Ada. Connecting you to your priority team.',
      '[dial]  dialling +15551230001 and +15551230002 (waiting for: completed, busy, no-answer, failed, canceled, rings 25 s)',
      'dial outcome (completed, busy, no-answer, failed, canceled, or "hangup") >',
      '[call]  hung up; call ended',
    ])
    expect(run.err).toEqual([
      expect.stringMatching(/^\[warn\]  "banana" is not an answer/),
      '[warn]  "completed" answers a dial outcome, but the call waits for keys (a gather)',
    ])
    expect(await server.store.getCall(sidOf(run.out)!)).toMatchObject({ status: 'ended', outcome: 'completed' })
  })

  it('reads lines from a stream, such as standard input', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed], run.io, Readable.from(['1\nbusy\nempty\n']), noEnv)
    expect(code).toBe(0)
    expect(run.out.slice(3)).toEqual([
      'keys (or "silence", "hangup") >',
      '[keys]  pressed 1',
      '[hear]  Connecting you to sales.',
      '[dial]  dialling +15551234567 (waiting for: completed, busy, no-answer, failed, canceled, rings 20 s)',
      'dial outcome (completed, busy, no-answer, failed, canceled, or "hangup") >',
      '[dial]  busy',
      '[hear]  Please leave your name, number and a short message after the beep, then hang up or press any key.',
      '[rec]   recording… (beep, up to 120 s)',
      'recording (a URL, "record", "empty", or "hangup") >',
      // An empty recording: Twilio skips the action and runs the Redirect after <Record>.
      '[rec]   nothing recorded',
      '[hear]  Thank you for calling Acme. Goodbye.',
      '[call]  call ended',
    ])
  })
})

describe('phonetree call, interactive hang-up', () => {
  it('hangs up when the caller types hangup', async () => {
    const run = capture()
    expect(await callCommand([`${url}/voice/support`, ...signed], run.io, Readable.from(['2\nhangup\n123456#\n']), noEnv)).toBe(0)
    expect(run.out.slice(-3)).toEqual(['[hear]  Please enter your account number, then press pound.', 'keys (or "silence", "hangup") >', '[call]  hung up; call ended'])
    expect(run.err).toEqual([])
    expect(await server.store.getCall(sidOf(run.out)!)).toMatchObject({ status: 'ended', outcome: 'completed' })
  })
})

describe('phonetree call --json', () => {
  it('prints one JSON object per turn, including the hang-up', async () => {
    const run = capture()
    const code = await callCommand([`${url}/voice/support`, ...signed, '--json', '--press', '0,no-answer'], run.io, undefined, noEnv)
    expect(code).toBe(0)
    const turns = run.out.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(turns.map((t) => [t.turn, t.answer, t.waiting])).toEqual([
      [0, null, 'gather'],
      [1, { press: '0' }, 'dial'],
      [2, { dial: 'no-answer' }, 'record'],
      [3, { hangup: true }, 'ended'],
    ])
    expect(turns[1]).toMatchObject({ heard: ['Please hold for an operator.'], numbers: ['+15551230000'], attributes: { timeout: '30' }, problems: [] })
    expect(new Set(turns.map((t) => t.call)).size).toBe(1)
    expect(run.err).toEqual(['[warn]  the script ran out while the call waits for a recording; hanging up'])
  })
})

describe('phonetree call, usage', () => {
  it.each([
    [[], 'missing the URL'],
    [['ftp://example.com/voice/x'], 'must be an http(s) URL'],
    [['http://127.0.0.1:1/voice/support', '--press', '1,,2'], 'empty item'],
    [['http://127.0.0.1:1/voice/support', '--press', 'press-nine'], '"press-nine" is not an answer'],
    [['http://127.0.0.1:1/voice/support', '--press', 'queue:later'], 'queue: takes one of'],
    [['http://127.0.0.1:1/voice/support', '--answered-by', 'robot'], '--answered-by takes one of'],
    [['http://127.0.0.1:1/voice/support', '--param', 'oops'], '--param takes Name=Value'],
    [['http://127.0.0.1:1/voice/support', '--server', 'http://x'], '--server is for a bare flow id'],
    [['http://127.0.0.1:1/voice/support', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('exits 2 for %j', async (argv, message) => {
    const run = capture()
    expect(await callCommand(argv, run.io, undefined, noEnv)).toBe(2)
    expect(run.err[0]).toContain(message)
    expect(run.err[1]).toMatch(/^Usage: phonetree call URL/)
  })

  it('prints the usage for --help', async () => {
    const run = capture()
    expect(await callCommand(['--help'], run.io, undefined, noEnv)).toBe(0)
    expect(run.out.join('\n')).toContain('--press A,B,…')
  })

  it('reads the answers of the usage text', () => {
    expect(splitScript('2, say:"yes, please",busy')).toEqual(['2', 'say:"yes, please"', 'busy'])
    expect(parseAnswer('say:"yes, please"')).toEqual({ kind: 'say', speech: 'yes, please' })
    expect(parseAnswer('say: sales')).toEqual({ kind: 'say', speech: 'sales' })
    expect(parseAnswer('123456#')).toEqual({ kind: 'press', keys: '123456#' })
    expect(parseAnswer('dial:no-answer')).toEqual({ kind: 'dial', status: 'no-answer' })
    expect(parseAnswer('record:empty')).toEqual({ kind: 'record', url: undefined })
    expect(parseAnswer('queue:hangup')).toEqual({ kind: 'queue', result: 'hangup' })
    expect(parseAnswer('HANGUP')).toEqual({ kind: 'hangup' })
    expect(() => parseAnswer('say:')).toThrow('say: needs the words')
    expect(() => parseAnswer('record:nowhere')).toThrow('record: takes a recording URL')
  })
})

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
