import type { Hono } from 'hono'
import { readConfig } from './config.ts'
import type { Config } from './config.ts'
import { createApp } from './app.ts'
import { CallService } from './calls/service.ts'
import { FlowRegistry } from './flows/registry.ts'
import { memoryLogger } from './log.ts'
import type { CallStore } from './store/types.ts'
import { SimulatedCall } from './twilio/simulator.ts'
import type { SimulatorOptions, Transport } from './twilio/simulator.ts'
import type { Dialer } from './api/dialer.ts'

/** The public URL test servers pretend to have (Twilio signs requests to it). */
export const TEST_PUBLIC_URL = 'https://ivr.example.com'
export const TEST_AUTH_TOKEN = '12345678901234567890123456789012'

export interface TestServer {
  app: Hono
  flows: FlowRegistry
  store: CallStore
  calls: CallService
  log: ReturnType<typeof memoryLogger>
  config: Config
  /** Starts a simulated call against this app (signed with the test token). */
  call(flow: string, options?: Partial<SimulatorOptions> & { query?: string }): SimulatedCall
  close(): void
}

export interface TestServerOptions {
  store: CallStore
  flowsDir?: string
  env?: Record<string, string>
  /** The clock the engine sees (defaults to Monday 2026-11-23 10:00 in Chicago). */
  now?: () => Date
  /** Answers for http nodes, standing in for the back ends flows call (default: 404 for all). */
  fetch?: typeof fetch
  dialer?: Dialer
  watch?: boolean
}

/**
 * An app wired as `phonetree serve` wires it, but driven through `app.request()` (no sockets),
 * with a fixed clock and signatures on.
 *
 * @example const server = await testServer({ store: createMemoryStore() }); await server.call('support').start()
 */
export async function testServer(options: TestServerOptions): Promise<TestServer> {
  const log = memoryLogger()
  const config = readConfig({ FLOWS_DIR: options.flowsDir ?? new URL('../../../flows', import.meta.url).pathname, PUBLIC_URL: TEST_PUBLIC_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, ...options.env })
  const flows = await FlowRegistry.open(config.flowsDir, options.store, log, { watch: options.watch ?? false })
  const calls = new CallService({
    flows, store: options.store, log, publicUrl: config.publicUrl, httpAllow: config.httpAllow,
    now: options.now ?? (() => new Date('2026-11-23T16:00:00Z')),
    // Tests never reach the network: without routes, every back end answers 404.
    fetch: options.fetch ?? backEnd({}),
  })
  const app = createApp({ config, flows, store: options.store, log, calls, ...(options.dialer ? { dialer: options.dialer } : {}) })
  const transport = appTransport(app)
  return {
    app, flows, store: options.store, calls, log, config,
    call: (flow, overrides = {}) => new SimulatedCall({
      transport,
      url: `${TEST_PUBLIC_URL}/voice/${flow}${overrides.query ?? ''}`,
      authToken: TEST_AUTH_TOKEN,
      statusCallbackUrl: `${TEST_PUBLIC_URL}/voice/${flow}/status`,
      ...overrides,
    }),
    close: () => flows.close(),
  }
}

/** Sends simulated Twilio requests into an app without a socket. */
export function appTransport(app: Hono): Transport {
  return (url, init) => Promise.resolve(app.request(url, init))
}

/**
 * A stand-in for the HTTP back ends flows call: answers by URL and counts requests.
 *
 * @example const crm = backEnd({ 'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold' } } })
 */
export function backEnd(routes: Record<string, { status: number; body?: unknown } | (() => Promise<Response>)>): typeof fetch & { requests: Array<{ method: string; url: string; body?: string; headers: Headers }> } {
  const requests: Array<{ method: string; url: string; body?: string; headers: Headers }> = []
  const handler = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString()
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? init.body : undefined
    requests.push({ method, url, ...(body !== undefined ? { body } : {}), headers: new Headers(init?.headers) })
    const route = routes[`${method} ${url}`] ?? routes[url]
    if (route === undefined) return new Response('not found', { status: 404 })
    if (typeof route === 'function') return route()
    return new Response(route.body === undefined ? null : JSON.stringify(route.body), { status: route.status, headers: { 'content-type': 'application/json' } })
  }
  return Object.assign(handler as typeof fetch, { requests })
}
