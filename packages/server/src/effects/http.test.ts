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
