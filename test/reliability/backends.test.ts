/**
 * Slow and failing back ends, and the store going away.
 *
 * An http node whose server hangs, resets, answers 500, answers malformed JSON, trickles its
 * body or answers 2 MB must take `onError` within the node's timeout, and the webhook must be
 * answered well inside Twilio's 15 s, with valid TwiML, even when two hanging requests follow
 * each other (the webhook's answer budget stops the second).
 *
 * Redis stopped in the middle of a load: every webhook still gets valid TwiML quickly (an
 * apology while the store is gone), calls that did not need the store meanwhile carry on, and
 * calls started after it are served normally.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkTwiml } from '@phonetree/engine/twiml-check'
import { appTransport, TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from '../../packages/server/src/testing.ts'
import { SimulatedCall } from '../../packages/server/src/twilio/simulator.ts'
import { createRedisStore } from '../../packages/server/src/store/redis.ts'
import { wiredApp } from './support/app.ts'
import type { WiredApp } from './support/app.ts'
import type { LoopbackBackEnd } from './support/backend.ts'
import { inProcessLoad } from './support/load.ts'
import { answerLog, redisOutage, startedAfter, touchedBy, trackAnswers } from './support/outage.ts'
import { PROBES, startMisbehavingBackEnd, writeProbeFlow } from './support/probe.ts'
import type { ProbeName } from './support/probe.ts'
import { startDurableRedis } from './support/redis.ts'
import { formatReport } from './support/report.ts'
import { runSeed } from './support/rng.ts'
import { firstProblems, problemsOutside } from './support/verify.ts'

const seed = runSeed()
/** What a busy two-core machine may add to a timeout before the answer leaves. */
const SLACK_MS = 2500

describe('slow and failing back ends', () => {
  let dir: string
  let backEnd: LoopbackBackEnd
  let server: WiredApp
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phonetree-backends-'))
    backEnd = await startMisbehavingBackEnd()
    writeProbeFlow(join(dir, 'flows'), backEnd.url)
    // The chain probe is two 10 s requests; a 3 s budget keeps this test short, the soak runs
    // the real 12 s one.
    server = await wiredApp({ flowsDir: join(dir, 'flows'), answerBudgetMs: 3000 })
  })
  afterAll(async () => {
    server.close()
    await backEnd.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const cases = (Object.keys(PROBES) as ProbeName[]).map((name) => [name] as const)
  it.concurrent.each(cases)('%s: the call takes the right edge within the node\'s timeout, the answer is valid TwiML', async (name) => {
    const probe = PROBES[name]
    const call = new SimulatedCall({ transport: appTransport(server.app), url: `${TEST_PUBLIC_URL}/voice/probe`, authToken: TEST_AUTH_TOKEN, statusCallbackUrl: `${TEST_PUBLIC_URL}/voice/probe/status` })
    expect((await call.start()).waiting).toBe('gather')
    const began = performance.now()
    const turn = await call.press(probe.key)
    const took = performance.now() - began
    expect(call.problems).toEqual([])
    expect(turn.waiting).toBe('ended')
    expect(turn.documents.every((d) => checkTwiml(d).length === 0)).toBe(true)
    const record = await server.store.getCall(call.sid)
    expect(record?.snapshot.node).toBe(probe.ends)
    const budget = name === 'chain' ? 3000 : probe.timeout * 1000
    expect(took).toBeLessThan(budget + SLACK_MS)
    if (name === 'hang' || name === 'trickle' || name === 'chain') expect(took).toBeGreaterThan(budget - 200)
    if (probe.ends === 'fallback') expect(turn.heard.join(' ')).toMatch(/^The back end failed: \S/)
  })
})

describe(`the store goes away under load (seed ${seed})`, () => {
  it('Redis stopped for 1.5 s under two instances: valid TwiML for every webhook, apologies fast, other calls unharmed, service resumes', async () => {
    const redis = await startDurableRedis()
    const log = answerLog()
    const window = { from: 0, to: 0 }
    const stores = [createRedisStore(redis.url, { prefix: 'outage:' }), createRedisStore(redis.url, { prefix: 'outage:' })]
    try {
      const report = await inProcessLoad({
        name: 'Redis stopped mid-load (2 instances in process)',
        calls: 150,
        concurrency: 30,
        store: stores,
        seed,
        thinkMs: [50, 300],
        arrivalMs: 40,
        deliver: (inner) => trackAnswers(inner, log),
        during: redisOutage(redis, 'stop', 1000, 1500, window),
      })
      // The stores' clients reconnect at most a second apart once Redis is back.
      const touched = touchedBy(log, window, 1500)
      const after = startedAfter(log, window, 1500)
      console.info(formatReport(report), `\n  apologies ${log.apologies} (slowest ${log.maxApologyMs} ms), calls touched ${touched.length}, started after ${after.length}`)
      expect(report.extra.outages).toBe(1)
      expect(log.bad, firstProblems(log.bad)).toEqual([])
      expect(report.timeouts).toBe(0)
      expect(log.apologies).toBeGreaterThan(0)
      expect(log.maxApologyMs).toBeLessThan(5000)
      // Calls with a webhook during the outage were cut short with an apology; every other
      // call, including all those started after it, went exactly as the engine said.
      const unexplained = problemsOutside(report.problems, touched)
      expect(unexplained, firstProblems(unexplained)).toEqual([])
      expect(after.length).toBeGreaterThan(0)
    } finally {
      for (const store of stores) await store.close()
      await redis.close()
    }
  }, 60_000)

  it('calls waiting for their callers while Redis is down carry on, on the engine\'s path, once it is back', async () => {
    const redis = await startDurableRedis()
    const stores = [createRedisStore(redis.url, { prefix: 'resume:' }), createRedisStore(redis.url, { prefix: 'resume:' })]
    const calls = 40
    let waiting = 0
    let allWaiting!: () => void
    const everyoneWaits = new Promise<void>((resolve) => (allWaiting = resolve))
    let resume!: () => void
    const resumed = new Promise<void>((resolve) => (resume = resolve))
    try {
      const load = inProcessLoad({
        name: 'calls held across a Redis outage',
        calls,
        concurrency: calls,
        store: stores,
        seed,
        // Every call answers its first prompt, then the caller listens while Redis is gone.
        afterFirstTurn: async () => {
          if (++waiting === calls) allWaiting()
          await resumed
        },
      })
      await everyoneWaits
      await redis.stop()
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await redis.start()
      for (const store of stores) {
        for (let i = 0; i < 100; i++) {
          if (await store.ping().then(() => true, () => false)) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
      resume()
      const report = await load
      console.info(formatReport(report))
      expect(report.calls).toBe(calls)
      expect(report.problems, firstProblems(report.problems)).toEqual([])
    } finally {
      for (const store of stores) await store.close()
      await redis.close()
    }
  }, 60_000)
})
