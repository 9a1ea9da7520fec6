/**
 * Benchmark 1, the webhook path: whole calls from N concurrent callers against Phonetree on
 * the memory, SQLite and Redis stores, and against a bare Hono app with fixed TwiML (the
 * physical limit of this stack). Every server is a process of its own; the load generator runs
 * in this one. Targets interleave within each round and each round changes their order.
 */
import type { ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadFlow } from '@phonetree/engine'
import { startRedis } from '../../test/support/redis.ts'
import type { RedisServer } from '../../test/support/redis.ts'
import { cpuMs } from '../lib/cpu.ts'
import { fmt, percent, ratio, table, verdict } from '../lib/format.ts'
import { PHONETREE_BIN, cleanEnv, freePort, launch, stop, waitUntil } from '../lib/processes.ts'
import type { Mode, SectionOutput, Target } from '../lib/section.ts'
import { median } from '../lib/stats.ts'
import { BENCH_FLOW_ID, BENCH_FLOW_YAML, CALL_SCRIPT } from './flow.ts'
import { anatomy, anatomyTable } from './anatomy.ts'
import type { Piece } from './anatomy.ts'
import { runLoad } from './loadgen.ts'
import type { LoadResult } from './loadgen.ts'

const AUTH_TOKEN = '12345678901234567890123456789012'
export type TargetId = 'bare' | 'memory' | 'sqlite' | 'redis' | 'memory-signed'

export interface Plan {
  callers: number[]
  rounds: number
  seconds: number
  warmupSeconds: number
  /** The concurrency at which the signed run joins the comparison. */
  signedAt: number
  /** Wall time of one timed batch in the in-process anatomy. */
  anatomyBatchMs: number
}

const PLANS: Record<Mode, Plan> = {
  quick: { callers: [50], rounds: 2, seconds: 1.5, warmupSeconds: 0.5, signedAt: 50, anatomyBatchMs: 30 },
  full: { callers: [10, 50, 200], rounds: 6, seconds: 3, warmupSeconds: 0.75, signedAt: 50, anatomyBatchMs: 100 },
}

/** Throughput each store must reach, as a share of the bare baseline (the issue's targets). */
const THROUGHPUT_GOAL: Partial<Record<TargetId, number>> = { memory: 0.85, sqlite: 0.7, redis: 0.5 }
const P99_GOAL = 2

export interface Server {
  /** A TargetId, or any name a tool gives a server of its own. */
  id: string
  label: string
  port: number
  child: ChildProcess
  logFile: string
}

export interface Sample extends LoadResult {
  /** Server CPU time per webhook (µs), from /proc. */
  serverCpuUsPerWebhook: number
  /** This process's (the generator's) CPU time per webhook (µs). */
  generatorCpuUsPerWebhook: number
}

