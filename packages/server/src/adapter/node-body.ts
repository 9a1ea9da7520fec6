import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { bodyTooLarge, WebhookError } from '../twilio/webhook.ts'
import type { BodyReader } from '../twilio/webhook.ts'

/**
 * The Node adapter's body reader: reads the request straight from Node's `IncomingMessage`,
 * counting bytes itself. Reading `request.body` instead makes @hono/node-server build a whole
 * web Request (headers, AbortController, a ReadableStream over the socket) before the first
 * byte, about a tenth of a webhook's CPU. The limit does not depend on what Content-Length
 * claims: past `maxBytes` it stops listening and refuses, and node-server discards the rest
 * (its drain is bounded) after the answer.
 *
 * @example createApp({ ...deps, bodyReader: nodeBodyReader })
 */
export function nodeBodyReader(c: Context): BodyReader | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  return isIncoming(incoming) ? (maxBytes) => readIncoming(incoming, maxBytes) : undefined
}

function isIncoming(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && typeof (value as IncomingMessage).on === 'function' && 'readableDidRead' in value
}

/**
 * Reads all of `incoming`, refusing it (413) once more than `maxBytes` arrived and when the
 * client goes away first (400).
 *
 * @example const bytes = await readIncoming(req, 65_536)
 */
export function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  if (incoming.readableDidRead || incoming.readableEnded) return Promise.reject(new WebhookError(400, 'the request body was already read'))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (settle: () => void) => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
      settle()
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Stop holding bytes: nothing more is kept, and the rest is drained after the answer.
        chunks.length = 0
        incoming.pause()
        finish(() => reject(bodyTooLarge(maxBytes)))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => finish(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    const onError = (error: Error) => finish(() => reject(new WebhookError(400, 'could not read the request body', { cause: error })))
    const onClose = () => {
      if (!incoming.readableEnded) finish(() => reject(new WebhookError(400, 'the client closed the connection before the body ended')))
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}
