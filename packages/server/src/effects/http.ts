import type { CallEvent, HttpEffect } from '@phonetree/engine'

export interface HttpOptions {
  /** Hosts that http nodes may call; empty allows any. */
  allow: readonly string[]
  /** Largest response body read, in bytes (default 1 MB). */
  maxResponseBytes?: number
  /** Sent as `Idempotency-Key`, so a back end can drop a request repeated after a crash. */
  idempotencyKey?: string
  /** Latest time the request may take, for the whole webhook's deadline (epoch ms). */
  deadline?: number
  fetch?: typeof fetch
}

/**
 * Performs an http node's request and turns the outcome into the engine's event: a response
 * becomes HTTP_RESULT (JSON parsed when it is JSON), anything else HTTP_ERROR with a reason.
 * Never throws.
 *
 * @example await performHttp(effect, { allow: [] }) // { type: 'HTTP_RESULT', status: 200, body: { tier: 'gold' } }
 */
export async function performHttp(effect: HttpEffect, options: HttpOptions): Promise<CallEvent> {
  let url: URL
  try {
    url = new URL(effect.url)
  } catch {
    return { type: 'HTTP_ERROR', message: `not a valid URL: ${effect.url.slice(0, 200)}` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { type: 'HTTP_ERROR', message: `only http and https URLs are allowed, not ${url.protocol}` }
  if (options.allow.length > 0 && !options.allow.includes(url.hostname)) return { type: 'HTTP_ERROR', message: `host ${url.hostname} is not in PHONETREE_HTTP_ALLOW` }
  const budget = options.deadline !== undefined ? Math.min(effect.timeoutMs, options.deadline - Date.now()) : effect.timeoutMs
  if (budget <= 0) return { type: 'HTTP_ERROR', message: 'no time left to answer the webhook' }
  const headers = new Headers(effect.headers)
  if (options.idempotencyKey !== undefined && !headers.has('idempotency-key')) headers.set('idempotency-key', options.idempotencyKey)
  if (!headers.has('user-agent')) headers.set('user-agent', 'phonetree')
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: effect.method,
      headers,
      ...(effect.body !== undefined && effect.method !== 'GET' ? { body: effect.body } : {}),
      signal: AbortSignal.timeout(budget),
      redirect: 'follow',
    })
    const text = await readLimited(response, options.maxResponseBytes ?? 1024 * 1024)
    return { type: 'HTTP_RESULT', status: response.status, body: parseBody(text, response.headers.get('content-type')) }
  } catch (error) {
    return { type: 'HTTP_ERROR', message: reason(error, budget) }
  }
}

class MalformedJson extends Error {}
class TooLarge extends Error {}

function parseBody(text: string, contentType: string | null): unknown {
  const looksJson = /\bjson\b/i.test(contentType ?? '') || /^\s*[[{]/.test(text)
  if (!looksJson || text.trim() === '') return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    if (/\bjson\b/i.test(contentType ?? '')) throw new MalformedJson('the response is not valid JSON')
    return text
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new TooLarge(`the response is larger than ${limit} bytes`)
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

function reason(error: unknown, budget: number): string {
  if (error instanceof MalformedJson || error instanceof TooLarge) return error.message
  const name = error instanceof Error ? error.name : ''
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${budget} ms`
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error instanceof Error ? error.message : String(error)}${cause}`
}
