/**
 * The HTTP services the example flows call (CRM, clinic, band API), standing in on loopback or
 * in-process. Every answer is a pure function of the request's `Idempotency-Key` and path, so
 * the engine model that predicts a call's path and the server that plays it see the same back
 * end without talking to each other. Every request is counted by key, which is how duplicate
 * effects (a retried webhook, a crash between request and save) are measured.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { CallEvent, HttpEffect } from '@phonetree/engine'
import { unitHash } from './rng.ts'

/** What the back end does with one request. */
export type Outcome =
  | { kind: 'json'; status: number; body: unknown }
  /** 200 with `content-type: application/json` and a body that is not JSON. */
  | { kind: 'malformed' }
  /** The connection is closed before any answer. */
  | { kind: 'reset' }

/** How often requests fail, each in [0, 1]; the rest succeed. */
export interface FailureRates {
  reset: number
  malformed: number
  serverError: number
}

export const DEFAULT_RATES: FailureRates = { reset: 0.04, malformed: 0.04, serverError: 0.08 }
export const NO_FAILURES: FailureRates = { reset: 0, malformed: 0, serverError: 0 }

/** The example flows' hosts and the path prefix each gets on the local back end. */
export const SERVICE_HOSTS: Readonly<Record<string, string>> = {
  'crm.example.com': '/crm',
  'clinic.example.com': '/clinic',
  'api.nightowls.example': '/nightowls',
}

const NAMES = ['Ada', 'Grace', 'Linus', "O'Brien & <Sons>", 'Zoë']
const CITIES = ['Oslo', 'Bergen', 'Tromsø', 'Austin']

/**
 * The path a request has on the local back end: example hosts become a prefix, loopback URLs
 * keep their path. Anything else is refused, so no test can send a flow to a real host.
 *
 * @example servicePath('https://crm.example.com/accounts/1') // '/crm/accounts/1'
 */
export function servicePath(url: string): string {
  const parsed = new URL(url)
  const prefix = SERVICE_HOSTS[parsed.hostname]
  if (prefix !== undefined) return prefix + parsed.pathname + parsed.search
  if (parsed.hostname === '127.0.0.1') return parsed.pathname + parsed.search
  throw new Error(`refusing a request to ${parsed.hostname}: tests only reach loopback`)
}

/**
 * The back end's answer to one request, decided by its idempotency key and path alone.
 *
 * @example outcomeFor('CA1:3:lookup', 'GET', '/crm/accounts/123456', DEFAULT_RATES)
 */
export function outcomeFor(key: string, method: string, path: string, rates: FailureRates): Outcome {
  const roll = unitHash(`fail|${key}`)
  if (roll < rates.reset) return { kind: 'reset' }
  if (roll < rates.reset + rates.malformed) return { kind: 'malformed' }
  if (roll < rates.reset + rates.malformed + rates.serverError) return { kind: 'json', status: 500, body: { error: 'internal' } }
  const pick = <T>(items: readonly T[], salt: string): T => items[Math.floor(unitHash(`${salt}|${key}`) * items.length)]!
  if (method === 'GET' && path.startsWith('/crm/accounts/')) {
    return { kind: 'json', status: 200, body: { tier: pick(['gold', 'silver', 'bronze'], 'tier'), name: pick(NAMES, 'name') } }
  }
  if (method === 'POST' && path === '/crm/tickets') return { kind: 'json', status: 201, body: { id: `T-${key.length}` } }
  if (method === 'POST' && path.startsWith('/clinic/')) return { kind: 'json', status: 200, body: { ok: true } }
  if (method === 'GET' && path.startsWith('/nightowls/shows')) {
    const count = Math.floor(unitHash(`shows|${key}`) * 4)
    return { kind: 'json', status: 200, body: { shows: CITIES.slice(0, count).map((city, i) => ({ city, date: `May ${i + 2}` })) } }
  }
  if (method === 'POST' && path === '/nightowls/fan-messages') return { kind: 'json', status: 201, body: { ok: true } }
  return { kind: 'json', status: 404, body: { error: 'not found' } }
}

/**
 * The engine event the server makes of an outcome (performHttp's rules): JSON answers of any
 * status are results, everything else is an error.
 */
