import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from './main.ts'
import { createMemoryStore } from '../store/memory.ts'
import { testServer } from '../testing.ts'
import { twilioDialer } from '../api/dialer.ts'
import { readConfig } from '../config.ts'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }
}

const dir = mkdtempSync(join(tmpdir(), 'phonetree-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('phonetree validate', () => {
  it('prints file:line:col: CODE message for each problem and exits 1 on errors', async () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, 'flow: broken\nstart: a\nnodes:\n  a: { type: say, prompt: Hi, next: b }\n')
    const run = io()
    expect(await main(['validate', file], run.io)).toBe(1)
    expect(run.out).toEqual([`${file}:4:37: UNKNOWN_TARGET edge "next" of "a" names no node "b"`])
    expect(run.err).toEqual(['1 flow checked: 1 error, 0 warnings'])
  })

  it('exits 0 for the example flows', async () => {
    const run = io()
    expect(await main(['validate', new URL('../../../../flows', import.meta.url).pathname], run.io)).toBe(0)
    expect(run.out.at(-1)).toBe('5 flows checked: 0 errors, 0 warnings')
  })

  it('exits 2 on an unknown command or a missing path', async () => {
    expect(await main(['frobnicate'], io().io)).toBe(2)
    expect(await main(['validate', join(dir, 'nope')], io().io)).toBe(2)
  })
})

describe('phonetree dial', () => {
  let http: ServerType | undefined
  afterAll(() => http?.close())

  it('asks the running server to place the call, and reports a refusal with its reason', async () => {
    const placed: unknown[] = []
    const store = createMemoryStore()
    const base = await testServer({ store })
    const config = readConfig({ PUBLIC_URL: 'https://ivr.example.com', TWILIO_AUTH_TOKEN: 't', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_FROM: '+15550001111', PHONETREE_DIAL_ALLOW: '+15551230000' })
    const client = { calls: { create: async (options: unknown) => { placed.push(options); return { sid: 'CAdialled' } } } }
    const server = await testServer({ store, dialer: twilioDialer(config, store, base.flows, client as never) })
    const port: number = await new Promise((resolve) => {
      http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
    })
    const ok = io()
    expect(await main(['dial', '--flow', 'verify', '--to', '+15551230000', '--var', 'code=4815', '--server', `http://127.0.0.1:${port}`], ok.io)).toBe(0)
    expect(ok.out).toEqual(['placed call CAdialled to +15551230000 running "verify"'])
    expect(placed).toHaveLength(1)
    const refused = io()
    expect(await main(['dial', '--flow', 'verify', '--to', '+15559990000', '--server', `http://127.0.0.1:${port}`], refused.io)).toBe(1)
    expect(refused.err[0]).toMatch(/refused the call \(403\): refusing to dial \+15559990000/)
    expect(placed).toHaveLength(1)
    base.close()
    server.close()
  })
})
