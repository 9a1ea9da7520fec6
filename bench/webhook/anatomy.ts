/**
 * Where a webhook's time goes, measured in one process without sockets: the pieces Phonetree
 * adds to what a bare Hono app does, each timed on its own (medians over rounds). It explains
 * the gap to the baseline.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { renderTwiml, start, step } from '@phonetree/engine'
import type { CallSnapshot, CompiledFlow } from '@phonetree/engine'
import { createApp } from '../../packages/server/src/app.ts'
import { CallService } from '../../packages/server/src/calls/service.ts'
import { readConfig } from '../../packages/server/src/config.ts'
import { FlowRegistry } from '../../packages/server/src/flows/registry.ts'
import { createLogger } from '../../packages/server/src/log.ts'
import { createMemoryStore } from '../../packages/server/src/store/memory.ts'
import { createRedisStore } from '../../packages/server/src/store/redis.ts'
import { createSqliteStore } from '../../packages/server/src/store/sqlite.ts'
import type { CallRecord, CallStepRecord, CallStore } from '../../packages/server/src/store/types.ts'
import { computeSignature, publicUrlFor, verifySignature } from '../../packages/server/src/twilio/signature.ts'
import { lastValues, readFormAll } from '../../packages/server/src/twilio/webhook.ts'
import { fmt, table } from '../lib/format.ts'
import { median, nowNs } from '../lib/stats.ts'
import { BENCH_FLOW_ID, BENCH_FLOW_YAML, CALL_SCRIPT, FIXED_TWIML, baseParams } from './flow.ts'

export interface Piece {
  name: string
  us: number
  note: string
}

const ROUNDS = 5
const CLOCK = new Date('2026-11-23T16:00:00Z')
const TOKEN = '12345678901234567890123456789012'

/**
 * Times each piece; `redisUrl` adds the Redis store's round trip.
 *
 * @example const pieces = await anatomy(dir, redis.url)
 */
export async function anatomy(dir: string, redisUrl: string | undefined, batchMs: number): Promise<Piece[]> {
  const flowsDir = join(dir, 'anatomy-flows')
  mkdirSync(flowsDir, { recursive: true })
  writeFileSync(join(flowsDir, `${BENCH_FLOW_ID}.yaml`), BENCH_FLOW_YAML)
  const log = createLogger(() => undefined)
  const memory = createMemoryStore()
  const config = readConfig({ FLOWS_DIR: flowsDir })
  const flows = await FlowRegistry.open(flowsDir, memory, log, { watch: false })
  const app = createApp({ config, flows, store: memory, log, calls: new CallService({ flows, store: memory, log }) })
  const bare = bareApp()
  const compiled = flows.get(BENCH_FLOW_ID)!
  const stores: Array<[string, CallStore]> = [['memory', memory], ['sqlite', createSqliteStore(join(dir, 'anatomy.db'))], ...(redisUrl ? [['redis', createRedisStore(redisUrl, { prefix: 'anatomy:' })] as [string, CallStore]] : [])]
  try {
    // A realistic record and step: what the bench call leaves after its third webhook.
    let n = 0
    await playCall(app, `CAanatomy${n++}`)
    const record = (await memory.getCall('CAanatomy0'))!
    const stepRecord = (await memory.getSteps('CAanatomy0'))[2]!
    const snapshot: CallSnapshot = { ...record.snapshot, node: 'main-menu', status: 'active', seq: 1 }
    const stored = JSON.stringify(snapshot)
    const body = new URLSearchParams({ ...baseParams('CA0123456789abcdef0123456789abcdef'), Digits: '1' }).toString()
    const view = step(compiled, snapshot, { type: 'DIGITS', digits: '1' }, CLOCK).view
    const fields = Object.fromEntries([...new URLSearchParams(body)].map(([k, v]) => [k, [v]]))
    const signedUrl = 'http://127.0.0.1:3000/voice/bench/1'
    const signature = computeSignature(TOKEN, signedUrl, lastValues(fields))

    const pieces: Array<{ name: string; note: string; run: () => unknown | Promise<unknown>; perCall?: number }> = [
      { name: 'bare Hono app.request, per webhook', note: 'the baseline app in-process: routing, body read, fixed TwiML', run: () => playCall(bare, `CAbare${n++}`), perCall: CALL_SCRIPT.length },
      { name: 'Phonetree app.request, per webhook (memory store)', note: 'the whole app in-process, averaged over the bench call', run: () => playCall(app, `CAanatomy${n++}`), perCall: CALL_SCRIPT.length },
      { name: 'readFormAll (web Request → form)', note: 'the web-standard path (the Node adapter reads its socket directly)', run: () => readFormAll(formRequest(body), 65_536) },
      { name: 'URLSearchParams on the raw body', note: 'for comparison: parsing the same body as text', run: () => Object.fromEntries(new URLSearchParams(body)) },
      { name: 'verifySignature (signed webhooks only)', note: 'app.ts: HMAC-SHA1 over the URL and sorted parameters', run: () => verifySignature(TOKEN, signature, publicUrlFor('http://127.0.0.1:3000', '/voice/bench/1', ''), fields) },
      { name: 'engine start()', note: 'incoming webhook: the machine\'s initial snapshot', run: () => start(compiled, record.snapshot.context.call, CLOCK) },
      { name: 'engine step() from JSON', note: 'a Gather answer: main menu → billing', run: () => step(compiled, JSON.parse(stored) as CallSnapshot, { type: 'DIGITS', digits: '1' }, CLOCK) },
      { name: 'renderTwiml', note: 'the billing menu view', run: () => renderTwiml(view, { actionUrl: '/voice/bench/2', audioBaseUrl: '/audio/', transcribeCallbackUrl: '/voice/bench/2/transcription' }) },
      { name: `JSON deep copy of the record (${fmt(JSON.stringify(record).length)} B)`, note: 'what any copy of the record costs (the memory store parses one per read)', run: () => JSON.parse(JSON.stringify(record)) as unknown },
      ...stores.map(([kind, store]) => ({
        name: `${kind} store: withCall read + write`, note: 'lock, read the record, write it back with one step record, unlock',
        run: () => storeRoundTrip(store, `CAstore${kind.replace(/\W/g, "")}${n++ % 200}`, record, stepRecord),
      })),
    ]
    const results: Piece[] = []
    for (const piece of pieces) {
      const per: number[] = []
      const count = await calibrate(piece.run, batchMs)
      for (let round = 0; round < ROUNDS; round++) per.push((await timeBatch(piece.run, count)) / (piece.perCall ?? 1))
      results.push({ name: piece.name, us: median(per), note: piece.note })
    }
    return results
  } finally {
    flows.close()
    for (const [, store] of stores) if (store !== memory) await store.close()
  }
}

