import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'libsql'
import { LostLockError, lockOptions, sharedLock } from './lock.ts'
import type { Lease } from './lock.ts'
import { listLimit, runUpdate, summarize } from './records.ts'
import type { CallAccess } from './records.ts'
import type { CallRecord, CallStepRecord, CallStore, ListCallsQuery, StoreOptions } from './types.ts'

/** How long a statement waits for another process's write before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS calls (
    sid TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS calls_by_created ON calls (created_at DESC, sid DESC);
  CREATE INDEX IF NOT EXISTS calls_by_flow ON calls (flow, created_at DESC, sid DESC);
  CREATE INDEX IF NOT EXISTS calls_by_status ON calls (status, created_at DESC, sid DESC);
  CREATE INDEX IF NOT EXISTS calls_by_updated ON calls (updated_at);
  CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL,
    step TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS steps_by_call ON steps (sid, id);
  CREATE TABLE IF NOT EXISTS flow_versions (
    version TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS pending (
    token TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS locks (
    sid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
`

/**
 * Changes to the schema since the first release, applied in order, once per file: PRAGMA
 * user_version counts how many a file has.
 */
export const MIGRATIONS: readonly string[] = [
  // 1. Locks WITHOUT ROWID: one B-tree instead of a table plus its primary-key index halves
  //    the cost of taking and releasing a lock, which every webhook does. The name stays, so
  //    a process of an older version sharing the file keeps working (SQLite re-prepares its
  //    statements) and keeps excluding the same calls.
  `CREATE TABLE locks_without_rowid (sid TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO locks_without_rowid SELECT sid, owner, expires_at FROM locks;
   DROP TABLE locks;
   ALTER TABLE locks_without_rowid RENAME TO locks;`,
]

/** Applies the migrations a file lacks, in one write transaction, so racing processes apply each once. */
function migrate(db: Database.Database): void {
  const version = () => Number(row<{ user_version: number }>(db.prepare('PRAGMA user_version').get())?.user_version ?? 0)
  if (version() >= MIGRATIONS.length) return
  db.exec('BEGIN IMMEDIATE')
  try {
    for (let at = version(); at < MIGRATIONS.length; at++) db.exec(MIGRATIONS[at]!)
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}

/**
 * The default store: one SQLite file (WAL), shared safely by every server process on the
 * machine, surviving restarts. Creates the file, its folder and the schema when missing.
 *
 * @example const store = createSqliteStore('.phonetree/calls.db')
 */
export function createSqliteStore(path: string, options?: StoreOptions): CallStore {
  const settings = lockOptions(options)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS })
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.exec('PRAGMA journal_mode = WAL')
  // WAL + NORMAL: a power cut may lose the last commits but never corrupts the file.
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec(SCHEMA)
  migrate(db)

  const sql = statements(db)
  const lock = sharedLock({
    // One statement, so two processes racing for a free or expired lock can't both win.
    tryAcquire: (sid, token, ttlMs) => {
      const now = Date.now()
      return sql.takeLock.run(sid, token, now + ttlMs, now).changes === 1
    },
    // Owner-checked, so a holder whose lease ran out and was taken over cannot extend it back.
    extend: (sid, token, ttlMs) => sql.extendLock.run(Date.now() + ttlMs, sid, token).changes === 1,
    release: (sid, token) => {
      sql.releaseLock.run(sid, token)
    },
  }, settings)

  // Runs inside BEGIN IMMEDIATE, so nobody can take the lock over between the check and the
  // write; the lock is given back in the same transaction, which spares the release its own
  // commit (one WAL append of three per webhook).
  const writeCall = db.transaction((sid: string, token: string, record: CallRecord | undefined, steps: CallStepRecord[]) => {
    if (sql.releaseLock.run(sid, token).changes !== 1) throw new LostLockError(sid)
    if (record !== undefined) sql.saveCall.run(sid, record.flow, record.status, record.createdAt, record.updatedAt, JSON.stringify(record))
    for (const step of steps) sql.addStep.run(sid, JSON.stringify(step))
  })
  const purgeCalls = db.transaction((before: number) => {
    sql.purgeSteps.run(before)
    const purged = sql.purgeCalls.run(before).changes
    const now = Date.now()
    sql.purgeLocks.run(now)
    sql.purgePending.run(now)
    return purged
  })

  const getCall = async (sid: string): Promise<CallRecord | undefined> => parse<CallRecord>(row<{ record: string }>(sql.getCall.get(sid))?.record)
  const access: CallAccess<Lease> = {
    acquire: (sid) => lock.acquire(sid),
    release: (sid, lease) => lock.release(sid, lease),
    read: async (sid) => getCall(sid),
    write: async (sid, lease, record, steps) => {
      if (lease.lost) throw new LostLockError(sid)
      writeCall.immediate(sid, lease.token, record, steps)
      lease.releasedWithWrite = true
    },
  }
  const listings = new Map<string, Database.Statement>()

  return {
    kind: 'sqlite',
    withCall: (sid, fn) => runUpdate(access, sid, fn),
    getCall,
    listCalls: async (query = {}) => {
      const { text, params } = listingQuery(query)
      let statement = listings.get(text)
      if (statement === undefined) listings.set(text, (statement = db.prepare(text)))
      return statement.all(...params).map((r) => summarize(JSON.parse(row<{ record: string }>(r)!.record) as CallRecord))
    },
    getSteps: async (sid) => sql.getSteps.all(sid).map((r) => JSON.parse(row<{ step: string }>(r)!.step) as CallStepRecord),
    putFlowVersion: async (flow, version, source) => {
      sql.putFlow.run(version, flow, source, Date.now())
    },
    getFlowVersion: async (version) => {
      // Copy the columns out: libsql rows carry an extra `_metadata` property.
      const found = row<{ flow: string; source: string }>(sql.getFlow.get(version))
      return found === undefined ? undefined : { flow: found.flow, source: found.source }
    },
    putPending: async (token, data, ttlMs) => {
      sql.putPending.run(token, JSON.stringify(data), Date.now() + ttlMs)
    },
    takePending: async (token) => {
      // DELETE … RETURNING: whichever process deletes the row gets the data, nobody else.
      const taken = row<{ data: string; expires_at: number }>(sql.takePending.get(token))
      return taken !== undefined && taken.expires_at > Date.now() ? parse<Record<string, unknown>>(taken.data) : undefined
    },
    purge: async (before) => purgeCalls.immediate(before),
    ping: async () => {
      sql.ping.get()
    },
    close: async () => {
      lock.close()
      if (db.open) db.close()
    },
  }
}

