import type { CallRecord, CallStepRecord, CallSummary, CallUpdate, ListCallsQuery } from './types.ts'

/** Page size when `listCalls` is given no limit, and the most it returns at once. */
export const DEFAULT_LIST_LIMIT = 50
export const MAX_LIST_LIMIT = 1000

/**
 * The list view of a call: the record without its bulky snapshot and answers.
 *
 * @example summarize(record) // { sid: 'CA1', flow: 'main', node: 'menu', seq: 3, … }
 */
export function summarize(record: CallRecord): CallSummary {
  const { snapshot, answers: _answers, ...rest } = record
  return { ...rest, node: snapshot.node, seq: snapshot.seq }
}

/**
 * A deep copy through JSON, so the memory store hands out exactly what SQLite and Redis would
 * (and a caller mutating a record it read cannot change the stored one).
 *
 * @example const mine = copy(record)
 */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/**
 * How many calls a listing returns: the query's limit, defaulted and clamped.
 *
 * @example listLimit({}) // 50
 */
export function listLimit(query: ListCallsQuery): number {
  return Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)))
}

/**
 * Whether a call belongs in a listing (flow, status and the `before` page cursor).
 *
 * @example records.filter((r) => matchesQuery(r, { status: 'active' }))
 */
export function matchesQuery(record: Pick<CallRecord, 'flow' | 'status' | 'createdAt'>, query: ListCallsQuery): boolean {
  return (query.flow === undefined || record.flow === query.flow)
    && (query.status === undefined || record.status === query.status)
    && (query.before === undefined || record.createdAt < query.before)
}

/**
 * Listing order shared by all stores: newest first, ties broken by sid (descending) so pages
 * are stable.
 *
 * @example records.sort(newestFirst)
 */
export function newestFirst(a: Pick<CallRecord, 'sid' | 'createdAt'>, b: Pick<CallRecord, 'sid' | 'createdAt'>): number {
  return b.createdAt - a.createdAt || (a.sid < b.sid ? 1 : a.sid > b.sid ? -1 : 0)
}

/** What differs between the stores in `withCall`: how to lock, read and write one call. */
export interface CallAccess<L> {
  acquire(sid: string): Promise<L>
  release(sid: string, lease: L): Promise<void>
  /** Reads the call; `lease` is what `acquire` returned, for a store that read it then. */
  read(sid: string, lease: L): Promise<CallRecord | undefined>
  /** Saves the record (if any) and appends the steps in one atomic write, while `lease` holds. */
  write(sid: string, lease: L, record: CallRecord | undefined, steps: CallStepRecord[]): Promise<void>
}

/**
 * The body of every store's `withCall`: lock, read, run `fn`, write what it returned, unlock
 * even when `fn` throws.
 *
 * @example withCall: (sid, fn) => runUpdate(access, sid, fn)
 */
export async function runUpdate<T, L>(access: CallAccess<L>, sid: string, fn: (record: CallRecord | undefined) => Promise<CallUpdate<T>>): Promise<T> {
  const lease = await access.acquire(sid)
  try {
    const update = await fn(await access.read(sid, lease))
    if (update.record !== undefined && update.record.sid !== sid) {
      throw new Error(`withCall('${sid}') returned a record for call '${update.record.sid}'`)
    }
    const steps = update.steps ?? []
    if (update.record !== undefined || steps.length > 0) await access.write(sid, lease, update.record, steps)
    return update.result
  } finally {
    // A failed release (store just went down) must not replace fn's outcome: the update is
    // already written or already failed, and the lease runs out within lockTtlMs anyway.
    await access.release(sid, lease).catch(() => undefined)
  }
}
