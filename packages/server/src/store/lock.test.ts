import { describe, expect, it } from 'vitest'
import { KeyedMutex, LockTimeoutError, pollUntil } from './lock.ts'

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