/** The pieces as a Markdown table. */
export function anatomyTable(pieces: Piece[]): string {
  return table(['piece', 'µs', 'what'], pieces.map((p) => [p.name, fmt(p.us), p.note]))
}

function bareApp(): Hono {
  const app = new Hono()
  const answer = async (c: Context) => {
    await c.req.text()
    return c.body(FIXED_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' })
  }
  app.post('/voice/:flowId/status', async (c) => {
    await c.req.text()
    return c.body(null, 204)
  })
  app.post('/voice/:flowId', (c) => answer(c))
  app.post('/voice/:flowId/:seq{[0-9]{1,9}}', (c) => answer(c))
  return app
}

function formRequest(body: string): Request {
  return new Request('http://127.0.0.1/voice/bench/1', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
}

async function playCall(app: Hono, sid: string): Promise<void> {
  const base = baseParams(sid)
  let action = `/voice/${BENCH_FLOW_ID}`
  for (const turn of CALL_SCRIPT) {
    const path = turn.kind === 'incoming' ? `/voice/${BENCH_FLOW_ID}` : turn.kind === 'status' ? `/voice/${BENCH_FLOW_ID}/status` : action
    const response = await app.request(`http://127.0.0.1${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...base, ...turn.params }).toString() })
    const text = await response.text()
    if (response.status !== turn.status) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 200)}`)
    action = /action="([^"]+)"/.exec(text)?.[1] ?? action
  }
}

function storeRoundTrip(store: CallStore, sid: string, record: CallRecord, stepRecord: CallStepRecord): Promise<unknown> {
  return store.withCall(sid, async (current) => ({ result: current, record: { ...record, sid }, steps: [{ ...stepRecord, sid }] }))
}

async function calibrate(run: () => unknown | Promise<unknown>, batchMs: number): Promise<number> {
  const probe = await timeBatch(run, 10)
  return Math.max(10, Math.min(100_000, Math.round((batchMs * 1000) / Math.max(probe, 0.05))))
}

/** µs per call of `run` over `count` sequential calls. */
async function timeBatch(run: () => unknown | Promise<unknown>, count: number): Promise<number> {
  const begin = nowNs()
  for (let i = 0; i < count; i++) await run()
  return (nowNs() - begin) / 1000 / count
}
