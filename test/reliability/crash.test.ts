/**
 * Crashes (fast version; `npm run soak` kills the server dozens of times): a real server on a
 * SQLite file is killed with SIGKILL in the middle of a load and restarted on the same port;
 * callers re-send webhooks that got no answer, as Twilio does on a connection failure.
 *
 * Calls whose lock was held by the killed process are counted and reported: since call locks
 * became a 4 s lease renewed while the webhook runs (RELIABILITY.md, known limit 1, fixed), the
 * re-sent webhook waits at most about the lease, and test/reliability/orphan-lock.test.ts
 * proves it directly.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { killAll } from '../support/server-process.ts'
import { clusterLoad, killer } from './support/cluster-load.ts'
import { formatReport } from './support/report.ts'
import { runSeed } from './support/rng.ts'
import { firstProblems, problemsOutside } from './support/verify.ts'

const seed = runSeed()

afterAll(async () => {
  await killAll()
})

describe(`crashes (seed ${seed})`, () => {
  it('kill -9 during 150 calls (SQLite): every call finishes on the engine\'s node, nothing lost or applied twice', async () => {
    const report = await clusterLoad({
      name: 'crash under load (SQLite, kill -9)',
      calls: 150,
      concurrency: 50,
      seed,
      store: { kind: 'sqlite' },
      chaos: killer(1, [600, 1200]),
      allowDuplicateEffects: true,
    })
    console.info(formatReport(report))
    expect(report.extra['crashes survived']).toBe(1)
    expect(report.calls).toBe(150)
    // Twilio re-sent webhooks across the crash; apart from the calls above, every one of them
    // was answered in time (a timeout shows as a problem of its call).
    expect(report.resent).toBeGreaterThan(0)
    const unexplained = problemsOutside(report.problems, report.orphanedLockCalls)
    expect(unexplained, firstProblems(unexplained)).toEqual([])
    // Nothing reached the back end that no call performs; repeats are counted, not hidden.
    expect(report.effects?.unexpected).toBe(0)
    expect(report.effects?.duplicates).toBeLessThanOrEqual(report.effects?.expected ?? 0)
  }, 90_000)
})
