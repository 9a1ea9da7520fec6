import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import Database from 'libsql'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startRedis } from '../../../../test/support/redis.ts'
import type { RedisServer } from '../../../../test/support/redis.ts'
import { LockTimeoutError, LostLockError, sleep } from './lock.ts'
import { createMemoryStore } from './memory.ts'
import { createRedisStore } from './redis.ts'
import { createSqliteStore, MIGRATIONS } from './sqlite.ts'
import type { CallRecord, CallStepRecord, CallStore, StoreOptions } from './types.ts'

/** How a suite gets stores on one backend. */
interface Backend {
  /** Separate instances see the same data, like two processes on one SQLite file or Redis. */
  shared: boolean
  /** Fresh, empty data for one test: opens store instances on it, and reaches past them. */
  fresh(): Promise<Data>
}

interface Data {
  open(options?: StoreOptions): CallStore
  /**
   * Deletes a call's lock row/key behind the stores' backs, as if its holder had stalled past
   * its lease and the lock had expired (shared stores only).
   */
  dropLock?(sid: string): Promise<void>
}

function record(sid: string, changes: Partial<CallRecord> = {}): CallRecord {
  return {
    sid,
    flow: 'main',
    version: 'v1',
    snapshot: {
      flow: 'main',
      version: 'v1',
      node: 'welcome',
      status: 'active',
      seq: 0,
      context: { call: { sid }, vars: {}, input: {}, noInput: 0, noMatch: 0, errors: 0, now: '2025-01-01T00:00:00.000Z' },
    },
    answers: {},
    status: 'active',
    from: '+15550001111',
    to: '+15550002222',
    direction: 'inbound',
    createdAt: 1000,
    updatedAt: 1000,
    ...changes,
  }
}

function step(sid: string, seq: number): CallStepRecord {
  return { sid, seq, at: 1000 + seq, event: { type: 'digits', digits: String(seq) }, node: `n${seq}`, taken: [], view: [], effects: [], errors: [], durationMs: 1 }
}

/** Read-modify-write of the step counter, yielding in the middle so unlocked updates would interleave. */
function increment(store: CallStore, sid: string): Promise<number> {
  return store.withCall(sid, async (current) => {
    const base = current ?? record(sid)
    await sleep(1)
    const seq = base.snapshot.seq + 1
    return { result: seq, record: { ...base, snapshot: { ...base.snapshot, seq }, updatedAt: base.updatedAt + 1 }, steps: [step(sid, seq)] }
  })
}

/** Saves a record with `withCall`, as the server would. */
async function save(store: CallStore, value: CallRecord, steps: CallStepRecord[] = []): Promise<void> {
  await store.withCall(value.sid, async () => ({ result: undefined, record: value, steps }))
}

/** A promise plus the function that settles it, to hold a lock until the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

/** Starts a withCall that holds the lock until `release.open()`, resolving once it holds it. */
async function hold(store: CallStore, sid: string, written?: CallRecord): Promise<{ done: Promise<string>; release: () => void }> {
  const entered = gate()
  const release = gate()
  const done = store.withCall(sid, async () => {
    entered.open()
    await release.promise
    return { result: 'holder', ...(written ? { record: written } : {}) }
  })
  await entered.promise
  return { done, release: release.open }
}

