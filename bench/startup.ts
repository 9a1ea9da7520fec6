/**
 * Benchmark 5, start-up: from `npm start` to the first answered webhook (a POST /voice/support
 * answered 200 with TwiML), on the example flows and a fresh SQLite file, as a new install
 * would. `phonetree serve` started directly (without npm) runs interleaved with it, to show
 * what npm itself adds.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmt, table } from './lib/format.ts'
import { PHONETREE_BIN, cleanEnv, freePort, launch } from './lib/processes.ts'
import type { Mode, SectionOutput, Target } from './lib/section.ts'
import { median, nowMs } from './lib/stats.ts'

const ROUNDS: Record<Mode, number> = { quick: 1, full: 5 }
const GIVE_UP_MS = 30_000
const POLL_MS = 5

type Way = 'npm start' | 'phonetree serve'

interface Start {
  way: Way
  /** Spawn to GET /healthz answering 200. */
  healthyMs: number
  /** Spawn to the first POST /voice/support answered with TwiML. */
  firstWebhookMs: number
  /** That first webhook alone (the first call compiles nothing: flows are compiled at start). */
  firstWebhookAloneMs: number
}

export async function run(mode: Mode, log: (line: string) => void): Promise<SectionOutput> {
  const starts: Start[] = []
  for (let round = 0; round < ROUNDS[mode]; round++) {
    const ways: Way[] = round % 2 === 0 ? ['npm start', 'phonetree serve'] : ['phonetree serve', 'npm start']
    for (const way of ways) {
      const start = await measure(way, round)
      starts.push(start)
      log(`${way}: healthy after ${fmt(start.healthyMs)} ms, first webhook answered after ${fmt(start.firstWebhookMs)} ms`)
    }
  }
  return report(starts)
}

async function measure(way: Way, round: number): Promise<Start> {
  const dir = await mkdtemp(join(tmpdir(), 'phonetree-bench-startup-'))
  const port = await freePort()
  const env = cleanEnv({ PHONETREE_STORE: join(dir, 'calls.db') })
  const began = nowMs()
  // A process group of its own, so stopping it stops npm's shell and the server under it.
  const child = way === 'npm start'
    ? launchGroup('npm', ['start', '--silent', '--', '--port', String(port)], env)
    : launchGroup(process.execPath, [PHONETREE_BIN, 'serve', '--port', String(port)], env)
  try {
    const base = `http://127.0.0.1:${port}`
    const healthyAt = await pollUntil(async () => (await fetch(`${base}/healthz`)).status === 200, child)
    const asked = nowMs()
    const answeredAt = await pollUntil(async () => {
      const body = new URLSearchParams({ CallSid: `CAstartup${round}${way.length}`, From: '+15551230000', To: '+15557654321', CallStatus: 'ringing' })
      const response = await fetch(`${base}/voice/support`, { method: 'POST', body })
      return response.status === 200 && (await response.text()).includes('<Response>')
    }, child)
    return { way, healthyMs: healthyAt - began, firstWebhookMs: answeredAt - began, firstWebhookAloneMs: answeredAt - asked }
  } finally {
    await stopGroup(child)
    await rm(dir, { recursive: true, force: true })
  }
}

function launchGroup(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = launch(command, args, { env, stdio: ['ignore', 'ignore', 'ignore'], detached: true })
  return child
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    return
  }
  const force = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }, 5000)
  await gone
  clearTimeout(force)
}

/** The time at which `probe` first succeeded; throws after GIVE_UP_MS or if the process died. */
async function pollUntil(probe: () => Promise<boolean>, child: ChildProcess): Promise<number> {
  const deadline = nowMs() + GIVE_UP_MS
  while (nowMs() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering`)
    if (await probe().catch(() => false)) return nowMs()
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new Error(`no answer within ${GIVE_UP_MS} ms`)
}

function report(starts: Start[]): SectionOutput {
  const ways: Way[] = ['npm start', 'phonetree serve']
  const rows = ways.map((way) => {
    const list = starts.filter((s) => s.way === way)
    return [`\`${way}\``, fmt(median(list.map((s) => s.healthyMs))), fmt(median(list.map((s) => s.firstWebhookMs))), fmt(Math.max(...list.map((s) => s.firstWebhookMs))), fmt(median(list.map((s) => s.firstWebhookAloneMs))), String(list.length)]
  })
  const npm = median(starts.filter((s) => s.way === 'npm start').map((s) => s.firstWebhookMs))
  const direct = median(starts.filter((s) => s.way === 'phonetree serve').map((s) => s.firstWebhookMs))
  const targets: Target[] = [{ name: '`npm start` to the first answered webhook', goal: 'measured (no target set)', actual: `${fmt(npm)} ms`, met: undefined }]
  const body = [
    `From spawning the command to the first \`POST /voice/support\` answered 200 with TwiML, polling every ${POLL_MS} ms; the example flows, a fresh SQLite file in a temp folder. Rounds alternate the two ways; medians (max over rounds too). The difference between the two medians, npm's own start-up, is ${fmt(npm - direct)} ms (noise can even make it negative on a busy machine). `
    + 'The sources run through tsx (no build step), so a start transpiles the TypeScript it loads.',
    table(['command', 'healthy ms', 'first webhook ms', 'max ms', 'first webhook alone ms', 'rounds'], rows),
  ]
  return { body: body.join('\n\n'), targets, data: starts }
}
