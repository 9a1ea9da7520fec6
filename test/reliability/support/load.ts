/**
 * Load, in process: many simulated calls through the real example flows on one app (no
 * sockets), each call with its own clock so every hours branch is walked. The server's clock is
 * the call's clock through AsyncLocalStorage, exactly what the engine model used.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { appTransport, TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from '../../../packages/server/src/testing.ts'
import type { CallStore } from '../../../packages/server/src/store/types.ts'
import type { Transport } from '../../../packages/server/src/twilio/simulator.ts'
import { DEFAULT_RATES, ledgerFetch } from './backend.ts'
import type { FailureRates } from './backend.ts'
import { Meter, playCall, runPool, twilioTransport } from './caller.ts'
import { compileDir, EXAMPLE_FLOWS_DIR, exampleFlowIds } from './flows.ts'
import { planCall, transitionCoverage } from './paths.ts'
import { coverageText, meterFigures, withoutProblems } from './report.ts'
import type { RunReport } from './report.ts'
import { itemSeed, seeded } from './rng.ts'
import { checkEffects, checkStore } from './verify.ts'

/**
 * Instants that put the example flows' hours nodes on every branch: Chicago office hours and
 * Saturday hours, evenings, a holiday; Tokyo office, evening, weekend and night.
 */
export const CLOCKS = [
  '2026-11-23T16:00:00Z', // Mon 10:00 Chicago (open); Tue 01:00 Tokyo (night)
  '2026-11-24T02:00:00Z', // Mon 20:00 Chicago (closed); Tue 11:00 Tokyo (office)
  '2026-11-24T10:00:00Z', // Tue 04:00 Chicago (closed); Tue 19:00 Tokyo (evening)
  '2026-11-28T17:00:00Z', // Sat 11:00 Chicago (open); Sun 02:00 Tokyo (night)
  '2026-11-29T03:00:00Z', // Sat 21:00 Chicago (closed); Sun 12:00 Tokyo (weekend, awake)
  '2026-12-25T16:00:00Z', // Christmas 10:00 Chicago (holiday); Sat 01:00 Tokyo (night)
]

export interface InProcessLoadOptions {
  name?: string
  calls: number
  concurrency: number
  /** One store per app instance; webhooks are dealt to the instances in turn. */
  store: CallStore | CallStore[]
  seed: number
  rates?: FailureRates
  /** Stop starting calls after this time (epoch ms). */
  deadline?: number
  /** Wraps the app's transport, e.g. to deliver every webhook twice. */
  deliver?: (inner: Transport) => Transport
  /** Runs beside the calls until they are done (an outage); returns figures to report. */
  during?: (done: () => boolean) => Promise<Record<string, number | string>>
  /** Callers listen between actions (ms, drawn). */
  thinkMs?: [number, number]
  /** Calls arrive at most one per this many ms (see `runPool`). */
  arrivalMs?: number
  /** Awaited by every call after its first answer (see `PlayOptions`). */
  afterFirstTurn?: () => Promise<void>
}

/**
 * Plays `calls` random calls through every example flow against the app in process (one
 * instance per store given, webhooks dealt in turn) and checks every answer, every call's
 * steps and final node, and every http effect.
 *
 * @example const report = await inProcessLoad({ calls: 300, concurrency: 50, store: createMemoryStore(), seed: 1 })
 */
export async function inProcessLoad(options: InProcessLoadOptions): Promise<RunReport> {
  const began = Date.now()
  const rates = options.rates ?? DEFAULT_RATES
  const clock = new AsyncLocalStorage<Date>()
  const backEnd = ledgerFetch(rates)
  const stores = Array.isArray(options.store) ? options.store : [options.store]
  const servers = await Promise.all(stores.map((store) => testServer({ store, fetch: backEnd, now: () => clock.getStore() ?? new Date() })))
  const ids = exampleFlowIds()
  const compiled = compileDir(EXAMPLE_FLOWS_DIR, ids)
  const meter = new Meter()
  const instances = servers.map((s) => appTransport(s.app))
  let turn = 0
  const app: Transport = (url, init) => instances[turn++ % instances.length]!(url, init)
  let finished = false
  const during = options.during?.(() => finished) ?? Promise.resolve({})
  const played = await runPool(
    { count: options.calls, concurrency: options.concurrency, ...(options.deadline !== undefined ? { deadline: options.deadline } : {}), ...(options.arrivalMs !== undefined ? { arrivalMs: options.arrivalMs } : {}) },
    (index) => {
      const rng = seeded(itemSeed(options.seed, index))
      const id = ids[index % ids.length]!
      return planCall(id, compiled.get(id)!, rng, { rates, clocks: CLOCKS })
    },
    (plan) => {
      const at = new Date(plan.clock)
      const clocked: Transport = (url, init) => clock.run(at, () => app(url, init))
      const transport = twilioTransport(options.deliver ? options.deliver(clocked) : clocked, meter)
      return playCall(plan, transport, {
        publicUrl: TEST_PUBLIC_URL, authToken: TEST_AUTH_TOKEN,
        ...(options.thinkMs ? { thinkMs: options.thinkMs } : {}), ...(options.afterFirstTurn ? { afterFirstTurn: options.afterFirstTurn } : {}),
      })
    },
  ).finally(() => {
    finished = true
  })
  const extra = await during
  // Webhooks that gave up on a call's lock (see RELIABILITY.md, known limit 1).
  const orphaned = new Set(servers.flatMap((s) => s.log.lines).filter((l) => /gave up waiting for its lock/.test(String(l.error ?? ''))).map((l) => String(l.call)))
  const plans = played.map((p) => p.plan)
  const store = await checkStore(stores[0]!, plans)
  const effects = checkEffects(backEnd.ledger, plans, false)
  for (const server of servers) server.close()
  return {
    name: options.name ?? `in-process load (${stores[0]!.kind}${stores.length > 1 ? `, ${stores.length} instances` : ''})`,
    seed: options.seed,
    calls: played.length,
    ...meterFigures(meter),
    failedCalls: played.filter((p) => p.problems.length > 0).length,
    durationMs: Date.now() - began,
    store: withoutProblems(store),
    effects: withoutProblems(effects),
    extra: { ...extra, 'calls stalled by an orphaned lock': orphaned.size, flows: ids.length, 'http requests': backEnd.ledger.total, 'transitions covered': coverageText(transitionCoverage(plans, compiled)) },
    problems: [...played.flatMap((p) => p.problems), ...store.problems, ...effects.problems],
  }
}
