import { createHash } from 'node:crypto'
import { Redis, ReplyError as UntypedReplyError } from 'ioredis'
import { LostLockError, lockOptions, sharedLock } from './lock.ts'
import type { Lease } from './lock.ts'
import { listLimit, matchesQuery, runUpdate, summarize } from './records.ts'
import type { CallAccess } from './records.ts'
import type { CallRecord, CallStepRecord, CallStore, CallSummary, StoreOptions } from './types.ts'

/**
 * How long a command waits for a (re)connection before failing. Twilio gives a webhook 15 s;
 * an unreachable store should fail fast so the server can answer with an apology instead.
 */
const READY_WAIT_MS = 1500
const CONNECT_TIMEOUT_MS = 2000
/** Bounds a command sent just before the connection went silent (no RST, e.g. a partition). */
const COMMAND_TIMEOUT_MS = 2000
/** Ids fetched per round trip when a listing has to filter by status. */
const LIST_BATCH = 200
const PURGE_BATCH = 500

/**
 * Takes the lock if it is free and, in the same round trip, reads the call it guards.
 * KEYS: lock, call. ARGV: token, ttl ms. Returns {1, record or nil} when taken, {0} when not.
 */
const ACQUIRE_AND_READ = `
  if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {1, redis.call('GET', KEYS[2])} end
  return {0}`

/** Deletes the lock only if we still own it: after expiry it may be someone else's. */
const RELEASE = `
  if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
  return 0`

/** Renews the lease only if we still own the lock: after expiry it may be someone else's. */
const EXTEND = `
  if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return 0`

/**
 * Writes record, index entries and steps in one atomic step, but only while our token still
 * holds the lock, so a holder whose lease ran out cannot overwrite its successor's update;
 * then gives the lock back, saving the release's round trip.
 * KEYS: lock, call, steps, calls, updated[, flow calls]. ARGV: token, sid, record ('' = keep),
 * createdAt, updatedAt, steps….
 */
const WRITE = `
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  if ARGV[3] ~= '' then
    redis.call('SET', KEYS[2], ARGV[3])
    redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
    redis.call('ZADD', KEYS[5], ARGV[5], ARGV[2])
    redis.call('ZADD', KEYS[6], ARGV[4], ARGV[2])
  end
  for i = 6, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
  redis.call('DEL', KEYS[1])
  return 1`

/** Redis answering with an error (ioredis declares the class as `any`). */
const ReplyError: typeof Error = UntypedReplyError

export interface RedisStoreOptions extends StoreOptions {
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
  prefix?: string
}

/**
 * The shared store: several server instances on several machines serve the same calls. Fails
 * fast while Redis is unreachable and reconnects by itself.
 *
 * @example const store = createRedisStore('redis://127.0.0.1:6379', { prefix: 'ivr:' })
 */
