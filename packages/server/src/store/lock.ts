import { randomUUID } from 'node:crypto'
import type { StoreOptions } from './types.ts'

/**
 * The lease on a call's shared lock. Short, because it is all a dead holder (kill -9, a Redis
 * that stopped between acquire and release, a lock command applied late by a frozen Redis)
 * can cost the call: well inside Twilio's 15 s, so a re-sent webhook is still served. A live
 * holder keeps its lock however long it runs, by renewing the lease (`renewEveryMs`).
 */
export const DEFAULT_LOCK_TTL_MS = 4000
/** How often a live holder renews its lease, at most: several renewals fit in one lease. */
export const LOCK_RENEW_MS = 1000
/** Below Twilio's 15 s timeout, so a stuck call fails while Twilio still listens. */
export const DEFAULT_LOCK_WAIT_MS = 14_000

/**
 * How often a holder renews a lease of `ttlMs`: every second, or a third of a shorter lease,
 * so two renewals may fail (or arrive late) before the lease runs out.
 *
 * @example renewEveryMs(4000) // 1000
 */
export function renewEveryMs(ttlMs: number): number {
  return Math.max(1, Math.min(LOCK_RENEW_MS, Math.floor(ttlMs / 3)))
}

/**
 * Store options with the defaults filled in.
 *
 * @example lockOptions({ lockWaitMs: 500 }) // { lockTtlMs: 4000, lockWaitMs: 500 }
 */
export function lockOptions(options: StoreOptions = {}): Required<StoreOptions> {
  return { lockTtlMs: options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS, lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS }
}

/** `withCall` waited `lockWaitMs` for a call that another webhook (or process) still holds. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError'
  constructor(readonly sid: string, readonly waitedMs: number) {
    super(`Call ${sid} is busy: gave up waiting for its lock after ${waitedMs} ms (lockWaitMs)`)
  }
}

/**
 * The holder's lease ran out (it could not renew it within `lockTtlMs`, e.g. the store was
 * unreachable or the process stalled) and the lock was lost, so this update was dropped.
 */
export class LostLockError extends Error {
  override readonly name = 'LostLockError'
  constructor(readonly sid: string) {
    super(`Lost the lock on call ${sid}: its lease (lockTtlMs) ran out before it was renewed, so nothing was written`)
  }
}

/**
 * One lock per key inside this process, granted in FIFO order. Entries are deleted when idle,
 * so a server that sees millions of calls keeps no per-call garbage.
 *
 * @example const unlock = await mutex.lock('CA1', Date.now() + 1000); try { … } finally { unlock() }
 */
export class KeyedMutex {
  /** Present while the key is held; the array holds the waiters' hand-over functions. */
  readonly #waiters = new Map<string, Array<() => void>>()

  /** How many keys are held right now. */
  get size(): number {
    return this.#waiters.size
  }

  lock(key: string, deadline: number): Promise<() => void> {
    const queue = this.#waiters.get(key)
    if (queue === undefined) {
      this.#waiters.set(key, [])
      return Promise.resolve(this.#unlocker(key))
    }
    const started = Date.now()
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer)
        resolve(this.#unlocker(key))
      }
      // A waiter that gave up must leave the queue, or a later unlock would hand it a lock
      // nobody releases.
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1)
        reject(new LockTimeoutError(key, Math.max(0, deadline - started)))
      }, Math.max(0, deadline - started))
      queue.push(grant)
    })
  }

  #unlocker(key: string): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      const next = this.#waiters.get(key)?.shift()
      if (next) next()
      else this.#waiters.delete(key)
    }
  }
}

/**
 * Calls `attempt` until it returns true, sleeping 5 → 50 ms (with jitter, so two processes
 * don't retry in lockstep) in between; throws `onTimeout()` once `deadline` has passed.
 * Errors from `attempt` (store down) end the wait at once instead of burning the deadline.
 *
 * @example await pollUntil(() => tryLock(sid, token), Date.now() + 14_000, () => new LockTimeoutError(sid, 14_000))
 */
export async function pollUntil(attempt: () => boolean | Promise<boolean>, deadline: number, onTimeout: () => Error): Promise<void> {
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    if (await attempt()) return
    const left = deadline - Date.now()
    if (left <= 0) throw onTimeout()
    await sleep(Math.min(left, delay * (0.5 + Math.random())))
  }
}

