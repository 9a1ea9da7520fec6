/**
 * Retries: Twilio may deliver a webhook more than once. Every webhook is sent twice at the same
 * moment, and some a third time after the call has moved on (out of order). Every copy must get
 * the first copy's answer, the call's state must advance once (the store's step records equal
 * the engine's), and every http effect must reach the back end once, counted there by its
 * Idempotency-Key.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../packages/server/src/store/memory.ts'
import { createSqliteStore } from '../../packages/server/src/store/sqlite.ts'
import { testServer } from '../../packages/server/src/testing.ts'
import { duplicating } from './support/duplicates.ts'
import type { DuplicateStats } from './support/duplicates.ts'
import { EXAMPLE_FLOWS_DIR } from './support/flows.ts'
import { inProcessLoad } from './support/load.ts'
import { formatReport } from './support/report.ts'
import { runSeed, seeded } from './support/rng.ts'
import { firstProblems } from './support/verify.ts'

const seed = runSeed()
const temp: string[] = []
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true })
})

describe(`retries (seed ${seed})`, () => {
  it('200 calls with every webhook delivered twice and some three times out of order: identical answers, state and effects once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonetree-retries-'))
    temp.push(dir)
    const store = createSqliteStore(join(dir, 'calls.db'))
    const stats: DuplicateStats = { copies: 0, late: 0, mismatches: [] }
    const report = await inProcessLoad({
      name: 'retries (SQLite, every webhook twice, some three times)',
      calls: 200,
      concurrency: 50,
      store,
      seed,
      deliver: (inner) => duplicating(inner, seeded(seed), stats, 0.3),
    })
    await store.close()
    console.info(formatReport(report), `\n  copies ${stats.copies}, late ${stats.late}`)
    expect(stats.mismatches, firstProblems(stats.mismatches)).toEqual([])
    expect(report.problems, firstProblems(report.problems)).toEqual([])
    expect(stats.copies).toBeGreaterThanOrEqual(report.webhooks)
    // Late copies are drawn at random per webhook across concurrent calls, so how many there
    // are varies with timing; the run must include some for the test to mean anything.
    expect(stats.late).toBeGreaterThan(0)
    expect(report.effects?.duplicates).toBe(0)
  })

  it('a copy that arrives while the first is still waiting on a slow back end gets the same answer, and the request is made once', async () => {
    // A real (loopback) back end that takes 400 ms, so the second copy arrives mid-request.
    const requests: string[] = []
    const crm = createServer((req, res) => {
      requests.push(String(req.headers['idempotency-key']))
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier":"gold","name":"Ada"}'), 400)
    })
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve))
    const { port } = crm.address() as AddressInfo
    const fetchLocal: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString())
      if (url.hostname !== 'crm.example.com') return Promise.reject(new Error(`unexpected host ${url.hostname}`))
      return fetch(`http://127.0.0.1:${port}${url.pathname}`, init)
    }
    const server = await testServer({ store: createMemoryStore(), flowsDir: EXAMPLE_FLOWS_DIR, fetch: fetchLocal })
    const call = server.call('support')
    await call.start()
    await call.press('2')
    const stats: DuplicateStats = { copies: 0, late: 0, mismatches: [] }
    call.via(duplicating((url, init) => Promise.resolve(server.app.request(url, init)), seeded(1), stats, 0))
    const turn = await call.press('123456')
    expect(stats.mismatches).toEqual([])
    expect(turn.numbers).toEqual(['+15551230001', '+15551230002'])
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatch(/^CA[0-9a-f]{32}:\d+:lookup$/)
    expect(call.problems).toEqual([])
    server.close()
    await new Promise((resolve) => crm.close(resolve))
  })
})
