/**
 * Profiles `phonetree serve` under the webhook benchmark's load: starts the server with
 * --cpu-prof on the chosen store, plays whole calls for a few seconds, stops it, and prints
 * where its CPU time went.
 *
 * Usage: npx tsx bench/tools/profile-server.ts [--store memory|sqlite|redis] [--callers 50] [--seconds 5] [--top 40]
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startRedis } from '../../test/support/redis.ts'
import type { RedisServer } from '../../test/support/redis.ts'
import { PHONETREE_BIN, cleanEnv, freePort, launch, stop, waitUntil } from '../lib/processes.ts'
import { BENCH_FLOW_ID, BENCH_FLOW_YAML } from '../webhook/flow.ts'
import { runLoad } from '../webhook/loadgen.ts'
import { summarizeProfile } from './cpuprofile.ts'

const { values } = parseArgs({ options: { store: { type: 'string', default: 'memory' }, callers: { type: 'string', default: '50' }, seconds: { type: 'string', default: '5' }, top: { type: 'string', default: '40' } } })
const dir = await mkdtemp(join(tmpdir(), 'phonetree-profile-'))
mkdirSync(join(dir, 'flows'))
writeFileSync(join(dir, 'flows', `${BENCH_FLOW_ID}.yaml`), BENCH_FLOW_YAML)
let redis: RedisServer | undefined
const store = values.store === 'redis' ? (redis = await startRedis()).url : values.store === 'sqlite' ? join(dir, 'calls.db') : 'memory'
const port = await freePort()
const fd = openSync(join(dir, 'server.log'), 'w')
const child = launch(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, PHONETREE_BIN, 'serve', '--port', String(port), '--flows', join(dir, 'flows')], { env: cleanEnv({ PHONETREE_STORE: store }), stdio: ['ignore', fd, fd] })
closeSync(fd)
if (!(await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, { timeoutMs: 30_000, everyMs: 50 }))) throw new Error(readFileSync(join(dir, 'server.log'), 'utf8'))
const result = await runLoad({ port, callers: Number(values.callers), seconds: Number(values.seconds), warmupSeconds: 1, checkContent: true, runId: 'prof' })
await stop(child, 'SIGINT')
await redis?.stop()
process.stdout.write(`${result.webhooksPerSecond.toFixed(0)} webhooks/s, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors\n`)
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error(`no profile written in ${dir}`)
const { totalMs, functions } = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')))
const top = Number(values.top)
const line = (f: { name: string; selfMs: number; totalMs: number }) => `${f.selfMs.toFixed(0).padStart(7)} ${(100 * f.selfMs / totalMs).toFixed(1).padStart(5)}% ${f.totalMs.toFixed(0).padStart(7)} ${(100 * f.totalMs / totalMs).toFixed(1).padStart(5)}%  ${f.name}`
process.stdout.write(`profile ${join(dir, file)}: ${totalMs.toFixed(0)} ms\n   self     %   total     %\n-- by self time\n${[...functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top).map(line).join('\n')}\n-- by total time\n${[...functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top).map(line).join('\n')}\n`)
