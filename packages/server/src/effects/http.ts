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

/** Redirects followed before giving up; fetch's own default is 20, but a back end needs one or two. */
const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Headers that describe a body, dropped with the body when a redirect turns the request into a GET (as fetch does). */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location', 'content-length']
/** Credentials that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie']

/**
 * Performs an http node's request and turns the outcome into the engine's event: a response
 * becomes HTTP_RESULT (JSON parsed when it is JSON), anything else HTTP_ERROR with a reason.
 * Redirects are followed by hand (up to 5), each target checked against the allow-list first.
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
  const refused = refuse(url, options.allow, false)
  if (refused !== undefined) return { type: 'HTTP_ERROR', message: refused }
  const budget = options.deadline !== undefined ? Math.min(effect.timeoutMs, options.deadline - Date.now()) : effect.timeoutMs
  if (budget <= 0) return { type: 'HTTP_ERROR', message: 'no time left to answer the webhook' }
  const headers = new Headers(effect.headers)
  if (options.idempotencyKey !== undefined && !headers.has('idempotency-key')) headers.set('idempotency-key', options.idempotencyKey)
  if (!headers.has('user-agent')) headers.set('user-agent', 'phonetree')
  // One signal for every hop, so redirects cannot stretch the request past its budget.
  const signal = AbortSignal.timeout(budget)
  let method: string = effect.method
  let body = effect.body !== undefined && effect.method !== 'GET' ? effect.body : undefined
  try {
    for (let hops = 0; ; hops++) {
      // 'follow' would let a back end on the allow-list bounce the request anywhere (SSRF), so
      // every Location is checked here before it is requested.
      const response = await (options.fetch ?? fetch)(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal,
        redirect: 'manual',
      })
      const location = response.headers.get('location')
      if (!REDIRECT_STATUSES.has(response.status) || location === null) {
        const text = await readLimited(response, options.maxResponseBytes ?? 1024 * 1024)
        return { type: 'HTTP_RESULT', status: response.status, body: parseBody(text, response.headers.get('content-type')) }
      }
      // Release the connection; the redirect's own body is never used.
      await response.body?.cancel()
      if (hops >= MAX_REDIRECTS) return { type: 'HTTP_ERROR', message: `more than ${MAX_REDIRECTS} redirects (last to ${location.slice(0, 200)})` }
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        return { type: 'HTTP_ERROR', message: `redirect to an invalid URL: ${location.slice(0, 200)}` }
      }
      const refusedRedirect = refuse(next, options.allow, true)
      if (refusedRedirect !== undefined) return { type: 'HTTP_ERROR', message: refusedRedirect }
      // Credentials meant for one back end are not handed to another (fetch drops them the same way).
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name)
      // Browsers turn 303, and 301/302 after a POST, into a GET without a body; back ends expect it.
      if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
        for (const name of BODY_HEADERS) headers.delete(name)
      }
      url = next
    }
  } catch (error) {
    return { type: 'HTTP_ERROR', message: reason(error, budget) }
  }
}

/** Why a URL may not be requested (scheme or host off the allow-list), or undefined when it may. */
function refuse(url: URL, allow: readonly string[], redirect: boolean): string | undefined {
  const scheme = `only http and https URLs are allowed, not ${url.protocol}`
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return redirect ? `redirect refused: ${scheme}` : scheme
  if (allow.length === 0 || allow.includes(url.hostname)) return undefined
  return redirect ? `redirect to host ${url.hostname}, which is not in PHONETREE_HTTP_ALLOW` : `host ${url.hostname} is not in PHONETREE_HTTP_ALLOW`
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