export function eventFor(outcome: Outcome): CallEvent {
  switch (outcome.kind) {
    case 'json':
      return { type: 'HTTP_RESULT', status: outcome.status, body: outcome.body }
    case 'malformed':
      return { type: 'HTTP_ERROR', message: 'the response is not valid JSON' }
    case 'reset':
      return { type: 'HTTP_ERROR', message: 'fetch failed: other side closed' }
  }
}

/** What the engine model feeds back for an effect of call `sid`. */
export function modelEvent(sid: string, effect: HttpEffect, rates: FailureRates): CallEvent {
  return eventFor(outcomeFor(`${sid}:${effect.key}`, effect.method, servicePath(effect.url), rates))
}

/** Requests counted by idempotency key. */
export class EffectLedger {
  readonly counts = new Map<string, number>()
  /** Requests that came without an idempotency key. */
  unkeyed = 0

  record(key: string | null): void {
    if (key === null) {
      this.unkeyed++
      return
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  get total(): number {
    let sum = this.unkeyed
    for (const n of this.counts.values()) sum += n
    return sum
  }

  get distinct(): number {
    return this.counts.size
  }

  /** Requests beyond the first for their key: effects performed more than once. */
  get duplicates(): number {
    return this.total - this.unkeyed - this.distinct
  }

  /** Keys requested more than once. */
  repeated(): string[] {
    return [...this.counts].filter(([, n]) => n > 1).map(([key]) => key)
  }
}

/**
 * An in-process `fetch` for `testServer`: answers from `outcomeFor` and counts, never opening
 * a socket.
 */
export function ledgerFetch(rates: FailureRates, ledger = new EffectLedger()): typeof fetch & { ledger: EffectLedger } {
  const handler = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString()
    const method = init?.method ?? 'GET'
    const key = new Headers(init?.headers).get('idempotency-key')
    ledger.record(key)
    const outcome = outcomeFor(key ?? '', method, servicePath(url), rates)
    return answer(outcome)
  }
  return Object.assign(handler as typeof fetch, { ledger })
}

function answer(outcome: Outcome): Response {
  switch (outcome.kind) {
    case 'json':
      return new Response(JSON.stringify(outcome.body), { status: outcome.status, headers: { 'content-type': 'application/json' } })
    case 'malformed':
      return new Response('{"tier": gold', { status: 200, headers: { 'content-type': 'application/json' } })
    case 'reset':
      throw new TypeError('fetch failed', { cause: new Error('other side closed') })
  }
}

/** Handles requests whose path starts with a prefix in place of `outcomeFor`. */
export type SpecialRoute = (req: IncomingMessage, res: ServerResponse, body: string) => void

export interface LoopbackBackEnd {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  ledger: EffectLedger
  /** Every request: method, path, key, and when it arrived. */
  requests: Array<{ method: string; path: string; key: string | null; at: number }>
  close(): Promise<void>
}

/**
 * The back end as a real HTTP server on 127.0.0.1, for spawned Phonetree processes. Paths under
 * a `special` prefix get that handler (hang, reset, trickle…), everything else `outcomeFor`.
 *
 * @example const crm = await startLoopbackBackEnd(DEFAULT_RATES)
 */
export async function startLoopbackBackEnd(rates: FailureRates, special: Record<string, SpecialRoute> = {}, host = '127.0.0.1'): Promise<LoopbackBackEnd> {
  const ledger = new EffectLedger()
  const requests: LoopbackBackEnd['requests'] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? '/'
      const method = req.method ?? 'GET'
      const keyHeader = req.headers['idempotency-key']
      const key = typeof keyHeader === 'string' ? keyHeader : null
      requests.push({ method, path, key, at: Date.now() })
      const route = Object.keys(special).find((prefix) => path.startsWith(prefix))
      if (route !== undefined) return special[route]!(req, res, Buffer.concat(chunks).toString())
      ledger.record(key)
      const outcome = outcomeFor(key ?? '', method, path, rates)
      if (outcome.kind === 'reset') return void req.socket.destroy()
      if (outcome.kind === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier": gold')
      res.writeHead(outcome.status, { 'content-type': 'application/json' }).end(JSON.stringify(outcome.body))
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    port,
    ledger,
    requests,
    close: () => new Promise((resolve) => {
      // Hanging routes keep sockets open on purpose; end them so close() returns.
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}