export function createRedisStore(url: string, options: RedisStoreOptions = {}): CallStore {
  const settings = lockOptions(options)
  const keys = keyspace(options.prefix ?? 'phonetree:')
  const client = new Redis(url, {
    // Without these, ioredis queues commands while disconnected and retries them 20 times:
    // a webhook would hang for as long as Redis is down.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Keep reconnecting forever, at most a second apart, so service resumes soon after Redis.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  })
  const connection = connectionGuard(client, url)
  const { run } = connection

  const acquireAndRead = script(ACQUIRE_AND_READ)
  const release = script(RELEASE)
  const extend = script(EXTEND)
  const write = script(WRITE)
  const lock = sharedLock({
    tryAcquire: async (sid, token, ttlMs) => {
      const [taken, record] = (await run(() => acquireAndRead(client, [keys.lock(sid), keys.call(sid)], [token, Math.max(1, Math.ceil(ttlMs))]))) as [number, string | null | undefined]
      return taken === 1 ? { taken: true, read: record ?? null } : false
    },
    extend: async (sid, token, ttlMs) => (await run(() => extend(client, [keys.lock(sid)], [token, Math.max(1, Math.ceil(ttlMs))]))) === 1,
    release: async (sid, token) => {
      await run(() => release(client, [keys.lock(sid)], [token]))
    },
  }, settings)

  const getCall = async (sid: string): Promise<CallRecord | undefined> => parse<CallRecord>(await run(() => client.get(keys.call(sid))))
  const access: CallAccess<Lease> = {
    acquire: (sid) => lock.acquire(sid),
    release: (sid, lease) => lock.release(sid, lease),
    read: async (sid, lease) => {
      const prefetched = lease.prefetched
      if (prefetched === undefined) return getCall(sid)
      delete lease.prefetched
      return parse<CallRecord>(prefetched)
    },
    write: async (sid, lease, record, steps) => {
      if (lease.lost) throw new LostLockError(sid)
      const touched = [keys.lock(sid), keys.call(sid), keys.steps(sid), keys.calls, keys.updated]
      if (record !== undefined) touched.push(keys.flowCalls(record.flow))
      const args = [lease.token, sid, record === undefined ? '' : JSON.stringify(record), record?.createdAt ?? 0, record?.updatedAt ?? 0, ...steps.map((s) => JSON.stringify(s))]
      if ((await run(() => write(client, touched, args))) !== 1) throw new LostLockError(sid)
      lease.releasedWithWrite = true
    },
  }

  return {
    kind: 'redis',
    withCall: (sid, fn) => runUpdate(access, sid, fn),
    getCall,
    listCalls: async (query = {}) => {
      const limit = listLimit(query)
      const index = query.flow === undefined ? keys.calls : keys.flowCalls(query.flow)
      const max = query.before === undefined ? '+inf' : `(${query.before}`
      const found: CallSummary[] = []
      // The sorted set gives order, flow and `before`; status is filtered here, page by page.
      for (let offset = 0; found.length < limit; offset += LIST_BATCH) {
        const sids = await run(() => client.zrevrangebyscore(index, max, '-inf', 'LIMIT', offset, LIST_BATCH))
        if (sids.length === 0) break
        const records = await run(() => client.mget(sids.map(keys.call)))
        for (const json of records) {
          const record = parse<CallRecord>(json)
          // An id without a record was purged between the two round trips.
          if (record !== undefined && matchesQuery(record, query) && found.length < limit) found.push(summarize(record))
        }
      }
      return found
    },
    getSteps: async (sid) => (await run(() => client.lrange(keys.steps(sid), 0, -1))).map((s) => JSON.parse(s) as CallStepRecord),
    putFlowVersion: async (flow, version, source) => {
      await run(() => client.set(keys.flowVersion(version), JSON.stringify({ flow, source })))
    },
    getFlowVersion: async (version) => parse<{ flow: string; source: string }>(await run(() => client.get(keys.flowVersion(version)))),
    putPending: async (token, data, ttlMs) => {
      await run(() => client.set(keys.pending(token), JSON.stringify(data), 'PX', Math.max(1, Math.ceil(ttlMs))))
    },
    // GETDEL: of two instances taking the same token, exactly one sees the data.
    takePending: async (token) => parse<Record<string, unknown>>(await run(() => client.getdel(keys.pending(token)))),
    purge: async (before) => {
      let purged = 0
      for (;;) {
        const sids = await run(() => client.zrangebyscore(keys.updated, '-inf', `(${before}`, 'LIMIT', 0, PURGE_BATCH))
        if (sids.length === 0) return purged
        const records = await run(() => client.mget(sids.map(keys.call)))
        const tx = client.multi()
        sids.forEach((sid, i) => {
          const record = parse<CallRecord>(records[i])
          tx.del(keys.call(sid), keys.steps(sid)).zrem(keys.calls, sid).zrem(keys.updated, sid)
          if (record !== undefined) {
            tx.zrem(keys.flowCalls(record.flow), sid)
            purged++
          }
        })
        const results = await run(() => tx.exec())
        const failed = results?.find(([error]) => error !== null)?.[0]
        if (failed) throw failed
      }
    },
    ping: async () => {
      await run(() => client.ping())
    },
    close: async () => {
      lock.close()
      connection.close()
      await client.quit().catch(() => client.disconnect())
    },
  }
}

/** Every key the store uses, in one place. */
function keyspace(prefix: string) {
  return {
    call: (sid: string) => `${prefix}call:${sid}`,
    steps: (sid: string) => `${prefix}steps:${sid}`,
    lock: (sid: string) => `${prefix}lock:${sid}`,
    /** Sorted sets of sids: by createdAt (all calls and per flow) and by updatedAt (for purge). */
    calls: `${prefix}calls`,
    flowCalls: (flow: string) => `${prefix}calls:flow:${flow}`,
    updated: `${prefix}calls:updated`,
    flowVersion: (version: string) => `${prefix}flow-version:${version}`,
    pending: (token: string) => `${prefix}pending:${token}`,
  }
}

/**
 * Runs commands only on a ready connection (waiting briefly for a reconnect), and turns
 * ioredis's connection errors ("Stream isn't writeable…") into one clear message.
 */
function connectionGuard(client: Redis, url: string) {
  let lastError: Error | undefined
  let closed = false
  let waiting: Promise<void> | undefined
  // Without a listener ioredis prints every failed reconnect as an unhandled error.
  client.on('error', (error: Error) => {
    lastError = error
  })
  const where = redactedUrl(url)
  const unavailable = (cause?: unknown): Error =>
    new Error(`Redis at ${where} is unavailable${lastError ? ` (${lastError.message})` : ''}`, { cause: cause ?? lastError })

  const ready = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve()
    if (closed) return Promise.reject(new Error('The Redis call store is closed'))
    // One shared wait, so a burst of webhooks during an outage adds one listener, not hundreds.
    waiting ??= new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        client.off('ready', onReady)
        reject(unavailable())
      }, READY_WAIT_MS)
      client.once('ready', onReady)
    }).finally(() => {
      waiting = undefined
    })
    return waiting
  }

  return {
    async run<T>(command: () => Promise<T>): Promise<T> {
      await ready()
      try {
        return await command()
      } catch (error) {
        // A ReplyError is Redis answering (a bug of ours); anything else is the connection.
        throw error instanceof ReplyError ? error : unavailable(error)
      }
    },
    close(): void {
      closed = true
    },
  }
}

/** An EVALSHA call that loads the script on first use (or after Redis restarted empty). */
function script(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex')
  return async (client: Redis, keys: string[], args: Array<string | number>): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!(error instanceof ReplyError && error.message.startsWith('NOSCRIPT'))) throw error
      return client.eval(lua, keys.length, ...keys, ...args)
    }
  }
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = parsed.password ? '***' : ''
    return parsed.toString()
  } catch {
    return 'the configured URL'
  }
}

function parse<T>(json: string | null | undefined): T | undefined {
  return json === null || json === undefined ? undefined : (JSON.parse(json) as T)
}
