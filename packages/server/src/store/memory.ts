import { KeyedMutex, lockOptions } from './lock.ts'
import { copy, listLimit, matchesQuery, newestFirst, runUpdate, summarize } from './records.ts'
import type { CallAccess } from './records.ts'
import type { CallRecord, CallStepRecord, CallStore, StoreOptions } from './types.ts'

/**
 * A store that lives in this process only: for tests, demos and `phonetree serve --store memory`.
 * Calls are lost on restart. A crashed holder cannot outlive its process, so only `lockWaitMs`
 * applies.
 *
 * @example const store = createMemoryStore({ lockWaitMs: 1000 })
 */
export function createMemoryStore(options?: StoreOptions): CallStore {
  const { lockWaitMs } = lockOptions(options)
  const calls = new Map<string, CallRecord>()
  const steps = new Map<string, CallStepRecord[]>()
  const flows = new Map<string, { flow: string; source: string }>()
  const pending = new Map<string, { data: Record<string, unknown>; expiresAt: number }>()
  const mutex = new KeyedMutex()

  const access: CallAccess<() => void> = {
    acquire: (sid) => mutex.lock(sid, Date.now() + lockWaitMs),
    release: async (_sid, unlock) => unlock(),
    read: async (sid) => copyOf(calls.get(sid)),
    write: async (sid, _unlock, record, added) => {
      if (record !== undefined) calls.set(sid, copy(record))
      if (added.length > 0) steps.set(sid, [...(steps.get(sid) ?? []), ...copy(added)])
    },
  }

  return {
    kind: 'memory',
    withCall: (sid, fn) => runUpdate(access, sid, fn),
    getCall: async (sid) => copyOf(calls.get(sid)),
    listCalls: async (query = {}) =>
      [...calls.values()].filter((r) => matchesQuery(r, query)).sort(newestFirst).slice(0, listLimit(query)).map((r) => copy(summarize(r))),
    getSteps: async (sid) => copy(steps.get(sid) ?? []),
    putFlowVersion: async (flow, version, source) => {
      flows.set(version, { flow, source })
    },
    getFlowVersion: async (version) => copyOf(flows.get(version)),
    putPending: async (token, data, ttlMs) => {
      const now = Date.now()
      // Tokens of calls that never connected are never taken: sweep them here instead of a timer.
      for (const [key, entry] of pending) if (entry.expiresAt <= now) pending.delete(key)
      pending.set(token, { data: copy(data), expiresAt: now + ttlMs })
    },
    takePending: async (token) => {
      const entry = pending.get(token)
      pending.delete(token)
      return entry !== undefined && entry.expiresAt > Date.now() ? entry.data : undefined
    },
    purge: async (before) => {
      let purged = 0
      for (const record of calls.values()) {
        if (record.updatedAt < before) {
          calls.delete(record.sid)
          steps.delete(record.sid)
          purged++
        }
      }
      return purged
    },
    ping: async () => undefined,
    close: async () => undefined,
  }
}

function copyOf<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : copy(value)
}