export async function run(mode: Mode, log: (line: string) => void): Promise<SectionOutput> {
  const plan = PLANS[mode]
  const loaded = loadFlow(BENCH_FLOW_YAML, `${BENCH_FLOW_ID}.yaml`)
  if (!loaded.ok) throw new Error(`the bench flow does not load: ${loaded.problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.message}`).join('; ')}`)

  const dir = await mkdtemp(join(tmpdir(), 'phonetree-bench-webhook-'))
  const flowsDir = join(dir, 'flows')
  mkdirSync(flowsDir)
  writeFileSync(join(flowsDir, `${BENCH_FLOW_ID}.yaml`), BENCH_FLOW_YAML)
  let redis: RedisServer | undefined
  const servers: Server[] = []
  try {
    redis = await startRedis()
    const specs: Array<[TargetId, string, Record<string, string> | undefined]> = [
      ['bare', 'bare Hono (fixed TwiML)', undefined],
      ['memory', 'Phonetree, memory store', { PHONETREE_STORE: 'memory' }],
      ['sqlite', 'Phonetree, SQLite store', { PHONETREE_STORE: join(dir, 'calls.db') }],
      ['redis', 'Phonetree, Redis store', { PHONETREE_STORE: redis.url }],
      ['memory-signed', 'Phonetree, memory store, signed webhooks', { PHONETREE_STORE: 'memory', TWILIO_AUTH_TOKEN: AUTH_TOKEN }],
    ]
    // Started one at a time: each start compiles flows and loads the sources with tsx.
    for (const [id, label, env] of specs) servers.push(await startTarget(id, label, dir, flowsDir, env))
    log(`servers up: ${servers.map((s) => `${s.id}@${s.port}`).join(', ')}`)

    const samples = new Map<string, Sample[]>()
    const key = (id: string, callers: number) => `${id}@${callers}`
    let windows = 0
    for (const callers of plan.callers) {
      const ids: TargetId[] = ['bare', 'memory', 'sqlite', 'redis', ...(callers === plan.signedAt ? ['memory-signed' as const] : [])]
      for (let round = 0; round < plan.rounds; round++) {
        // Rotate the order so no target always runs first (cold) or last (after the others' garbage).
        const order = ids.map((_, i) => ids[(i + round) % ids.length]!)
        for (const id of order) {
          const server = servers.find((s) => s.id === id)!
          const sample = await measure(server, callers, plan, `${round}${id.replace(/[^a-z]/g, '')}${callers}r${windows++}`)
          const list = samples.get(key(id, callers)) ?? []
          list.push(sample)
          samples.set(key(id, callers), list)
          log(`${callers} callers, round ${round + 1}/${plan.rounds}, ${id}: ${fmt(sample.webhooksPerSecond)} webhooks/s, p99 ${fmt(sample.p99Ms)} ms, ${sample.errors} errors`)
        }
      }
    }
    // The servers idle from here on; the anatomy runs in this process alone.
    const pieces = await anatomy(dir, redis.url, plan.anatomyBatchMs)
    log(`anatomy: ${pieces.map((p) => `${p.name} ${fmt(p.us)} µs`).join('; ')}`)
    return report(plan, servers, samples, key, pieces)
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)))
    await redis?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Starts one server to measure: the bare baseline when `env` is undefined, else `phonetree
 * serve` with `env` (the `bin` of another checkout, for before/after runs).
 *
 * @example await startTarget('memory', 'memory store', dir, flowsDir, { PHONETREE_STORE: 'memory' })
 */
export async function startTarget(id: string, label: string, dir: string, flowsDir: string, env: Record<string, string> | undefined, bin: string = PHONETREE_BIN): Promise<Server> {
  const port = await freePort()
  const logFile = join(dir, `${id}.log`)
  // The server's JSON log lines go to a file: reading them through a pipe would cost the
  // generator's CPU, and a real deployment writes them somewhere too.
  const fd = openSync(logFile, 'w')
  const signed: Record<string, string> = env?.TWILIO_AUTH_TOKEN !== undefined ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}
  const child = env === undefined
    ? launch(process.execPath, ['--import', 'tsx', 'bench/webhook/bare-server.ts', String(port)], { env: cleanEnv(), stdio: ['ignore', fd, fd] })
    : launch(process.execPath, [bin, 'serve', '--port', String(port), '--flows', flowsDir], { env: cleanEnv({ ...env, ...signed }), stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const ready = await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).status === 200, {
    timeoutMs: 30_000, everyMs: 50, gone: () => child.exitCode !== null,
  })
  if (!ready) {
    await stop(child, 'SIGKILL')
    throw new Error(`${label} did not start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`)
  }
  return { id, label, port, child, logFile }
}

export async function measure(server: Server, callers: number, plan: Plan, runId: string): Promise<Sample> {
  const pid = server.child.pid!
  const serverBefore = cpuMs(pid)
  const generatorBefore = process.cpuUsage()
  // CPU is counted over warm-up and window together, so it is divided by all their webhooks.
  const result = await runLoad({
    port: server.port, callers, seconds: plan.seconds, warmupSeconds: plan.warmupSeconds,
    checkContent: server.id !== 'bare', runId,
    ...(server.id === 'memory-signed' ? { authToken: AUTH_TOKEN } : {}),
  })
  const serverUsed = (cpuMs(pid) ?? Number.NaN) - (serverBefore ?? Number.NaN)
  const generator = process.cpuUsage(generatorBefore)
  // Approximate the webhooks of the warm-up from the window's rate.
  const total = result.webhooks * (1 + plan.warmupSeconds / plan.seconds)
  return {
    ...result,
    serverCpuUsPerWebhook: (serverUsed * 1000) / total,
    generatorCpuUsPerWebhook: (generator.user + generator.system) / total,
  }
}

interface Summary {
  callsPerSecond: number
  webhooksPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  errors: number
  serverCpuUs: number
  generatorCpuUs: number
  /** Median over rounds of this target's throughput ÷ the baseline's in the same round. */
  throughputRatio: number
  /** Median over rounds of this target's p99 ÷ the baseline's p99 in the same round. */
  p99Ratio: number
  errorSamples: string[]
}

function summarize(list: Sample[], baseline: Sample[]): Summary {
  const paired = (f: (s: Sample, b: Sample) => number) => median(list.map((s, i) => f(s, baseline[i]!)))
  return {
    callsPerSecond: median(list.map((s) => s.callsPerSecond)),
    webhooksPerSecond: median(list.map((s) => s.webhooksPerSecond)),
    p50Ms: median(list.map((s) => s.p50Ms)),
    p99Ms: median(list.map((s) => s.p99Ms)),
    maxMs: Math.max(...list.map((s) => s.maxMs)),
    errors: list.reduce((n, s) => n + s.errors, 0),
    serverCpuUs: median(list.map((s) => s.serverCpuUsPerWebhook)),
    generatorCpuUs: median(list.map((s) => s.generatorCpuUsPerWebhook)),
    throughputRatio: paired((s, b) => s.webhooksPerSecond / b.webhooksPerSecond),
    p99Ratio: paired((s, b) => s.p99Ms / b.p99Ms),
    errorSamples: list.flatMap((s) => s.errorSamples).slice(0, 3),
  }
}

function report(plan: Plan, servers: Server[], samples: Map<string, Sample[]>, key: (id: string, callers: number) => string, pieces: Piece[]): SectionOutput {
  const targets: Target[] = []
  const parts: string[] = [
    `Whole calls of ${CALL_SCRIPT.length} webhooks each (incoming, ${CALL_SCRIPT.filter((t) => t.kind === 'gather').length} Gather answers of which one is a no-match, the status callback) against the purpose-built \`bench\` flow (\`bench/webhook/flow.ts\`: three menus, a template, a set, a branch, an always-open hours node, no http nodes). `
    + `Each server is its own process (\`phonetree serve\`, or \`bench/webhook/bare-server.ts\` for the baseline: the same Hono and @hono/node-server answering fixed TwiML); the generator is one more process (node:http, keep-alive), and Redis a third. `
    + `**All of them share the machine's cores**, so these figures are lower than on a machine where the generator runs elsewhere. `
    + `${plan.rounds} rounds of ${plan.seconds} s windows (after ${plan.warmupSeconds} s of warm-up) per target and concurrency, targets interleaved and rotated each round; figures are medians over rounds, ratios are medians of per-round ratios to the baseline, max is the largest over all rounds. `
    + 'CPU per webhook is the server process\'s user+system time (from /proc) divided by the webhooks it answered: steadier than throughput on a shared machine.',
  ]
  const summaries: Record<string, Summary> = {}
  for (const callers of plan.callers) {
    const baseline = samples.get(key('bare', callers)) ?? []
    const rows: string[][] = []
    for (const server of servers) {
      const list = samples.get(key(server.id, callers))
      if (list === undefined) continue
      const s = summarize(list, baseline)
      summaries[key(server.id, callers)] = s
      rows.push([
        server.label, fmt(s.callsPerSecond), fmt(s.webhooksPerSecond), server.id === 'bare' ? '1.00×' : percent(s.throughputRatio),
        fmt(s.p50Ms), fmt(s.p99Ms), fmt(s.maxMs), server.id === 'bare' ? '1.00×' : ratio(s.p99Ratio), String(s.errors), fmt(s.serverCpuUs),
      ])
      const goal = THROUGHPUT_GOAL[server.id as TargetId]
      if (goal !== undefined) {
        targets.push({ name: `${server.id} store throughput, ${callers} callers`, goal: `≥ ${percent(goal)} of bare Hono`, actual: percent(s.throughputRatio), met: s.throughputRatio >= goal })
        targets.push({ name: `${server.id} store p99, ${callers} callers`, goal: `≤ ${P99_GOAL}× bare Hono's p99`, actual: `${ratio(s.p99Ratio)} (${fmt(s.p99Ms)} ms)`, met: s.p99Ratio <= P99_GOAL })
      }
      if (server.id !== 'bare') targets.push({ name: `${server.id} errors, ${callers} callers`, goal: '0', actual: String(s.errors), met: s.errors === 0 })
    }
    parts.push(`**${callers} concurrent callers**\n\n${table(['server', 'calls/s', 'webhooks/s', 'of baseline', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs baseline', 'errors', 'server CPU µs/webhook'], rows)}`)
  }
  const signed = summaries[key('memory-signed', plan.signedAt)]
  const unsigned = summaries[key('memory', plan.signedAt)]
  if (signed !== undefined && unsigned !== undefined) {
    parts.push(`Signature cost (memory store, ${plan.signedAt} callers): signed webhooks run at ${percent(signed.webhooksPerSecond / unsigned.webhooksPerSecond)} of the unsigned throughput; server CPU ${fmt(signed.serverCpuUs)} µs/webhook signed vs ${fmt(unsigned.serverCpuUs)} unsigned (${fmt(signed.serverCpuUs - unsigned.serverCpuUs)} µs for the HMAC check).`)
  }
  const failures = Object.entries(summaries).filter(([, s]) => s.errors > 0)
  if (failures.length > 0) parts.push(`Errors seen: ${failures.map(([k, s]) => `${k}: ${s.errorSamples.join(' / ')}`).join('; ')}`)
  const generatorCpu = median(Object.values(summaries).map((s) => s.generatorCpuUs))
  parts.push(`The generator itself used a median ${fmt(generatorCpu)} µs of CPU per webhook.`)
  parts.push(`**Where a webhook's time goes** (in one process, no sockets, \`bench/webhook/anatomy.ts\`; medians of ${5} rounds). The pieces Phonetree adds to the bare app:\n\n${anatomyTable(pieces)}`)
  return { body: parts.join('\n\n'), targets, data: { plan, samples: Object.fromEntries(samples), summaries, anatomy: pieces } }
}
