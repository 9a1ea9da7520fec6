/**
 * Benchmark 4, state size: the bytes a call keeps in the store, for every example flow. Each
 * scenario of the flow's own tests (flows/<id>.test.yaml) is played as a whole call through
 * the real app (the memory store, Twilio's webhooks simulated, http nodes answered from the
 * scenario's mocks), and after every webhook the stored record is weighed.
 */
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadTests } from '@phonetree/engine'
import type { HttpMock, Scenario, ScenarioStep } from '@phonetree/engine'
import { createMemoryStore } from '../packages/server/src/store/memory.ts'
import { testServer } from '../packages/server/src/testing.ts'
import type { SimulatedCall } from '../packages/server/src/twilio/simulator.ts'
import { bytes, table } from './lib/format.ts'
import { ROOT } from './lib/processes.ts'
import type { Mode, SectionOutput, Target } from './lib/section.ts'
import { median } from './lib/stats.ts'

const FLOWS_DIR = join(ROOT, 'flows')
const LIMIT = 1024

interface CallSize {
  scenario: string
  /** Largest over the call's webhooks. */
  snapshotBytes: number
  recordBytes: number
  /** The call's history (every step record) when it ended. */
  historyBytes: number
  webhooks: number
}

interface FlowSize {
  flow: string
  calls: CallSize[]
  skipped: string[]
}

export async function run(_mode: Mode, log: (line: string) => void): Promise<SectionOutput> {
  const flows: FlowSize[] = []
  for (const file of readdirSync(FLOWS_DIR).filter((f) => f.endsWith('.test.yaml')).sort()) {
    const loaded = loadTests(readFileSync(join(FLOWS_DIR, file), 'utf8'), join(FLOWS_DIR, file))
    if (!loaded.ok || loaded.tests === undefined) continue
    const size: FlowSize = { flow: loaded.tests.flow, calls: [], skipped: [] }
    for (const scenario of loaded.tests.tests) {
      try {
        size.calls.push(await playScenario(loaded.tests.flow, scenario))
      } catch (error) {
        size.skipped.push(`${scenario.name}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    flows.push(size)
    log(`${size.flow}: ${size.calls.length} calls, largest snapshot ${bytes(Math.max(...size.calls.map((c) => c.snapshotBytes)))}`)
  }
  return report(flows)
}

async function playScenario(flow: string, scenario: Scenario): Promise<CallSize> {
  const store = createMemoryStore()
  const server = await testServer({ store, flowsDir: FLOWS_DIR, fetch: mockFetch(scenario.mocks?.http ?? {}), ...(scenario.at !== undefined ? { now: () => new Date(scenario.at!) } : {}) })
  try {
    let query = ''
    if (scenario.vars !== undefined) {
      const token = randomUUID()
      await store.putPending(token, scenario.vars, 60_000)
      query = `?v=${token}`
    }
    const { from, to, direction, ...rest } = scenario.call ?? {}
    const params = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v]))
    const call = server.call(flow, { query, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(direction === 'outbound-api' ? { direction } : {}), params })
    const size: CallSize = { scenario: scenario.name, snapshotBytes: 0, recordBytes: 0, historyBytes: 0, webhooks: 0 }
    const weigh = async () => {
      const record = await store.getCall(call.sid)
      if (record === undefined) return
      size.snapshotBytes = Math.max(size.snapshotBytes, Buffer.byteLength(JSON.stringify(record.snapshot)))
      size.recordBytes = Math.max(size.recordBytes, Buffer.byteLength(JSON.stringify(record)))
    }
    await call.start()
    await weigh()
    for (const item of scenario.steps) {
      if ('expect' in item || call.done) continue
      await act(call, item)
      await weigh()
    }
    if (!call.done) await call.hangup()
    await weigh()
    const steps = await store.getSteps(call.sid)
    size.historyBytes = steps.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(s)), 0)
    size.webhooks = steps.length
    return size
  } finally {
    server.close()
  }
}

async function act(call: SimulatedCall, item: Exclude<ScenarioStep, { expect: unknown }>): Promise<void> {
  if ('press' in item) await call.press(String(item.press))
  else if ('speak' in item) await call.speak(item.speak)
  else if ('noInput' in item) await call.silence()
  else if ('dial' in item) await call.dialResult(item.dial)
  else if ('record' in item) await (item.record === 'empty' ? call.recording() : call.recording(item.record.url, item.record.duration))
  else if ('queue' in item) await call.queueResult(item.queue)
  else if ('hangup' in item) await call.hangup()
}

/** Answers http nodes from the scenario's mocks, found by the node id in the Idempotency-Key. */
function mockFetch(mocks: Record<string, HttpMock | HttpMock[]>): typeof fetch {
  const used = new Map<string, number>()
  return (async (_input: string | URL | Request, init?: RequestInit) => {
    const key = new Headers(init?.headers).get('idempotency-key') ?? ''
    const node = key.slice(key.lastIndexOf(':') + 1)
    const mock = mocks[node]
    const n = used.get(node) ?? 0
    used.set(node, n + 1)
    const answer = Array.isArray(mock) ? mock[Math.min(n, mock.length - 1)] : mock
    if (answer === undefined) return new Response('not found', { status: 404 })
    if ('error' in answer) throw new Error(String(answer.error))
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
}

function report(flows: FlowSize[]): SectionOutput {
  const max = (values: number[]) => Math.max(...values)
  const rows = flows.map((f) => {
    const snap = f.calls.map((c) => c.snapshotBytes)
    const record = f.calls.map((c) => c.recordBytes)
    const history = f.calls.map((c) => c.historyBytes)
    return [f.flow, String(f.calls.length), bytes(median(snap)), bytes(max(snap)), bytes(median(record)), bytes(max(record)), bytes(median(history)), bytes(max(history))]
  })
  const targets: Target[] = flows.map((f) => {
    const largest = max(f.calls.map((c) => c.snapshotBytes))
    return { name: `call state (snapshot) of ${f.flow}`, goal: '< 1 KB', actual: bytes(largest), met: largest < LIMIT }
  })
  const overRecord = flows.filter((f) => max(f.calls.map((c) => c.recordBytes)) >= LIMIT).map((f) => f.flow)
  const skipped = flows.flatMap((f) => f.skipped.map((s) => `${f.flow}: ${s}`))
  const body = [
    'Every scenario in `flows/*.test.yaml` is played as a whole call through the app (memory store, simulated Twilio webhooks, http nodes answered from the scenario\'s mocks); after every webhook the stored call is weighed as JSON. '
    + '**Snapshot** is the call\'s state (`CallSnapshot`: node, counters, variables, caller fields): what `step` needs. '
    + '**Record** is what the store writes on every webhook: the snapshot plus the last few TwiML answers (kept so a repeated webhook gets the same answer) and the list fields. '
    + '**History** is the per-step log (`/api/calls/:sid`), appended once per webhook. Sizes are the largest during the call; medians and maxima over the flow\'s scenarios.',
    table(['flow', 'calls', 'snapshot median', 'snapshot max', 'record median', 'record max', 'history median', 'history max'], rows),
    `The target is judged on the snapshot (the call's state). ${overRecord.length > 0 ? `The stored record passes 1 KB for ${overRecord.join(', ')}: the cached TwiML answers are most of it.` : 'The stored record stays under 1 KB too.'}`,
    ...(skipped.length > 0 ? [`Scenarios not played: ${skipped.join('; ')}`] : []),
  ]
  return { body: body.join('\n\n'), targets, data: flows }
}