/** @example await sleep(10) */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A lock held on a store shared between processes: its owner token and the local unlock. */
export interface Lease {
  token: string
  unlockLocal: () => void
  /**
   * Set once a renewal found the lock no longer ours (expired and gone, or taken over): the
   * store's write must then fail with LostLockError rather than write.
   */
  lost: boolean
  /** Stops renewing the lease; called once, on release. */
  stopRenewing: () => void
  /**
   * What the store read in the same round trip that took the lock (a Redis script takes the
   * lock and returns the call's record): the value, null when there was none, undefined when
   * the store read nothing. Taken once, by the store's read.
   */
  prefetched?: string | null
  /** Set by a store whose write also gave the lock back, so release need not ask again. */
  releasedWithWrite?: boolean
}

/** An attempt to take a lock: taken or not, or taken together with a value read in the same trip. */
export type Attempt = boolean | { taken: true; read: string | null }

/** How a shared store takes, renews and gives back its cross-process lock row/key. */
export interface RemoteLock {
  /** One atomic attempt: take the lock for `sid` as `token`, or take it over if expired. */
  tryAcquire(sid: string, token: string, ttlMs: number): Attempt | Promise<Attempt>
  /** Sets the lock to expire `ttlMs` from now, only if `token` still owns it; false if it does not. */
  extend(sid: string, token: string, ttlMs: number): boolean | Promise<boolean>
  /** Gives the lock back only if `token` still owns it. */
  release(sid: string, token: string): void | Promise<void>
}

export interface SharedLock {
  acquire(sid: string): Promise<Lease>
  release(sid: string, lease: Lease): Promise<void>
  /** Stops every renewal (the store is closing); the leases then run out on their own. */
  close(): void
}

/**
 * A two-level lock for stores shared between processes: an in-process mutex first, so webhooks
 * of one process queue in memory instead of polling the store against each other, then the
 * store's own lock, polled until `lockWaitMs`. The store lock is a short lease (`lockTtlMs`)
 * renewed every `renewEveryMs` while held, so a live holder keeps it for as long as it runs and
 * a dead one frees it within one lease.
 *
 * @example const lock = sharedLock(remote, options); const lease = await lock.acquire('CA1'); await lock.release('CA1', lease)
 */
export function sharedLock(remote: RemoteLock, options: Required<StoreOptions>): SharedLock {
  const local = new KeyedMutex()
  const held = new Set<Lease>()
  const every = renewEveryMs(options.lockTtlMs)

  const renew = (sid: string, lease: Lease): void => {
    let busy = false
    const timer = setInterval(() => {
      // One renewal at a time: against a hung store, piling up more would not help.
      if (busy) return
      busy = true
      Promise.resolve()
        .then(() => remote.extend(sid, lease.token, options.lockTtlMs))
        .then((ours) => {
          if (ours) return
          lease.lost = true
          lease.stopRenewing()
        })
        // A store error says nothing about the lock: try again on the next tick, and if the
        // store stays away past the lease, the write finds the lock gone.
        .catch(() => undefined)
        .finally(() => {
          busy = false
        })
    }, every)
    // A renewal must never keep a finished process alive.
    timer.unref()
    lease.stopRenewing = () => {
      clearInterval(timer)
      held.delete(lease)
    }
    held.add(lease)
  }

  return {
    async acquire(sid: string): Promise<Lease> {
      const deadline = Date.now() + options.lockWaitMs
      const unlockLocal = await local.lock(sid, deadline)
      const token = randomUUID()
      let prefetched: string | null | undefined
      const attempt = async (): Promise<boolean> => {
        const outcome = await remote.tryAcquire(sid, token, options.lockTtlMs)
        if (typeof outcome === 'boolean') return outcome
        prefetched = outcome.read
        return true
      }
      try {
        await pollUntil(attempt, deadline, () => new LockTimeoutError(sid, options.lockWaitMs))
      } catch (error) {
        // A store error (e.g. a Redis command timeout) may hide an attempt the store still
        // applies later, leaving a lock nobody renews or releases: give it back, best effort.
        if (!(error instanceof LockTimeoutError)) {
          Promise.resolve()
            .then(() => remote.release(sid, token))
            .catch(() => undefined)
        }
        unlockLocal()
        throw error
      }
      const lease: Lease = { token, unlockLocal, lost: false, stopRenewing: () => undefined, ...(prefetched !== undefined ? { prefetched } : {}) }
      renew(sid, lease)
      return lease
    },
    async release(sid: string, lease: Lease): Promise<void> {
      lease.stopRenewing()
      try {
        if (lease.releasedWithWrite !== true) await remote.release(sid, lease.token)
      } finally {
        lease.unlockLocal()
      }
    },
    close(): void {
      for (const lease of [...held]) lease.stopRenewing()
    },
  }
}