/** The same contract, run against every store. */
function describeStore(name: string, backend: Backend): void {
  describe(`${name} store`, () => {
    let data: Data
    let opened: CallStore[] = []
    let store: CallStore
    const open = (options?: StoreOptions): CallStore => {
      const instance = data.open(options)
      opened.push(instance)
      return instance
    }

    beforeEach(async () => {
      data = await backend.fresh()
      store = open()
    })
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()))
      opened = []
    })

    it('shows a new call to withCall as undefined', async () => {
      const seen = await store.withCall('CA-new', async (current) => ({ result: current }))
      expect(seen).toBeUndefined()
      expect(await store.getCall('CA-new')).toBeUndefined()
      expect(await store.getSteps('CA-new')).toEqual([])
    })

    it('saves the record and steps withCall returns, and hands the record to the next withCall', async () => {
      const first = record('CA1', { answers: { '1': '<Response/>' } })
      const result = await store.withCall('CA1', async () => ({ result: 'saved', record: first, steps: [step('CA1', 1), step('CA1', 2)] }))
      expect(result).toBe('saved')
      expect(await store.getCall('CA1')).toEqual(first)
      expect(await store.getSteps('CA1')).toEqual([step('CA1', 1), step('CA1', 2)])
      const seen = await store.withCall('CA1', async (current) => ({ result: current }))
      expect(seen).toEqual(first)
    })

    it('appends steps in write order across webhooks', async () => {
      await save(store, record('CA1'), [step('CA1', 1), step('CA1', 2)])
      await save(store, record('CA1', { updatedAt: 2000 }), [step('CA1', 3)])
      // Steps without a record (a logged replay) are appended too.
      await store.withCall('CA1', async () => ({ result: undefined, steps: [step('CA1', 4)] }))
      await save(store, record('CA2'), [step('CA2', 9)])
      expect((await store.getSteps('CA1')).map((s) => s.seq)).toEqual([1, 2, 3, 4])
      expect((await store.getSteps('CA2')).map((s) => s.seq)).toEqual([9])
    })

    it('lists summaries newest first, filtered by flow and status, paged with before and limit', async () => {
      await save(store, record('CA-a', { createdAt: 1000 }))
      await save(store, record('CA-b', { createdAt: 2000, status: 'ended', outcome: 'completed' }))
      await save(store, record('CA-c', { createdAt: 3000, flow: 'other' }))
      await save(store, record('CA-d', { createdAt: 4000 }))
      await save(store, record('CA-e', { createdAt: 5000, flow: 'other', status: 'ended' }))
      const sids = async (query?: Parameters<CallStore['listCalls']>[0]) => (await store.listCalls(query)).map((c) => c.sid)

      expect(await sids()).toEqual(['CA-e', 'CA-d', 'CA-c', 'CA-b', 'CA-a'])
      expect(await sids({ flow: 'main' })).toEqual(['CA-d', 'CA-b', 'CA-a'])
      expect(await sids({ status: 'ended' })).toEqual(['CA-e', 'CA-b'])
      expect(await sids({ flow: 'main', status: 'active' })).toEqual(['CA-d', 'CA-a'])
      expect(await sids({ limit: 2 })).toEqual(['CA-e', 'CA-d'])
      expect(await sids({ before: 4000, limit: 2 })).toEqual(['CA-c', 'CA-b'])
      expect(await sids({ before: 2000 })).toEqual(['CA-a'])
      expect(await sids({ flow: 'other', before: 5000 })).toEqual(['CA-c'])
      expect(await sids({ flow: 'nope' })).toEqual([])

      const [summary] = await store.listCalls({ before: 2001, status: 'ended' })
      expect(summary).toEqual({
        sid: 'CA-b', flow: 'main', version: 'v1', status: 'ended', outcome: 'completed', from: '+15550001111', to: '+15550002222',
        direction: 'inbound', createdAt: 2000, updatedAt: 1000, node: 'welcome', seq: 0,
      })
      expect(summary).not.toHaveProperty('snapshot')
      expect(summary).not.toHaveProperty('answers')

      // An update moves the call between status filters but keeps its place in the list.
      await save(store, record('CA-d', { createdAt: 4000, status: 'ended', updatedAt: 9000 }))
      expect(await sids({ status: 'ended' })).toEqual(['CA-e', 'CA-d', 'CA-b'])
      expect(await sids({ status: 'active' })).toEqual(['CA-c', 'CA-a'])
      expect(await sids()).toEqual(['CA-e', 'CA-d', 'CA-c', 'CA-b', 'CA-a'])
    })

    it('leaves the stored call unchanged when withCall returns no record, even if fn mutated it', async () => {
      const saved = record('CA1', { answers: { '1': '<Response/>' } })
      await save(store, saved, [step('CA1', 1)])
      const result = await store.withCall('CA1', async (current) => {
        current!.status = 'ended'
        current!.answers['2'] = '<Response><Hangup/></Response>'
        return { result: 'nothing' }
      })
      expect(result).toBe('nothing')
      expect(await store.getCall('CA1')).toEqual(saved)
      expect(await store.getSteps('CA1')).toEqual([step('CA1', 1)])
    })

    it('releases the lock and writes nothing when fn throws', async () => {
      const quick = open({ lockWaitMs: 200 })
      await save(quick, record('CA1'), [step('CA1', 1)])
      await expect(quick.withCall('CA1', async () => {
        throw new Error('flow blew up')
      })).rejects.toThrow('flow blew up')
      expect(await quick.getCall('CA1')).toEqual(record('CA1'))
      expect(await quick.getSteps('CA1')).toEqual([step('CA1', 1)])
      // Were the lock still held, these would fail with LockTimeoutError after 200 ms.
      expect(await increment(quick, 'CA1')).toBe(1)
      if (backend.shared) expect(await increment(open({ lockWaitMs: 200 }), 'CA1')).toBe(2)
    })

    it('rejects a record saved under another call\'s sid and writes nothing', async () => {
      await expect(store.withCall('CA1', async () => ({ result: 0, record: record('CA2') }))).rejects.toThrow(/CA2/)
      expect(await store.getCall('CA1')).toBeUndefined()
      expect(await store.getCall('CA2')).toBeUndefined()
    })

    it('loses no update: 50 concurrent increments of one call give 50', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => increment(store, 'CA1')))
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect((await store.getCall('CA1'))?.snapshot.seq).toBe(50)
      expect((await store.getSteps('CA1')).map((s) => s.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    })

    if (backend.shared) {
      it('loses no update across two store instances (two processes) on the same data', async () => {
        const other = open()
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => increment(i % 2 === 0 ? store : other, 'CA1')))
        expect(new Set(results).size).toBe(50)
        expect((await store.getCall('CA1'))?.snapshot.seq).toBe(50)
        expect((await other.getSteps('CA1')).map((s) => s.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      })
    }

    it('does not make one call wait for another call\'s lock', async () => {
      const order: string[] = []
      const other = backend.shared ? open() : store
      const holding = gate()
      const slow = store.withCall('CA-slow', async () => {
        holding.open()
        await sleep(300)
        order.push('slow')
        return { result: undefined }
      })
      await holding.promise
      await other.withCall('CA-fast', async () => {
        order.push('fast')
        return { result: undefined }
      })
      await slow
      expect(order).toEqual(['fast', 'slow'])
    })

    it('rejects withCall with a LockTimeoutError once lockWaitMs has passed, without disturbing the holder', async () => {
      const quick = open({ lockWaitMs: 100 })
      const holder = await hold(quick, 'CA1', record('CA1', { outcome: 'holder' }))
      const waiting = quick.withCall('CA1', async () => ({ result: 'waiter', record: record('CA1', { outcome: 'waiter' }) }))
      await expect(waiting).rejects.toThrow(LockTimeoutError)
      await expect(waiting).rejects.toThrow(/CA1.*lockWaitMs/)
      if (backend.shared) {
        await expect(open({ lockWaitMs: 100 }).withCall('CA1', async () => ({ result: 'remote' }))).rejects.toThrow(LockTimeoutError)
      }
      holder.release()
      expect(await holder.done).toBe('holder')
      expect((await quick.getCall('CA1'))?.outcome).toBe('holder')
      // The waiter that gave up must not have been left in the queue holding the next turn.
      expect(await increment(quick, 'CA1')).toBe(1)
    })

    if (backend.shared) {
      it('keeps the lock of a holder that runs past its lease, by renewing it', async () => {
        const holder = await hold(open({ lockTtlMs: 300 }), 'CA1', record('CA1', { outcome: 'holder' }))
        // Over three leases: without renewal the lock would have expired twice over.
        await sleep(1000)
        const intruder = open({ lockWaitMs: 400 }).withCall('CA1', async () => ({ result: 'intruder', record: record('CA1', { outcome: 'intruder' }) }))
        await expect(intruder).rejects.toThrow(LockTimeoutError)
        holder.release()
        expect(await holder.done).toBe('holder')
        expect((await store.getCall('CA1'))?.outcome).toBe('holder')
      })

      it('takes over a lock left by a dead holder within about one lease', async () => {
        const crashed = open({ lockTtlMs: 300 })
        const zombie = await hold(crashed, 'CA1')
        // Closing stops its renewals, as a kill -9 would; the lock is left behind unreleased.
        await crashed.close()
        const survivor = open({ lockWaitMs: 5000 })
        expect(await increment(survivor, 'CA1')).toBe(1)
        expect((await store.getCall('CA1'))?.snapshot.seq).toBe(1)
        zombie.release()
        // Its store is closed: whatever it tries now fails, and writes nothing.
        await zombie.done.catch(() => undefined)
        expect((await store.getCall('CA1'))?.snapshot.seq).toBe(1)
      })

      it('stops a holder that lost its lock from writing over, or unlocking, its successor', async () => {
        const slow = open({ lockTtlMs: 300 })
        const zombie = await hold(slow, 'CA1', record('CA1', { outcome: 'zombie' }))
        // As if the holder had stalled past its lease: the lock is gone and taken over.
        await data.dropLock!('CA1')
        const successor = open({ lockWaitMs: 5000 })
        const probeWhileHeld = await successor.withCall('CA1', async () => {
          // Long enough for the zombie's renewal to find the lock taken.
          await sleep(300)
          zombie.release()
          await expect(zombie.done).rejects.toThrow(LostLockError)
          // Had the zombie's release deleted our lock, this probe would get in.
          const probe = open({ lockWaitMs: 150 }).withCall('CA1', async () => ({ result: 'probe got in' }))
          return { result: await probe.catch((error: unknown) => error), record: record('CA1', { outcome: 'successor' }) }
        })
        expect(probeWhileHeld).toBeInstanceOf(LockTimeoutError)
        expect((await store.getCall('CA1'))?.outcome).toBe('successor')
      })
    }

    it('round-trips flow versions', async () => {
      await store.putFlowVersion('main', 'v1', 'flow: main\nstart: a\n')
      await store.putFlowVersion('main', 'v2', 'flow: main\nstart: b\n')
      await store.putFlowVersion('main', 'v1', 'flow: main\nstart: a\n')
      expect(await store.getFlowVersion('v1')).toEqual({ flow: 'main', source: 'flow: main\nstart: a\n' })
      expect(await store.getFlowVersion('v2')).toEqual({ flow: 'main', source: 'flow: main\nstart: b\n' })
      expect(await store.getFlowVersion('v3')).toBeUndefined()
    })

    it('hands pending data out once, and never after it expired', async () => {
      await store.putPending('tok1', { vars: { name: 'Ada' }, n: 1 }, 60_000)
      expect(await store.takePending('tok1')).toEqual({ vars: { name: 'Ada' }, n: 1 })
      expect(await store.takePending('tok1')).toBeUndefined()
      expect(await store.takePending('unknown')).toBeUndefined()

      await store.putPending('tok2', { n: 2 }, 1)
      await sleep(30)
      expect(await store.takePending('tok2')).toBeUndefined()

      await store.putPending('tok3', { n: 3 }, 60_000)
      const other = backend.shared ? open() : store
      const taken = await Promise.all([store.takePending('tok3'), other.takePending('tok3'), store.takePending('tok3')])
      expect(taken.filter((t) => t !== undefined)).toEqual([{ n: 3 }])
    })

    it('purges calls and their steps last updated before the cutoff', async () => {
      await save(store, record('CA-old', { createdAt: 100, updatedAt: 1000 }), [step('CA-old', 1)])
      await save(store, record('CA-older', { createdAt: 50, updatedAt: 500, flow: 'other' }), [step('CA-older', 1)])
      await save(store, record('CA-new', { createdAt: 200, updatedAt: 3000 }), [step('CA-new', 1)])
      expect(await store.purge(2000)).toBe(2)
      expect(await store.getCall('CA-old')).toBeUndefined()
      expect(await store.getSteps('CA-old')).toEqual([])
      expect(await store.getSteps('CA-older')).toEqual([])
      expect(await store.getCall('CA-new')).toEqual(record('CA-new', { createdAt: 200, updatedAt: 3000 }))
      expect(await store.getSteps('CA-new')).toEqual([step('CA-new', 1)])
      expect((await store.listCalls()).map((c) => c.sid)).toEqual(['CA-new'])
      expect(await store.listCalls({ flow: 'other' })).toEqual([])
      expect(await store.purge(2000)).toBe(0)
      // A purged sid starts over as a new call.
      expect(await increment(store, 'CA-old')).toBe(1)
    })

    it('answers ping while it can serve', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}

