/**
 * Scale-out (fast version; `npm run soak` runs three instances and more calls): server processes
 * sharing one Redis, webhooks dealt round-robin, and every webhook delivered twice at once so
 * that two instances work on the same call at the same moment. No update may be lost: every
 * call ends on the engine's node with exactly the engine's steps, and every effect runs once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkTwiml } from '@phonetree/engine/twiml-check'
import { createRedisStore } from '../../packages/server/src/store/redis.ts'
import { testServer } from '../../packages/server/src/testing.ts'
import { startRedis } from '../support/redis.ts'
import type { RedisServer } from '../support/redis.ts'
import { killAll } from '../support/server-process.ts'
import { clusterLoad } from './support/cluster-load.ts'
import { duplicating } from './support/duplicates.ts'
import type { DuplicateStats } from './support/duplicates.ts'
import { formatReport } from './support/report.ts'
import { runSeed, seeded } from './support/rng.ts'
import { firstProblems } from './support/verify.ts'

const seed = runSeed()
let redis: RedisServer
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await killAll()
  await redis.stop()
})

describe(`scale-out on Redis (seed ${seed})`, () => {
  it('two server processes, round-robin, every webhook delivered twice at once: no lost update, no effect twice', async () => {
    const stats: DuplicateStats = { copies: 0, late: 0, mismatches: [] }
    const report = await clusterLoad({
      name: 'scale-out (2 instances, Redis, duplicates)',
      calls: 100,
      concurrency: 30,
      seed,
      store: { kind: 'redis', url: redis.url, instances: 2 },
      deliver: (inner) => duplicating(inner, seeded(seed), stats, 0.2),
    })
    console.info(formatReport(report), `\n  copies ${stats.copies}, late ${stats.late}`)
    expect(stats.mismatches, firstProblems(stats.mismatches)).toEqual([])
    expect(report.problems, firstProblems(report.problems)).toEqual([])
    expect(report.calls).toBe(100)
    expect(stats.copies).toBeGreaterThan(report.webhooks)
    expect(report.effects?.duplicates).toBe(0)
  }, 90_000)

  it('twenty copies of one webhook at once, spread over two instances: one step, twenty identical answers', async () => {
    const prefix = `same-call-${seed}:`
    const instances = await Promise.all([0, 1].map(() => testServer({ store: createRedisStore(redis.url, { prefix }) })))
    try {
      const call = instances[0]!.call('verify')
      expect((await call.start()).waiting).toBe('gather')
      let turn = 0
      const answers: Array<{ status: number; body: string }> = []
      // Each copy goes to the next instance; all twenty are in flight together.
      call.via(async (url, init) => {
        const copies = await Promise.all(Array.from({ length: 20 }, () => instances[turn++ % 2]!.app.request(url, init)))
        for (const copy of copies) answers.push({ status: copy.status, body: await copy.clone().text() })
        return copies[0]!
      })
      const next = await call.press('1')
      expect(next.waiting).toBe('gather')
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]))
      expect(new Set(answers.map((a) => a.body)).size).toBe(1)
      expect(checkTwiml(answers[0]!.body)).toEqual([])
      const steps = await instances[1]!.store.getSteps(call.sid)
      expect(steps.map((s) => s.node)).toEqual(['read-code', 'read-code'])
      expect(call.problems).toEqual([])
    } finally {
      for (const instance of instances) {
        instance.close()
        await instance.store.close()
      }
    }
  })
})
