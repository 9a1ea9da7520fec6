import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore, parseStoreSpec } from './open.ts'

describe('parseStoreSpec', () => {
  it('defaults to SQLite at .phonetree/calls.db in the working directory', () => {
    expect(parseStoreSpec(undefined)).toEqual({ kind: 'sqlite', path: resolve('.phonetree/calls.db') })
    expect(parseStoreSpec('')).toEqual({ kind: 'sqlite', path: resolve('.phonetree/calls.db') })
  })

  it('reads memory, sqlite:PATH, *.db paths and redis URLs', () => {
    expect(parseStoreSpec('memory')).toEqual({ kind: 'memory' })
    expect(parseStoreSpec('sqlite:/var/lib/calls.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/calls.sqlite' })
    expect(parseStoreSpec('data/calls.db')).toEqual({ kind: 'sqlite', path: resolve('data/calls.db') })
    expect(parseStoreSpec('redis://cache:6379/2')).toEqual({ kind: 'redis', url: 'redis://cache:6379/2' })
    expect(parseStoreSpec('rediss://user:pw@cache:6380')).toEqual({ kind: 'redis', url: 'rediss://user:pw@cache:6380' })
  })

  it('rejects anything else with the accepted forms', () => {
    expect(() => parseStoreSpec('postgres://db')).toThrow(/Unknown call store "postgres:\/\/db".*memory.*sqlite:PATH.*redis:\/\//)
    expect(() => parseStoreSpec('sqlite:')).toThrow(/Unknown call store/)
    expect(() => parseStoreSpec('calls.json')).toThrow(/Unknown call store/)
  })
})

describe('openStore', () => {
  it('opens the store the spec names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phonetree-open-'))
    try {
      const memory = await openStore('memory')
      const sqlite = await openStore(`sqlite:${join(dir, 'calls.db')}`)
      expect([memory.kind, sqlite.kind]).toEqual(['memory', 'sqlite'])
      await Promise.all([memory.close(), sqlite.close()])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails at startup, not on the first call, when Redis cannot be reached', async () => {
    // Port 1 on loopback refuses connections.
    await expect(openStore('redis://127.0.0.1:1')).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1.* is unavailable/)
  })
})