describeStore('memory', {
  shared: false,
  fresh: async () => ({ open: (options) => createMemoryStore(options) }),
})

describe('sqlite', () => {
  const dirs: string[] = []
  const freshPath = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'phonetree-store-'))
    dirs.push(dir)
    return join(dir, 'nested', 'folder', 'calls.db')
  }
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  describeStore('sqlite', {
    shared: true,
    fresh: async () => {
      const path = await freshPath()
      return {
        open: (options) => createSqliteStore(path, options),
        dropLock: async (sid) => {
          const db = new Database(path)
          try {
            db.prepare('DELETE FROM locks WHERE sid = ?').run(sid)
          } finally {
            db.close()
          }
        },
      }
    },
  })

  it('creates the missing folder and keeps every call across a restart', async () => {
    const path = await freshPath()
    const before = createSqliteStore(path)
    expect(existsSync(path)).toBe(true)
    await save(before, record('CA1', { createdAt: 1 }), [step('CA1', 1)])
    await increment(before, 'CA2')
    await before.putFlowVersion('main', 'v1', 'source')
    await before.putPending('tok', { n: 1 }, 60_000)
    await before.close()

    const after = createSqliteStore(path, { lockWaitMs: 500 })
    try {
      expect(await after.getCall('CA1')).toEqual(record('CA1', { createdAt: 1 }))
      expect(await after.getSteps('CA1')).toEqual([step('CA1', 1)])
      expect((await after.listCalls()).map((c) => c.sid)).toEqual(['CA2', 'CA1'])
      expect(await after.getFlowVersion('v1')).toEqual({ flow: 'main', source: 'source' })
      expect(await after.takePending('tok')).toEqual({ n: 1 })
      // The calls continue: their locks were released before the restart.
      expect(await increment(after, 'CA2')).toBe(2)
    } finally {
      await after.close()
    }
  })
  it('migrates a file of the first schema in place: locks become WITHOUT ROWID, a held lock still holds, calls are kept', async () => {
    const path = await freshPath()
    const first = createSqliteStore(path)
    await save(first, record('CA1', { createdAt: 1 }), [step('CA1', 1)])
    await first.close()
    // Put the file back to the first schema, with a lock another process holds.
    const db = new Database(path)
    db.exec(`DROP TABLE locks; CREATE TABLE locks (sid TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
      INSERT INTO locks VALUES ('CA1', 'other-process', ${Date.now() + 60_000}); PRAGMA user_version = 0`)
    db.close()

    const migrated = createSqliteStore(path, { lockWaitMs: 200 })
    try {
      const check = new Database(path)
      const table = check.prepare("SELECT sql FROM sqlite_master WHERE name = 'locks'").get() as { sql: string }
      const version = check.prepare('PRAGMA user_version').get() as { user_version: number }
      check.close()
      expect(table.sql).toMatch(/WITHOUT ROWID/)
      expect(version.user_version).toBe(MIGRATIONS.length)
      await expect(increment(migrated, 'CA1')).rejects.toBeInstanceOf(LockTimeoutError)
      expect(await migrated.getCall('CA1')).toEqual(record('CA1', { createdAt: 1 }))
      expect(await migrated.getSteps('CA1')).toEqual([step('CA1', 1)])
    } finally {
      await migrated.close()
    }
    // Opening a migrated file changes nothing more.
    const again = createSqliteStore(path)
    await again.close()
  })

  it('answers a webhook in two commits: take the lock, then write with the release', async () => {
    const path = await freshPath()
    const store = createSqliteStore(path)
    const admin = new Database(path)
    // Commits since the WAL was last emptied: one commit frame (header bytes 4–7 non-zero) each.
    const commits = (): number => {
      const wal = readFileSync(`${path}-wal`)
      if (wal.length < 32) return 0
      const pageSize = wal.readUInt32BE(8)
      let count = 0
      for (let at = 32; at + 24 <= wal.length; at += 24 + pageSize) if (wal.readUInt32BE(at + 4) !== 0) count++
      return count
    }
    try {
      await save(store, record('CA1'))
      admin.exec('PRAGMA wal_checkpoint(TRUNCATE)')
      expect(commits()).toBe(0)
      const seen = await store.withCall('CA1', async (current) => ({ result: current?.status, record: record('CA1', { status: 'ended' }), steps: [step('CA1', 2)] }))
      expect(seen).toBe('active')
      expect(commits()).toBe(2)
      expect(admin.prepare('SELECT count(*) AS n FROM locks').get()).toMatchObject({ n: 0 })
      expect((await store.getCall('CA1'))?.status).toBe('ended')
      expect(await store.getSteps('CA1')).toEqual([step('CA1', 2)])
      // With nothing to write, the lock is given back on its own.
      admin.exec('PRAGMA wal_checkpoint(TRUNCATE)')
      await store.withCall('CA1', async () => ({ result: undefined }))
      expect(commits()).toBe(2)
      expect(admin.prepare('SELECT count(*) AS n FROM locks').get()).toMatchObject({ n: 0 })
    } finally {
      admin.close()
      await store.close()
    }
  })

  it('lets two processes open a new file at once; both run, and the file is migrated once', async () => {
    const path = await freshPath()
    const opened = await Promise.all([0, 1].map(() => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
        import { createSqliteStore } from ${JSON.stringify(new URL('./sqlite.ts', import.meta.url).pathname)}
        const store = createSqliteStore(${JSON.stringify(path)})
        await store.close()
        process.stdout.write('ok')
      `], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (out += d.toString()))
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))))
    })))
    expect(opened).toEqual(['ok', 'ok'])
    const check = new Database(path)
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(MIGRATIONS.length)
    check.close()
  })
})

describe('redis', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })

  describeStore('redis', {
    shared: true,
    fresh: async () => {
      const prefix = `test:${randomUUID()}:`
      return {
        open: (options) => createRedisStore(server.url, { ...options, prefix }),
        dropLock: async (sid) => {
          const client = new Redis(server.url)
          try {
            await client.del(`${prefix}lock:${sid}`)
          } finally {
            client.disconnect()
          }
        },
      }
    },
  })

  it('answers a webhook in two round trips: take the lock with the read, then write with the release', async () => {
    const prefix = `test:${randomUUID()}:`
    const store = createRedisStore(server.url, { prefix })
    const admin = new Redis(server.url)
    const watcher = new Redis(server.url)
    const monitor = await watcher.monitor()
    // What clients sent, leaving out the commands scripts run inside Redis.
    const sent: string[] = []
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((a) => a.includes(prefix))) sent.push(args[0]!.toLowerCase())
    })
    try {
      await save(store, record('CA1'))
      await sleep(100)
      sent.length = 0
      const seen = await store.withCall('CA1', async (current) => ({ result: current?.status, record: record('CA1', { status: 'ended' }), steps: [step('CA1', 2)] }))
      await sleep(100)
      expect(seen).toBe('active')
      expect(sent).toEqual(['evalsha', 'evalsha'])
      expect(await admin.exists(`${prefix}lock:CA1`)).toBe(0)
      expect((await store.getCall('CA1'))?.status).toBe('ended')
      // With nothing to write, the lock is given back on its own.
      await store.withCall('CA1', async () => ({ result: undefined }))
      expect(await admin.exists(`${prefix}lock:CA1`)).toBe(0)
    } finally {
      monitor.disconnect()
      watcher.disconnect()
      admin.disconnect()
      await store.close()
    }
  })

  it('fails fast while Redis is down and serves again once it is back, without a new store', async () => {
    const store = createRedisStore(server.url, { prefix: `test:${randomUUID()}:` })
    try {
      expect(await increment(store, 'CA1')).toBe(1)
      await server.stop()

      // Settles each call or reports 'hung' if it is still pending after 3 s.
      const outcome = (call: Promise<unknown>) =>
        Promise.race([call.then(() => 'resolved', (error: Error) => error.message), sleep(3000).then(() => 'hung')])
      const [read, update, ping] = await Promise.all([outcome(store.getCall('CA1')), outcome(increment(store, 'CA1')), outcome(store.ping())])
      expect(read).toMatch(/Redis at .* is unavailable/)
      expect(update).toMatch(/Redis at .* is unavailable/)
      expect(ping).toMatch(/Redis at .* is unavailable/)

      await server.restart()
      await vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 100 })
      // The restarted server is empty (no persistence in tests): the call starts over.
      expect(await increment(store, 'CA1')).toBe(1)
      expect((await store.getCall('CA1'))?.snapshot.seq).toBe(1)
    } finally {
      await store.close()
    }
  })
})
