import { resolve } from 'node:path'
import { createMemoryStore } from './memory.ts'
import { createRedisStore } from './redis.ts'
import type { RedisStoreOptions } from './redis.ts'
import { createSqliteStore } from './sqlite.ts'
import type { CallStore } from './types.ts'

/** Where calls are kept when no store is configured, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = '.phonetree/calls.db'

export type StoreSpec = { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string }

/**
 * Reads a `--store` value: nothing → SQLite at `.phonetree/calls.db`, `memory`, `sqlite:PATH`,
 * a path ending in `.db`, or a `redis://` / `rediss://` URL.
 *
 * @example parseStoreSpec('sqlite:/var/lib/phonetree/calls.db') // { kind: 'sqlite', path: '/var/lib/phonetree/calls.db' }
 */
export function parseStoreSpec(spec: string | undefined): StoreSpec {
  const value = spec?.trim() ?? ''
  if (value === '') return { kind: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) }
  if (value === 'memory') return { kind: 'memory' }
  if (/^rediss?:\/\//i.test(value)) return { kind: 'redis', url: value }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length)
    if (path !== '') return { kind: 'sqlite', path: resolve(path) }
  } else if (value.endsWith('.db')) {
    return { kind: 'sqlite', path: resolve(value) }
  }
  throw new Error(`Unknown call store "${spec}": use memory, sqlite:PATH, a file ending in .db, or a redis:// or rediss:// URL`)
}

/**
 * Opens the store a `--store` value names. A Redis store is pinged first, so a wrong URL fails
 * at startup rather than on the first call.
 *
 * @example const store = await openStore(process.env.PHONETREE_STORE)
 */
export async function openStore(spec: string | undefined, options: RedisStoreOptions = {}): Promise<CallStore> {
  const parsed = parseStoreSpec(spec)
  switch (parsed.kind) {
    case 'memory':
      return createMemoryStore(options)
    case 'sqlite':
      return createSqliteStore(parsed.path, options)
    case 'redis': {
      const store = createRedisStore(parsed.url, options)
      try {
        await store.ping()
      } catch (error) {
        await store.close()
        throw error
      }
      return store
    }
  }
}
