import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HttpEffect } from '@phonetree/engine'
import { performHttp } from './http.ts'

// A real back end on loopback that misbehaves on request.
let server: Server
let base: string
const seen: Array<{ url: string; method: string; headers: IncomingMessage['headers']; body: string }> = []
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ url: req.url!, method: req.method!, headers: req.headers, body })
      switch (req.url) {
        case '/ok': res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier":"gold"}'); break
        case '/text': res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'); break
        case '/boom': res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'); break
        case '/bad-json': res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier": gold'); break
        case '/huge': res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(2_000_000)); break
        case '/reset': req.socket.destroy(); break
        case '/hang': break // never answers
        default: res.writeHead(404).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const effect = (path: string, extra: Partial<HttpEffect> = {}): HttpEffect => ({ type: 'http', node: 'lookup', key: '3:lookup', method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs: 2000, ...extra })

describe('performHttp', () => {
  it('parses a JSON answer and sends the node\'s method, headers, body and an idempotency key', async () => {
    const event = await performHttp(effect('/ok', { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: '{"a":1}' }), { allow: [], idempotencyKey: 'CA1:3:lookup' })
    expect(event).toEqual({ type: 'HTTP_RESULT', status: 200, body: { tier: 'gold' } })
    const request = seen.at(-1)!
    expect(request).toMatchObject({ method: 'POST', body: '{"a":1}' })
    expect(request.headers).toMatchObject({ authorization: 'Bearer x', 'idempotency-key': 'CA1:3:lookup' })
  })

  it('keeps text answers as text and passes error statuses on (the engine routes them to onError)', async () => {
    expect(await performHttp(effect('/text'), { allow: [] })).toEqual({ type: 'HTTP_RESULT', status: 200, body: 'plain words' })
    expect(await performHttp(effect('/boom'), { allow: [] })).toEqual({ type: 'HTTP_RESULT', status: 500, body: { error: 'boom' } })
  })

  it('turns malformed JSON, oversized answers, resets and hangs into HTTP_ERROR with a reason', async () => {
    expect(await performHttp(effect('/bad-json'), { allow: [] })).toEqual({ type: 'HTTP_ERROR', message: 'the response is not valid JSON' })
    expect(await performHttp(effect('/huge'), { allow: [], maxResponseBytes: 1000 })).toEqual({ type: 'HTTP_ERROR', message: 'the response is larger than 1000 bytes' })
    expect(await performHttp(effect('/reset'), { allow: [] })).toMatchObject({ type: 'HTTP_ERROR' })
    expect(await performHttp(effect('/hang', { timeoutMs: 300 }), { allow: [] })).toEqual({ type: 'HTTP_ERROR', message: 'timed out after 300 ms' })
  })

  it('shortens the timeout to what is left of the webhook\'s deadline, and refuses when nothing is left', async () => {
    const result = await performHttp(effect('/hang', { timeoutMs: 10_000 }), { allow: [], deadline: Date.now() + 250 })
    expect(result).toMatchObject({ type: 'HTTP_ERROR', message: expect.stringMatching(/^timed out after \d+ ms$/) })
    expect(Number((result as { message: string }).message.match(/\d+/)![0])).toBeLessThanOrEqual(250)
    expect(await performHttp(effect('/ok'), { allow: [], deadline: Date.now() - 1 })).toEqual({ type: 'HTTP_ERROR', message: 'no time left to answer the webhook' })
  })

  it('only calls allowed hosts, and only over http(s)', async () => {
    const before = seen.length
    expect(await performHttp(effect('/ok'), { allow: ['crm.example.com'] })).toEqual({ type: 'HTTP_ERROR', message: 'host 127.0.0.1 is not in PHONETREE_HTTP_ALLOW' })
    expect(await performHttp(effect('/ok'), { allow: ['127.0.0.1'] })).toMatchObject({ type: 'HTTP_RESULT', status: 200 })
    expect(await performHttp({ ...effect('/ok'), url: 'file:///etc/passwd' }, { allow: [] })).toMatchObject({ type: 'HTTP_ERROR', message: expect.stringContaining('only http and https') })
    expect(await performHttp({ ...effect('/ok'), url: 'not a url' }, { allow: [] })).toMatchObject({ type: 'HTTP_ERROR', message: expect.stringContaining('not a valid URL') })
    expect(seen.length - before).toBe(1)
  })
})

