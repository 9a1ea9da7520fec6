import { describe, expect, it } from 'vitest'
import { KeyedMutex, LockTimeoutError, pollUntil, renewEveryMs, sharedLock, sleep } from './lock.ts'
import type { RemoteLock } from './lock.ts'

describe('KeyedMutex', () => {
  it('grants one key in FIFO order and forgets it when idle', async () => {
    const mutex = new KeyedMutex()
    const order: number[] = []
    const deadline = Date.now() + 5000
    await Promise.all([1, 2, 3].map(async (n) => {
      const unlock = await mutex.lock('CA1', deadline)
      order.push(n)
      await new Promise((resolve) => setTimeout(resolve, 5))
      unlock()
    }))
    expect(order).toEqual([1, 2, 3])
    expect(mutex.size).toBe(0)
  })

  it('lets different keys be held at once', async () => {
    const mutex = new KeyedMutex()
    const a = await mutex.lock('CA1', Date.now() + 50)
    const b = await mutex.lock('CA2', Date.now() + 50)
    expect(mutex.size).toBe(2)
    a()
    b()
    expect(mutex.size).toBe(0)
  })

  it('drops a waiter that timed out, so the lock passes to the next one', async () => {
    const mutex = new KeyedMutex()
    const unlock = await mutex.lock('CA1', Date.now() + 5000)
    const impatient = mutex.lock('CA1', Date.now() + 20)
    const patient = mutex.lock('CA1', Date.now() + 5000)
    await expect(impatient).rejects.toThrow(LockTimeoutError)
    unlock()
    const next = await patient
    next()
    // Unlocking twice must not release somebody else's turn.
    next()
    expect(mutex.size).toBe(0)
  })
})

describe('pollUntil', () => {
  it('retries until the attempt succeeds', async () => {
    let attempts = 0
    await pollUntil(() => ++attempts === 4, Date.now() + 5000, () => new Error('timeout'))
    expect(attempts).toBe(4)
  })

  it('throws the timeout error once the deadline has passed', async () => {
    let attempts = 0
    await expect(pollUntil(() => (attempts++, false), Date.now() + 30, () => new Error('gave up'))).rejects.toThrow('gave up')
    expect(attempts).toBeGreaterThan(1)
  })

  it('stops at the first error of an attempt instead of waiting for the deadline', async () => {
    let attempts = 0
    const failing = async (): Promise<boolean> => {
      attempts++
      throw new Error('store down')
    }
    await expect(pollUntil(failing, Date.now() + 5000, () => new Error('timeout'))).rejects.toThrow('store down')
    expect(attempts).toBe(1)
  })
})

describe('sharedLock', () => {
  const options = { lockTtlMs: 90, lockWaitMs: 200 }

  it('renews every second, or a third of a shorter lease', () => {
    expect(renewEveryMs(4000)).toBe(1000)
    expect(renewEveryMs(300)).toBe(100)
  })

  it('renews the lease while held, and stops once released', async () => {
    const extended: string[] = []
    const remote: RemoteLock = { tryAcquire: () => true, extend: (_sid, token) => (extended.push(token), true), release: () => undefined }
    const lock = sharedLock(remote, options)
    const lease = await lock.acquire('CA1')
    await sleep(150)
    expect(extended.length).toBeGreaterThanOrEqual(2)
    expect(new Set(extended)).toEqual(new Set([lease.token]))
    await lock.release('CA1', lease)
    const after = extended.length
    await sleep(100)
    expect(extended.length).toBe(after)
    expect(lease.lost).toBe(false)
  })

  it('remembers a lease that a renewal found lost', async () => {
    const lock = sharedLock({ tryAcquire: () => true, extend: () => false, release: () => undefined }, options)
    const lease = await lock.acquire('CA1')
    await sleep(80)
    expect(lease.lost).toBe(true)
    await lock.release('CA1', lease)
  })

  it('gives back, best effort, a lock whose acquire failed on a store error', async () => {
    const released: string[] = []
    const remote: RemoteLock = {
      tryAcquire: () => Promise.reject(new Error('command timed out')),
      extend: () => true,
      release: (_sid, token) => void released.push(token),
    }
    const lock = sharedLock(remote, options)
    await expect(lock.acquire('CA1')).rejects.toThrow('command timed out')
    await sleep(0)
    expect(released).toHaveLength(1)
    // The local turn was handed back too: the next acquire is not queued behind the failure.
    await expect(lock.acquire('CA1')).rejects.toThrow('command timed out')
  })
})
