import type { CallSnapshot } from '@phonetree/engine'

/**
 * Per-call state, kept between webhooks. One record per Twilio CallSid.
 */
export interface CallRecord {
  sid: string
  flow: string
  /** The flow version the call started on; it finishes on it even if the file changes. */
  version: string
  snapshot: CallSnapshot
  /**
   * TwiML answered for recent callback steps, keyed by the step number named in the callback
   * URL, so a webhook delivered twice gets the same answer. Only the last few are kept.
   */
  answers: Record<string, string>
  status: 'active' | 'ended'
  /** How the call ended: `completed`, `busy`, `no-answer`, `failed`, `canceled`, `hangup`, `error`. */
  outcome?: string
  from?: string
  to?: string
  direction?: string
  /** Milliseconds since the epoch. */
  createdAt: number
  updatedAt: number
}

/** One handled webhook (or internal step) of a call, for the call history. */
export interface CallStepRecord {
  sid: string
  /** The call's step number after this step. */
  seq: number
  at: number
  /** What happened: the engine event, or `start`, `status`, `transcription`, `replay`. */
  event: Record<string, unknown>
  /** The node the call rested at afterwards. */
  node: string
  /** Transitions taken, as `from --handle--> to`. */
  taken: string[]
  /** The provider-neutral view that was rendered. */
  view: unknown[]
  /** http effects performed, with their outcome and duration. */
  effects: unknown[]
  /** Run-time errors handled during this step. */
  errors: string[]
  durationMs: number
}

/** Summary of a call for lists. */
export type CallSummary = Omit<CallRecord, 'snapshot' | 'answers'> & { node: string; seq: number }

export interface ListCallsQuery {
  flow?: string
  status?: 'active' | 'ended'
  /** Newest first; pass the `createdAt` of the last item to page. */
  before?: number
  limit?: number
}

/**
 * Where calls live. Three real implementations: memory (one process), SQLite (default; one
 * machine, survives restarts) and Redis (several server instances).
 *
 * Every webhook of a call runs inside `withCall`, which gives it exclusive access to that
 * call's record across all processes sharing the store, so two webhooks for one call never
 * interleave (no lost update), while different calls proceed in parallel.
 */
export interface CallStore {
  readonly kind: 'memory' | 'sqlite' | 'redis'
  /**
   * Runs `fn` holding the call's lock. `fn` sees the current record (undefined for a new call)
   * and returns what to write: a new record (saved atomically with the steps) or nothing.
   * The lock is released afterwards even if `fn` throws. Shared stores hold it as a lease of
   * `lockTtlMs`, renewed while `fn` runs, so a lock left by a crashed process expires within
   * one lease.
   */
  withCall<T>(sid: string, fn: (record: CallRecord | undefined) => Promise<CallUpdate<T>>): Promise<T>
  getCall(sid: string): Promise<CallRecord | undefined>
  listCalls(query?: ListCallsQuery): Promise<CallSummary[]>
  getSteps(sid: string): Promise<CallStepRecord[]>
  /** Flow sources by version, so calls can finish on their version after a restart. */
  putFlowVersion(flow: string, version: string, source: string): Promise<void>
  getFlowVersion(version: string): Promise<{ flow: string; source: string } | undefined>
  /** Pending outbound-call data (starting variables), looked up by a token in the call URL. */
  putPending(token: string, data: Record<string, unknown>, ttlMs: number): Promise<void>
  takePending(token: string): Promise<Record<string, unknown> | undefined>
  /** Deletes calls (and their steps) last updated before `before`; returns how many. */
  purge(before: number): Promise<number>
  /** Fails when the store cannot serve (used by /healthz). */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface CallUpdate<T> {
  result: T
  /** The record to save; omit to leave the stored record as it is. */
  record?: CallRecord
  /** Steps to append to the call's history, in the same write. */
  steps?: CallStepRecord[]
}

export interface StoreOptions {
  /**
   * Lease length of a shared store's call lock (default 4 s): a live holder renews it about
   * every second (a third of a shorter lease), so this is how long a lock outlives a holder
   * that died, not a limit on how long a webhook may run.
   */
  lockTtlMs?: number
  /** How long `withCall` waits for a lock before failing (default 14 s). */
  lockWaitMs?: number
}