function statements(db: Database.Database) {
  const prepare = (text: string) => db.prepare(text)
  return {
    takeLock: prepare(`INSERT INTO locks (sid, owner, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (sid) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE locks.expires_at <= ?`),
    extendLock: prepare('UPDATE locks SET expires_at = ? WHERE sid = ? AND owner = ?'),
    releaseLock: prepare('DELETE FROM locks WHERE sid = ? AND owner = ?'),
    getCall: prepare('SELECT record FROM calls WHERE sid = ?'),
    // A call's flow and creation time never change; leaving them out of the SET spares two index updates.
    saveCall: prepare(`INSERT INTO calls (sid, flow, status, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (sid) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, record = excluded.record`),
    addStep: prepare('INSERT INTO steps (sid, step) VALUES (?, ?)'),
    getSteps: prepare('SELECT step FROM steps WHERE sid = ? ORDER BY id'),
    putFlow: prepare(`INSERT INTO flow_versions (version, flow, source, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (version) DO UPDATE SET flow = excluded.flow, source = excluded.source`),
    getFlow: prepare('SELECT flow, source FROM flow_versions WHERE version = ?'),
    putPending: prepare(`INSERT INTO pending (token, data, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (token) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`),
    takePending: prepare('DELETE FROM pending WHERE token = ? RETURNING data, expires_at'),
    purgeSteps: prepare('DELETE FROM steps WHERE sid IN (SELECT sid FROM calls WHERE updated_at < ?)'),
    purgeCalls: prepare('DELETE FROM calls WHERE updated_at < ?'),
    purgeLocks: prepare('DELETE FROM locks WHERE expires_at <= ?'),
    purgePending: prepare('DELETE FROM pending WHERE expires_at <= ?'),
    ping: prepare('SELECT 1'),
  }
}

/** Only the conditions the query uses, so SQLite can pick the matching index. */
function listingQuery(query: ListCallsQuery): { text: string; params: Array<string | number> } {
  const where: string[] = []
  const params: Array<string | number> = []
  const add = (condition: string, value: string | number | undefined): void => {
    if (value === undefined) return
    where.push(condition)
    params.push(value)
  }
  add('flow = ?', query.flow)
  add('status = ?', query.status)
  add('created_at < ?', query.before)
  params.push(listLimit(query))
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
  return { text: `SELECT record FROM calls ${filter} ORDER BY created_at DESC, sid DESC LIMIT ?`, params }
}

/** libsql types rows as `unknown`; this names the columns a statement selects. */
function row<T>(value: unknown): T | undefined {
  return value as T | undefined
}

function parse<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as T)
}
