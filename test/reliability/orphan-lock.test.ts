import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import twilio from 'twilio'
import { afterAll, describe, expect, it } from 'vitest'
import { createRedisStore } from '../../packages/server/src/store/redis.ts'
import { TEST_AUTH_TOKEN, TEST_PUBLIC_URL, testServer } from '../../packages/server/src/testing.ts'
import { killAll } from '../support/server-process.ts'
import { CLUSTER_AUTH_TOKEN, CLUSTER_PUBLIC_URL, startCluster } from './support/cluster.ts'
import { startMisbehavingBackEnd, writeProbeFlow } from './support/probe.ts'
import { startDurableRedis } from './support/redis.ts'
afterAll(async () => { await killAll() })
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
describe('a call lock left by a dead holder', () => {
  it('after kill -9 mid-webhook, the re-sent webhook continues the call at once (SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonetree-orphan-'))
    const slow = await startMisbehavingBackEnd()
    writeProbeFlow(join(dir, 'flows'), slow.url)
    const cluster = await startCluster({ instances: 1, store: join(dir, 'calls.db'), flowsDir: join(dir, 'flows') })
    const server = cluster.servers[0]!
    const post = (path: string, params: Record<string, string>) => fetch(server.url + path, { method: 'POST', headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(CLUSTER_AUTH_TOKEN, CLUSTER_PUBLIC_URL + path, params) }, body: new URLSearchParams(params).toString() })
    const sid = `CA${'a'.repeat(32)}`
    try {
      expect((await post('/voice/probe', { CallSid: sid })).status).toBe(200)
      const inFlight = post('/voice/probe/1', { CallSid: sid, Digits: '1' }).catch(() => undefined)
      for (let i = 0; i < 100 && !slow.requests.some((r) => r.path === '/hang'); i++) await new Promise((r) => setTimeout(r, 20))
      await server.kill('SIGKILL')
      await inFlight
      await server.restart()
      const began = Date.now()
      const retried = await (await post('/voice/probe/1', { CallSid: sid, Digits: '1' })).text()
      expect(retried).toContain('The back end failed')
      expect(Date.now() - began).toBeLessThan(8000)
    } finally { await cluster.stop(); await slow.close(); rmSync(dir, { recursive: true, force: true }) }
  }, 60_000)
  it("after Redis hung for 3 s, the call's next webhook is served at once (Redis)", async () => {
    const redis = await startDurableRedis()
    const server = await testServer({ store: createRedisStore(redis.url, { prefix: 'frozen:' }) })
    try {
      const call = server.call('verify')
      expect((await call.start()).waiting).toBe('gather')
      redis.freeze()
      const url = `${TEST_PUBLIC_URL}/voice/verify/1`
      const during = server.app.request(url, { method: 'POST', headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, { CallSid: call.sid, Digits: '1' }) }, body: new URLSearchParams({ CallSid: call.sid, Digits: '1' }).toString() })
      await new Promise((r) => setTimeout(r, 3000))
      redis.thaw()
      expect((await during).status).toBe(200)
      await new Promise((r) => setTimeout(r, 200))
      const began = Date.now()
      const turn = await call.press('1')
      expect(turn.heard.join(' ')).toContain('Your code is')
      expect(Date.now() - began).toBeLessThan(8000)
    } finally { server.close(); await server.store.close(); await redis.close() }
  }, 60_000)
})
