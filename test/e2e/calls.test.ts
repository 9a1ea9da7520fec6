/**
 * End to end: the real server (`phonetree serve`, as `npm start` runs it) on a loopback port
 * with a SQLite file, called by the real `phonetree call` command in its own process, for every
 * example flow. The flows' back ends (CRM, clinic, band API) are a local HTTP server: a temp
 * copy of the flows points their http nodes at it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchTransport, SimulatedCall } from '../../packages/server/src/twilio/simulator.ts'
import type { Transport } from '../../packages/server/src/twilio/simulator.ts'
import { driveCli, freePort, killAll, ROOT, runCli, startBackEnd, startServerProcess } from '../support/server-process.ts'
import type { BackEnd, CliResult, Screen, ServerProcess } from '../support/server-process.ts'

const TOKEN = 'e2e-token-0123456789abcdef012345'
const RECORDING = 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE0123'
const SID = /CA[0-9a-f]{32}/

let dir: string
let backEnd: BackEnd
let server: ServerProcess
/** The CLI's environment: the token comes from TWILIO_AUTH_TOKEN, as in a developer's shell. */
const cliEnv = { TWILIO_AUTH_TOKEN: TOKEN }

/** A copy of the example flows whose http nodes call the local back end, plus always-open support. */
function writeFlows(target: string, backEndUrl: string): void {
  const source = join(ROOT, 'flows')
  for (const file of readdirSync(source)) {
    if (!file.endsWith('.yaml') && !file.endsWith('.json')) continue
    if (file.endsWith('.test.yaml')) continue
    const text = readFileSync(join(source, file), 'utf8')
      .replaceAll('https://crm.example.com', `${backEndUrl}/crm`)
      .replaceAll('https://clinic.example.com', `${backEndUrl}/clinic`)
      .replaceAll('https://api.nightowls.example', `${backEndUrl}/nightowls`)
    writeFileSync(join(target, file), text)
  }
  const support = readFileSync(join(target, 'support.yaml'), 'utf8')
  const hours = '      mon-fri: "08:00-18:00"\n      sat: "10:00-14:00"\n    holidays: ["2026-12-25", "2027-01-01"]\n'
  if (!support.includes(hours) || !support.includes('flow: support\n')) throw new Error('flows/support.yaml changed: update the always-open copy in this test')
  writeFileSync(join(target, 'support-open.yaml'), support.replace('flow: support\n', 'flow: support-open\n').replace(hours, '      daily: "00:00-24:00"\n'))

  // Ken's line at night whatever the time: yesterday, today and tomorrow are holidays.
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
  const holidays = `    holidays: ["${day(-1)}", "${day(0)}", "${day(1)}"]\n`
  const secretary = readFileSync(join(target, 'secretary.yaml'), 'utf8')
  const officeHolidays = '    holidays: ["2027-01-01", "2027-01-02", "2027-01-03"]\n'
  const weekend = '      sat-sun: "10:00-22:00"\n'
  if (!secretary.includes(officeHolidays) || !secretary.includes(weekend)) throw new Error('flows/secretary.yaml changed: update the night copy in this test')
  writeFileSync(join(target, 'secretary-night.yaml'), secretary.replace('flow: secretary\n', 'flow: secretary-night\n').replace(officeHolidays, holidays).replace(weekend, weekend + holidays))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phonetree-e2e-'))
  backEnd = await startBackEnd({
    'GET /crm/accounts/123456': { status: 200, body: { tier: 'gold', name: 'Ada' } },
    'POST /crm/tickets': { status: 201, body: { id: 'T-1' } },
    'POST /clinic/api/appointments/demo/answer': { status: 200, body: { ok: true } },
    'GET /nightowls/shows?limit=3': { status: 200, body: { shows: [{ city: 'Oslo', date: 'May 2' }, { city: 'Bergen', date: 'May 4' }] } },
    'POST /nightowls/fan-messages': { status: 201 },
  })
  const flows = join(dir, 'flows')
  mkdirSync(flows)
  writeFlows(flows, backEnd.url)
  const port = await freePort()
  server = await startServerProcess({
    port,
    env: { PHONETREE_STORE: join(dir, 'calls.db'), FLOWS_DIR: flows, PUBLIC_URL: `http://127.0.0.1:${port}`, TWILIO_AUTH_TOKEN: TOKEN },
  })
}, 30_000)