// Two real back ends on different loopback addresses, so the allow-list (which names hosts)
// can allow one and not the other.
describe('performHttp: redirects', () => {
  let inner: Server
  let outer: Server
  let innerBase: string
  let outerBase: string
  const innerSeen: Array<{ url: string; method: string; headers: IncomingMessage['headers']; body: string }> = []
  const outerSeen: Array<{ url: string; authorization: string | undefined }> = []

  beforeAll(async () => {
    inner = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        innerSeen.push({ url: req.url!, method: req.method!, headers: req.headers, body })
        switch (req.url) {
          case '/ok': res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier":"gold"}'); break
          case '/to-outer': res.writeHead(302, { location: `${outerBase}/secret` }).end(); break
          case '/to-ok': res.writeHead(301, { location: '/ok' }).end('moved'); break
          case '/to-ok-307': res.writeHead(307, { location: 'ok' }).end(); break
          case '/see-other': res.writeHead(303, { location: '/ok' }).end(); break
          case '/to-file': res.writeHead(302, { location: 'file:///etc/passwd' }).end(); break
          case '/loop': res.writeHead(302, { location: '/loop' }).end(); break
          default: res.writeHead(404).end()
        }
      })
    })
    outer = createServer((req: IncomingMessage, res: ServerResponse) => {
      outerSeen.push({ url: req.url!, authorization: req.headers.authorization })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret')
    })
    await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => outer.listen(0, '127.0.0.2', resolve))
    innerBase = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`
    outerBase = `http://127.0.0.2:${(outer.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const s of [inner, outer]) {
      s.closeAllConnections()
      await new Promise((resolve) => s.close(resolve))
    }
  })

  const at = (path: string, extra: Partial<HttpEffect> = {}): HttpEffect => ({ ...effect(path, extra), url: `${innerBase}${path}` })

  it('does not follow a redirect to a host off the allow-list', async () => {
    expect(await performHttp(at('/to-outer'), { allow: ['127.0.0.1'] })).toEqual({
      type: 'HTTP_ERROR',
      message: 'redirect to host 127.0.0.2, which is not in PHONETREE_HTTP_ALLOW',
    })
    expect(outerSeen).toEqual([])
  })

  it('does not follow a redirect to another scheme', async () => {
    expect(await performHttp(at('/to-file'), { allow: [] })).toMatchObject({ type: 'HTTP_ERROR', message: expect.stringContaining('only http and https') })
  })

  it('follows redirects within allowed hosts, resolving relative locations, and keeps the headers', async () => {
    const headers = { authorization: 'Bearer x', 'x-tenant': 'a' }
    expect(await performHttp(at('/to-ok', { headers }), { allow: ['127.0.0.1'], idempotencyKey: 'CA1:3:lookup' })).toEqual({ type: 'HTTP_RESULT', status: 200, body: { tier: 'gold' } })
    expect(innerSeen.at(-1)).toMatchObject({ url: '/ok', method: 'GET', headers: { authorization: 'Bearer x', 'x-tenant': 'a', 'idempotency-key': 'CA1:3:lookup' } })
    // 307 keeps the method and the body.
    expect(await performHttp(at('/to-ok-307', { method: 'POST', body: '{"a":1}' }), { allow: ['127.0.0.1'] })).toMatchObject({ type: 'HTTP_RESULT', status: 200 })
    expect(innerSeen.at(-1)).toMatchObject({ url: '/ok', method: 'POST', body: '{"a":1}' })
  })

  it('follows an allowed cross-host redirect but drops the authorization header', async () => {
    expect(await performHttp(at('/to-outer', { headers: { authorization: 'Bearer x' } }), { allow: [] })).toEqual({ type: 'HTTP_RESULT', status: 200, body: 'internal secret' })
    expect(outerSeen).toEqual([{ url: '/secret', authorization: undefined }])
  })

  it('turns a POST into a GET without a body after a 303', async () => {
    const before = innerSeen.length
    const post = at('/see-other', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    expect(await performHttp(post, { allow: ['127.0.0.1'] })).toEqual({ type: 'HTTP_RESULT', status: 200, body: { tier: 'gold' } })
    const [first, second] = innerSeen.slice(before)
    expect(first).toMatchObject({ url: '/see-other', method: 'POST', body: '{"a":1}' })
    expect(second).toMatchObject({ url: '/ok', method: 'GET', body: '' })
    expect(second?.headers['content-type']).toBeUndefined()
  })

  it('stops a redirect loop after 5 redirects', async () => {
    const before = innerSeen.length
    expect(await performHttp(at('/loop'), { allow: ['127.0.0.1'] })).toMatchObject({ type: 'HTTP_ERROR', message: expect.stringContaining('more than 5 redirects') })
    expect(innerSeen.length - before).toBe(6)
  })
})
