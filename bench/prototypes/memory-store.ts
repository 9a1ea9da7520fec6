/**
 * A prototype of the memory store with the change proposed for
 * packages/server/src/store/memory.ts: keep each call and step as its JSON text, as SQLite and
 * Redis do, so a read is one JSON.parse and a write one JSON.stringify, instead of a deep copy
 * (stringify + parse) on every read and every write, and append a call's steps in place
 * instead of copying the whole list on every webhook. Hand-outs stay independent copies, so
 * callers see exactly what they saw before.
 */
import { KeyedMutex, lockOptions } from '../../packages/server/src/store/lock.ts'
import { listLimit, matchesQuery, newestFirst, runUpdate, summarize } from '../../packages/server/src/store/records.ts'
import type { CallAccess } from '../../packages/server/src/store/records.ts'
import type { CallRecord, CallStepRecord, CallStore, StoreOptions } from '../../packages/server/src/store/types.ts'

interface Stored {
  json: string
  /** The fields listings filter and sort on, so a listing parses only what it returns. */
  flow: string
  status: CallRecord['status']
  createdAt: number
  updatedAt: number
}

/** Same contract as memory.ts's `createMemoryStore`. */
export function createMemoryStore(options?: StoreOptions): CallStore {
  const { lockWaitMs } = lockOptions(options)
  const calls = new Map<string, Stored>()
  const steps = new Map<string, string[]>()
  const flows = new Map<string, { flow: string; source: string }>()
  const pending = new Map<string, { data: string; expiresAt: number }>()
  const mutex = new KeyedMutex()
  const read = (sid: string): CallRecord | undefined => {
    const stored = calls.get(sid)
    return stored === undefined ? undefined : (JSON.parse(stored.json) as CallRecord)
  }

  const access: CallAccess<() => void> = {
    acquire: (sid) => mutex.lock(sid, Date.now() + lockWaitMs),
    release: async (_sid, unlock) => unlock(),
    read: async (sid) => read(sid),
    write: async (sid, _unlock, record, added) => {
      if (record !== undefined) calls.set(sid, { json: JSON.stringify(record), flow: record.flow, status: record.status, createdAt: record.createdAt, updatedAt: record.updatedAt })
      if (added.length > 0) {
        const list = steps.get(sid) ?? []
        for (const step of added) list.push(JSON.stringify(step))
        steps.set(sid, list)
      }
    },
  }

  return {
    kind: 'memory',
    withCall: (sid, fn) => runUpdate(access, sid, fn),
    getCall: async (sid) => read(sid),
    listCalls: async (query = {}) =>
      [...calls.entries()].filter(([, s]) => matchesQuery(s, query))
        .sort(([a, x], [b, y]) => newestFirst({ sid: a, createdAt: x.createdAt }, { sid: b, createdAt: y.createdAt }))
        .slice(0, listLimit(query)).map(([sid]) => summarize(read(sid)!)),
    getSteps: async (sid) => (steps.get(sid) ?? []).map((s) => JSON.parse(s) as CallStepRecord),
    putFlowVersion: async (flow, version, source) => {
      flows.set(version, { flow, source })
    },
    getFlowVersion: async (version) => {
      const found = flows.get(version)
      return found === undefined ? undefined : { ...found }
    },
    putPending: async (token, data, ttlMs) => {
      const now = Date.now()
      for (const [key, entry] of pending) if (entry.expiresAt <= now) pending.delete(key)
      pending.set(token, { data: JSON.stringify(data), expiresAt: now + ttlMs })
    },
    takePending: async (token) => {
      const entry = pending.get(token)
      pending.delete(token)
      return entry !== undefined && entry.expiresAt > Date.now() ? (JSON.parse(entry.data) as Record<string, unknown>) : undefined
    },
    purge: async (before) => {
      let purged = 0
      for (const [sid, stored] of calls) {
        if (stored.updatedAt < before) {
          calls.delete(sid)
          steps.delete(sid)
          purged++
        }
      }
      return purged
    },
    ping: async () => undefined,
    close: async () => undefined,
  }
}
