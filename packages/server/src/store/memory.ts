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
  // Kept as JSON text: callers get their own copies by parsing, and nothing is copied twice.
  const calls = new Map<string, string>()
  const steps = new Map<string, string[]>()
  const record = (sid: string): CallRecord | undefined => parsed<CallRecord>(calls.get(sid))
  const flows = new Map<string, { flow: string; source: string }>()
  const pending = new Map<string, { data: Record<string, unknown>; expiresAt: number }>()
  const mutex = new KeyedMutex()

  const access: CallAccess<() => void> = {
    acquire: (sid) => mutex.lock(sid, Date.now() + lockWaitMs),
    release: async (_sid, unlock) => unlock(),
    read: async (sid) => record(sid),
    write: async (sid, _unlock, updated, added) => {
      if (updated !== undefined) calls.set(sid, JSON.stringify(updated))
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
    getCall: async (sid) => record(sid),
    listCalls: async (query = {}) =>
      [...calls.values()].map((json) => JSON.parse(json) as CallRecord).filter((r) => matchesQuery(r, query)).sort(newestFirst).slice(0, listLimit(query)).map(summarize),
    getSteps: async (sid) => (steps.get(sid) ?? []).map((json) => JSON.parse(json) as CallStepRecord),
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
      for (const sid of [...calls.keys()]) {
        if (record(sid)!.updatedAt < before) {
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

function copyOf<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : copy(value)
}

function parsed<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as T)
}
