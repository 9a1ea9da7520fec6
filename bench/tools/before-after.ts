/**
 * A longer, narrower run of the webhook benchmark for before/after evidence: the baseline,
 * Phonetree on the memory and SQLite stores, and the same servers with the prototypes of the
 * proposed fixes (bench/prototypes/), interleaved for many rounds at one concurrency.
 *
 * Usage: npx tsx bench/tools/before-after.ts [--callers 50] [--rounds 8] [--seconds 3]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fmt, percent, table } from '../lib/format.ts'
import { stop } from '../lib/processes.ts'
import { median } from '../lib/stats.ts'
import { measure, startTarget } from '../webhook/bench.ts'
import type { Sample, Server, TargetId } from '../webhook/bench.ts'
import { BENCH_FLOW_ID, BENCH_FLOW_YAML } from '../webhook/flow.ts'

const { values } = parseArgs({ options: { callers: { type: 'string', default: '50' }, rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '3' } } })
const callers = Number(values.callers)
const rounds = Math.min(50, Number(values.rounds))
const plan = { callers: [callers], rounds, seconds: Number(values.seconds), warmupSeconds: 0.75, signedAt: callers, anatomyBatchMs: 0 }
const dir = await mkdtemp(join(tmpdir(), 'phonetree-before-after-'))
const flowsDir = join(dir, 'flows')
mkdirSync(flowsDir)
writeFileSync(join(flowsDir, `${BENCH_FLOW_ID}.yaml`), BENCH_FLOW_YAML)
const specs: Array<[TargetId, string, Record<string, string> | undefined]> = [
  ['bare', 'bare Hono', undefined],
  ['memory', 'memory store', { PHONETREE_STORE: 'memory' }],
  ['memory-prototype', 'memory store + prototypes', { PHONETREE_STORE: 'memory' }],
  ['sqlite', 'SQLite store', { PHONETREE_STORE: join(dir, 'a.db') }],
  ['sqlite-prototype', 'SQLite store + prototypes', { PHONETREE_STORE: join(dir, 'b.db') }],
]
const servers: Server[] = []
try {
  for (const [id, label, env] of specs) servers.push(await startTarget(id, label, dir, flowsDir, env))
  const samples = new Map<TargetId, Sample[]>(servers.map((s) => [s.id, []]))
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const server = servers[(i + round) % servers.length]!
      const sample = await measure(server, callers, plan, `ba${round}x${i}`)
      samples.get(server.id)!.push(sample)
      process.stderr.write(`round ${round + 1}/${rounds} ${server.id}: ${fmt(sample.webhooksPerSecond)} webhooks/s, ${fmt(sample.serverCpuUsPerWebhook)} µs CPU/webhook, ${sample.errors} errors\n`)
    }
  }
  const bare = samples.get('bare')!
  const rows = servers.map((s) => {
    const list = samples.get(s.id)!
    return [s.label, fmt(median(list.map((x) => x.webhooksPerSecond))), percent(median(list.map((x, i) => x.webhooksPerSecond / bare[i]!.webhooksPerSecond))),
      fmt(median(list.map((x) => x.p99Ms))), fmt(median(list.map((x) => x.serverCpuUsPerWebhook))), String(list.reduce((n, x) => n + x.errors, 0))]
  })
  process.stdout.write(`${callers} callers, ${rounds} rounds of ${plan.seconds} s\n\n${table(['server', 'webhooks/s', 'of baseline', 'p99 ms', 'server CPU µs/webhook', 'errors'], rows)}\n`)
} finally {
  await Promise.all(servers.map((s) => stop(s.child)))
  await rm(dir, { recursive: true, force: true })
}
