/**
 * Before and after a change, measured side by side: the webhook benchmark's servers from an
 * earlier commit (checked out in a temporary git worktree that shares this checkout's
 * node_modules) against the working tree, with the bare baseline, interleaved for many rounds
 * at one concurrency.
 *
 * Usage: npx tsx bench/tools/before-after.ts --before <git rev> [--stores memory,sqlite,redis] [--callers 50] [--rounds 8] [--seconds 3]
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startRedis } from '../../test/support/redis.ts'
import type { RedisServer } from '../../test/support/redis.ts'
import { fmt, percent, table } from '../lib/format.ts'
import { PHONETREE_BIN, ROOT, stop } from '../lib/processes.ts'
import { median } from '../lib/stats.ts'
import { measure, startTarget } from '../webhook/bench.ts'
import type { Sample, Server } from '../webhook/bench.ts'
import { BENCH_FLOW_ID, BENCH_FLOW_YAML } from '../webhook/flow.ts'

const { values } = parseArgs({ options: { before: { type: 'string' }, stores: { type: 'string', default: 'memory,sqlite' }, callers: { type: 'string', default: '50' }, rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '3' } } })
if (values.before === undefined) throw new Error('--before <git rev> is required (for example --before HEAD~3)')
const callers = Number(values.callers)
const rounds = Math.min(50, Number(values.rounds))
const plan = { callers: [callers], rounds, seconds: Number(values.seconds), warmupSeconds: 0.75, signedAt: callers, anatomyBatchMs: 0 }
const stores = values.stores.split(',').map((s) => s.trim()).filter((s) => s !== '')
const dir = await mkdtemp(join(tmpdir(), 'phonetree-before-after-'))
const flowsDir = join(dir, 'flows')
mkdirSync(flowsDir)
writeFileSync(join(flowsDir, `${BENCH_FLOW_ID}.yaml`), BENCH_FLOW_YAML)
const beforeDir = join(dir, 'before')
const revision = execFileSync('git', ['rev-parse', '--short', values.before], { cwd: ROOT, encoding: 'utf8' }).trim()
execFileSync('git', ['worktree', 'add', '--detach', beforeDir, revision], { cwd: ROOT, stdio: 'ignore' })
linkModules(beforeDir)

let redis: RedisServer | undefined
const servers: Server[] = []
try {
  if (stores.includes('redis')) redis = await startRedis()
  const storeEnv = (store: string, side: string): Record<string, string> => ({
    PHONETREE_STORE: store === 'memory' ? 'memory' : store === 'sqlite' ? join(dir, `${side}.db`) : `${redis!.url}/${side === 'before' ? 1 : 2}`,
  })
  servers.push(await startTarget('bare', 'bare Hono', dir, flowsDir, undefined))
  for (const store of stores) {
    servers.push(await startTarget(`before-${store}`, `${store} store, before (${revision})`, dir, flowsDir, storeEnv(store, 'before'), join(beforeDir, 'packages/server/bin/phonetree.js')))
    servers.push(await startTarget(`after-${store}`, `${store} store, after (working tree)`, dir, flowsDir, storeEnv(store, 'after'), PHONETREE_BIN))
  }
  const samples = new Map<string, Sample[]>(servers.map((s) => [s.id, []]))
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
  process.stdout.write(`${callers} callers, ${rounds} rounds of ${plan.seconds} s, before = ${revision}\n\n${table(['server', 'webhooks/s', 'of baseline', 'p99 ms', 'server CPU µs/webhook', 'errors'], rows)}\n`)
} finally {
  await Promise.all(servers.map((s) => stop(s.child)))
  await redis?.stop()
  execFileSync('git', ['worktree', 'remove', '--force', beforeDir], { cwd: ROOT, stdio: 'ignore' })
  await rm(dir, { recursive: true, force: true })
}

/**
 * Gives the worktree this checkout's installed packages, except the workspace's own, which
 * must resolve to the worktree's sources.
 */
function linkModules(worktree: string): void {
  const modules = join(worktree, 'node_modules')
  mkdirSync(join(modules, '@phonetree'), { recursive: true })
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@phonetree') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry))
  }
  for (const pkg of readdirSync(join(worktree, 'packages'))) symlinkSync(join(worktree, 'packages', pkg), join(modules, '@phonetree', pkg))
}