afterAll(async () => {
  await killAll()
  await backEnd?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

/** `phonetree call <server>/voice/<flow> …` with --press (standard input closed). */
function call(flow: string, ...args: string[]): Promise<CliResult> {
  return runCli(['call', `${server.url}/voice/${flow}`, ...args], { env: cliEnv })
}

/** The transcript without its first line (which names the random call sid). */
function transcript(result: CliResult): string[] {
  return result.lines.slice(1)
}

function explain(result: CliResult): string {
  return `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}\nserver:\n${server.output().slice(-2000)}`
}

// Each test spawns its own `phonetree call` (about a second of start-up, more on a busy machine).
describe.concurrent('phonetree call against phonetree serve', { timeout: 40_000 }, () => {
  it('support, always open: an account number leads a gold customer to the priority team', async ({ expect }) => {
    const result = await call('support-open', '--press', '2,123456#,completed')
    expect(result.code, explain(result)).toBe(0)
    expect(transcript(result)).toEqual([
      '[hear]  Thanks for calling Acme.',
      '[hear]  For sales, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.',
      '[keys]  pressed 2',
      '[hear]  Please enter your account number, then press pound.',
      '[keys]  pressed 123456#',
      '[hear]  Thank you, Ada. Connecting you to your priority team.',
      '[dial]  dialling +15551230001 and +15551230002 (waiting for: completed, busy, no-answer, failed, canceled, rings 25 s)',
      '[dial]  completed',
      '[hear]  Thank you for calling Acme. Goodbye.',
      '[call]  call ended',
    ])
    expect(result.stderr).toBe('')
    // The server looked the account up in the (local) CRM: the # was not part of the number.
    expect(backEnd.requests).toContainEqual(expect.objectContaining({ method: 'GET', path: '/crm/accounts/123456' }))

    // One JSON log line per webhook, with the call, its step, the node it rests on, and the time taken.
    const sid = SID.exec(result.lines[0] ?? '')?.[0]
    const webhooks = server.logs.filter((line) => line.message === 'webhook' && line.call === sid)
    expect(webhooks.map((line) => line.node)).toEqual(['main-menu', 'account', 'priority', 'goodbye'])
    for (const line of webhooks) expect(line).toMatchObject({ level: 'info', flow: 'support-open', step: expect.any(Number), ms: expect.any(Number) })
    const steps = webhooks.map((line) => line.step as number)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(new Set(steps).size).toBe(steps.length)
  })

  it('support, on the real clock: the main menu or the after-hours message, then voicemail and a ticket', async ({ expect }) => {
    const from = '+15550001111'
    // Open: press 1 for sales, whose line is busy; closed: straight to voicemail.
    const result = await driveCli(['call', `${server.url}/voice/support`, '--from', from], {
      env: cliEnv,
      answer: (screen: Screen) => ({ gather: '1', dial: 'busy', record: `record:${RECORDING}`, enqueue: undefined })[screen.waiting],
    })
    expect(result.code, explain(result)).toBe(0)
    const heard = transcript(result)
    expect(heard[0]).toBe('[hear]  Thanks for calling Acme.')
    const open = heard[1] === '[hear]  For sales, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.'
    const closed = heard[1] === '[hear]  Our office is closed. We are open Monday to Friday, 8 AM to 6 PM, and Saturday 10 AM to 2 PM, Central time.'
    expect(open || closed, explain(result)).toBe(true)
    if (open) {
      expect(heard).toContain('[keys]  pressed 1')
      expect(heard).toContain('[dial]  dialling +15551234567 (waiting for: completed, busy, no-answer, failed, canceled, rings 20 s)')
      expect(heard).toContain('[dial]  busy')
    }
    expect(heard.slice(-6)).toEqual([
      '[hear]  Please leave your name, number and a short message after the beep, then hang up or press any key.',
      '[rec]   recording… (beep, up to 120 s)',
      'recording (a URL, "record", "empty", or "hangup") >',
      `[rec]   left a message: ${RECORDING}`,
      '[hear]  Thank you for calling Acme. Goodbye.',
      '[call]  call ended',
    ])
    const ticket = backEnd.requests.find((r) => r.path === '/crm/tickets' && r.body.includes(from))
    expect(ticket && JSON.parse(ticket.body)).toMatchObject({ from, recording: RECORDING, seconds: 12 })
  })

  it('verify: reads the code twice, again on 1, and says goodbye on silence', async ({ expect }) => {
    const result = await call('verify', '--press', '1,silence')
    expect(result.code, explain(result)).toBe(0)
    const heard = transcript(result)
    expect(heard[0]).toBe('[hear]  Hello. Here is your Acme verification code.')
    expect(heard.filter((line) => line === '[hear]  0, 0, 0, 0, 0, 0')).toHaveLength(4)
    expect(heard.filter((line) => line === '[hear]  To hear it again, press 1.')).toHaveLength(2)
    expect(heard.slice(-4)).toEqual(['[hear]  To hear it again, press 1.', '[quiet] silence (no input)', '[hear]  Goodbye.', '[call]  call ended'])
  })

  it('fan-voicemail: asks for the tour by voice, then leaves a message that reaches the band', async ({ expect }) => {
    const result = await call('fan-voicemail', '--param', 'FromCity=OSLO', '--press', `say:tour,1,record:${RECORDING}`)
    expect(result.code, explain(result)).toBe(0)
    expect(transcript(result).slice(1)).toEqual([
      '[said]  "tour"',
      '[hear]  Our next shows: Oslo on May 2. Bergen on May 4. ',
      '[hear]  To leave a message for the band, press 1. Otherwise, goodbye!',
      '[keys]  pressed 1',
      "[hear]  Go ahead after the beep. You've got three minutes. Press pound when you're done.",
      '[rec]   recording… (beep, up to 180 s)',
      `[rec]   left a message: ${RECORDING}`,
      '[hear]  Thanks! The band reads every message. Rock on!',
      '[call]  call ended',
    ])
    const posted = backEnd.requests.find((r) => r.path === '/nightowls/fan-messages' && r.body.includes('OSLO'))
    expect(posted && JSON.parse(posted.body)).toMatchObject({ city: 'OSLO', recording: RECORDING })
  })

  it('appointment-reminder: a person confirms with 1; an answering machine hears the reminder twice', async ({ expect }) => {
    const [person, machine] = await Promise.all([
      call('appointment-reminder', '--direction', 'outbound-api', '--answered-by', 'human', '--to', '+15550002222', '--press', '1'),
      call('appointment-reminder', '--direction', 'outbound-api', '--answered-by', 'machine_end_beep', '--to', '+15550003333'),
    ])
    expect(person.code, explain(person)).toBe(0)
    expect(transcript(person).slice(1)).toEqual([
      '[keys]  pressed 1',
      '[hear]  Thank you. We look forward to seeing you your next visit. Goodbye.',
      '[call]  call ended',
    ])
    expect(transcript(person)[0]).toMatch(/^\[hear\]  Hello there, this is Riverside Dental reminding you of your appointment your next visit\. To confirm, press 1\./)
    expect(machine.code, explain(machine)).toBe(0)
    const reminder = '[hear]  Hello, this is Riverside Dental with a reminder for there: your appointment is your next visit. To change it, please call us back.'
    expect(transcript(machine)).toEqual([reminder, '[hear]  [pause 1]', reminder, '[hear]  [pause 1]', '[call]  call ended'])
    const answers = backEnd.requests.filter((r) => r.path === '/clinic/api/appointments/demo/answer').map((r) => JSON.parse(r.body) as Record<string, unknown>)
    expect(answers).toContainEqual({ answer: 'confirmed', phone: '+15550002222' })
    expect(answers).toContainEqual({ answer: 'voicemail' })
  })

  it('secretary, on the real clock: whichever phone rings (or Ken is woken), an unanswered call ends in a message', async ({ expect }) => {
    const result = await driveCli(['call', `${server.url}/voice/secretary`, '--from', '+819011112222'], {
      env: cliEnv,
      answer: (screen: Screen) => ({ gather: '1', dial: 'no-answer', record: 'record', enqueue: undefined })[screen.waiting],
    })
    expect(result.code, explain(result)).toBe(0)
    const heard = transcript(result)
    const first = heard[0] ?? ''
    // Office hours ring the office, evenings and weekends the mobile; at night a menu offers to wake Ken.
    expect(first, explain(result)).toMatch(/^\[dial\]  dialling \+81355550100 |^\[dial\]  dialling \+819055550123 |^\[hear\]  It is \d{1,2}:\d{2}.* in Tokyo, and Ken is asleep\./)
    if (first.includes('Ken is asleep')) expect(heard).toContain('[hear]  Ringing Ken now. Please hold.')
    if (first.includes('+81355550100')) expect(heard).toContain('[dial]  dialling +819055550123 (waiting for: completed, busy, no-answer, failed, canceled, rings 25 s)')
    expect(heard.filter((line) => line === '[dial]  no-answer').length).toBeGreaterThanOrEqual(1)
    expect(heard).toContain('[hear]  Please leave a message after the tone. Hang up when you are done.')
    expect(heard.slice(-3)).toEqual([expect.stringMatching(/^\[rec\]   left a message: https:\/\/api\.twilio\.com\/.*\/Recordings\/RE[0-9a-f]{32}$/), '[hear]  Thank you. Goodbye.', '[call]  call ended'])
  })

  it('secretary at night: the caller hears the time in Tokyo, wakes Ken, and he answers', async ({ expect }) => {
    const result = await call('secretary-night', '--press', '1,completed')
    expect(result.code, explain(result)).toBe(0)
    const heard = transcript(result)
    expect(heard[0]).toMatch(/^\[hear\]  It is \d{1,2}:\d{2}.* in Tokyo, and Ken is asleep\. If it is urgent, press 1 to wake him\./)
    expect(heard.slice(1)).toEqual([
      '[keys]  pressed 1',
      '[hear]  Ringing Ken now. Please hold.',
      '[dial]  dialling +819055550123 (waiting for: completed, busy, no-answer, failed, canceled, rings 40 s)',
      '[dial]  completed',
      '[hear]  Thank you. Goodbye.',
      '[call]  call ended',
    ])
  })

  it('refuses an unsigned call with 403 and says how to sign it', async ({ expect }) => {
    const result = await runCli(['call', `${server.url}/voice/verify`, '--token', '', '--press', 'silence'], { env: {} })
    expect(result.code, explain(result)).toBe(1)
    expect(result.stderr).toContain(`${server.url}/voice/verify answered 403: invalid Twilio signature`)
    expect(result.stderr).toContain('the server refused an unsigned webhook (403): pass --token')
    expect(server.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'webhook refused: bad or missing X-Twilio-Signature', path: '/voice/verify' }))
  })

  it('exits 1 with a hint when nothing listens', async ({ expect }) => {
    const port = await freePort()
    const result = await runCli(['call', 'support', '--server', `http://127.0.0.1:${port}`, '--press', '1'], { env: cliEnv })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`cannot reach the Phonetree server at http://127.0.0.1:${port}`)
    expect(result.stderr).toContain('Is it running? Start it with "npm start"')
  })
})

