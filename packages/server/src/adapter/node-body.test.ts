import { createServer, request } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { WebhookError } from '../twilio/webhook.ts'
import { nodeBodyReader, readIncoming } from './node-body.ts'

const LIMIT = 64 * 1024
const servers: Server[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A server that hands each request's body read (bytes, or the refusal) to `seen`. */
async function reading(maxBytes: number): Promise<{ url: string; seen: Array<Promise<Uint8Array>> }> {
  const seen: Array<Promise<Uint8Array>> = []
  const server = createServer((req: IncomingMessage, res) => {
    const read = readIncoming(req, maxBytes)
    seen.push(read)
    read.then(
      (bytes) => res.end(`read ${bytes.length}`),
      (error: WebhookError) => {
        res.statusCode = error.status
        res.end(error.message)
      },
    )
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen }
}

async function refusal(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason)
  if (!(error instanceof WebhookError)) throw new Error(`expected a WebhookError, got ${String(error)}`)
  return error
}

describe('readIncoming', () => {
  it('reads a body with a Content-Length, and one sent in chunks without it, byte for byte', async () => {
    const { url, seen } = await reading(LIMIT)
    const body = Buffer.from('CallSid=CA1&SpeechResult=J%C3%BCrgen')
    expect(await (await fetch(url, { method: 'POST', body })).text()).toBe(`read ${body.length}`)
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of [body.subarray(0, 5), body.subarray(5, 20), body.subarray(20)]) controller.enqueue(part)
        controller.close()
      },
    })
    expect((await fetch(url, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit)).status).toBe(200)
    expect(Buffer.from(await seen[0]!).equals(body)).toBe(true)
    expect(Buffer.from(await seen[1]!).equals(body)).toBe(true)
  })

  it('reads exactly maxBytes and refuses one byte more with 413', async () => {
    const { url } = await reading(LIMIT)
    expect(await (await fetch(url, { method: 'POST', body: Buffer.alloc(LIMIT, 'a') })).text()).toBe(`read ${LIMIT}`)
    expect((await fetch(url, { method: 'POST', body: Buffer.alloc(LIMIT + 1, 'a') })).status).toBe(413)
  })

  it('refuses a client that goes away before the body ends with 400', async () => {
    const { url, seen } = await reading(LIMIT)
    const req = request(url, { method: 'POST', headers: { 'content-length': '1000' } })
    req.on('error', () => undefined)
    req.write('CallSid=CA1&Dig')
    await new Promise((resolve) => setTimeout(resolve, 50))
    req.destroy()
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    expect((await refusal(seen[0]!)).status).toBe(400)
  })

  it('refuses to read a body twice', async () => {
    const server = createServer((req, res) => {
      void readIncoming(req, LIMIT).then(async () => {
        const again = await refusal(readIncoming(req, LIMIT))
        res.end(`${again.status}`)
      })
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', body: 'a=1' })
    expect(await answer.text()).toBe('400')
  })
})

describe('nodeBodyReader', () => {
  const app = new Hono().post('/', async (c) => {
    const read = nodeBodyReader(c)
    return c.text(read === undefined ? 'web' : `node ${(await read(LIMIT)).length}`)
  })

  it('reads the socket under @hono/node-server, and leaves other runtimes to request.body', async () => {
    expect(await (await app.request('/', { method: 'POST', body: 'a=1' })).text()).toBe('web')
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    servers.push(server)
    await new Promise((resolve) => server.once('listening', resolve))
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', body: 'a=12' })
    expect(await answer.text()).toBe('node 4')
  })
})