describe('a server killed mid-call', { timeout: 40_000 }, () => {
  it('finishes the call after a restart on the same SQLite file', async () => {
    const port = await freePort()
    const killed = await startServerProcess({
      port,
      env: { PHONETREE_STORE: join(dir, 'killed.db'), FLOWS_DIR: join(dir, 'flows'), PUBLIC_URL: `http://127.0.0.1:${port}`, TWILIO_AUTH_TOKEN: TOKEN },
    })
    const webhooks: string[] = []
    const counting: Transport = (url, init) => {
      if (!url.endsWith('/status')) webhooks.push(url)
      return fetchTransport(url, init)
    }
    const call = new SimulatedCall({ transport: counting, url: `${killed.url}/voice/support-open`, authToken: TOKEN, statusCallbackUrl: `${killed.url}/voice/support-open/status` })
    expect((await call.start()).waiting).toBe('gather')
    const account = await call.press('2')
    expect(account.heard).toEqual(['Please enter your account number, then press pound.'])

    await killed.kill('SIGKILL')
    await expect(fetch(`${killed.url}/healthz`)).rejects.toThrow()
    await killed.restart()

    const priority = await call.press('123456')
    expect(priority.heard).toEqual(['Thank you, Ada. Connecting you to your priority team.'])
    expect(priority.numbers).toEqual(['+15551230001', '+15551230002'])
    const end = await call.dialResult('completed')
    expect(end).toMatchObject({ waiting: 'ended', heard: ['Thank you for calling Acme. Goodbye.'] })
    expect(call.problems).toEqual([])

    // Both runs logged one line per webhook: the restarted one carried on from the stored step.
    const lines = killed.logs.filter((line) => line.message === 'webhook' && line.call === call.sid)
    expect(lines).toHaveLength(webhooks.length)
    expect(lines.map((line) => line.node)).toEqual(['main-menu', 'account', 'priority', 'goodbye'])
    const steps = lines.map((line) => line.step as number)
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThan(steps[i - 1]!)
    for (const line of lines) expect(line).toMatchObject({ call: call.sid, step: expect.any(Number), node: expect.any(String), ms: expect.any(Number) })
    await killed.kill('SIGTERM')
  })
})
