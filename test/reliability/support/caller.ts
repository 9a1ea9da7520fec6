/**
 * Simulated callers at scale: Twilio's side of many calls at once. Each planned call is played
 * through `SimulatedCall` (which checks every answer: status 200, XML content type, valid
 * TwiML) over a transport that behaves like Twilio's webhook client: a 15 s limit per request,
 * and a request that failed at the network level (connection refused or reset, a server killed
 * mid-request) sent again to the same URL with the same step number.
 */
import { SimulatedCall } from '../../../packages/server/src/twilio/simulator.ts'
import type { Transport, Turn } from '../../../packages/server/src/twilio/simulator.ts'
import type { CallerAction, PlannedCall } from './paths.ts'

/** Twilio gives a webhook 15 s in all (twiml-protocol.md §4). */
export const TWILIO_TIMEOUT_MS = 15_000

/** Counters and latencies of every webhook a run sent. */
export class Meter {
  webhooks = 0
  /** Attempts that failed at the network level and were sent again. */
  resent = 0
  /** Requests that got no answer within Twilio's 15 s. */
  timeouts = 0
  /** Answers that took over 5 s: inside Twilio's limit, but a caller hears the silence. */
  slow = 0
  readonly latencies: number[] = []

  record(ms: number): void {
    this.webhooks++
    this.latencies.push(ms)
    if (ms > 5000) this.slow++
  }

  /** The q-quantile of answered webhooks' latency, in ms (0 when none). */
  quantile(q: number): number {
    if (this.latencies.length === 0) return 0
    const sorted = [...this.latencies].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  }

  get max(): number {
    return this.latencies.reduce((a, b) => Math.max(a, b), 0)
  }
}

export interface TwilioTransportOptions {
  /** How long to keep re-sending a request whose connection failed (default 30 s). */
  resendForMs?: number
  /** Pause between attempts (default 50 ms). */
  resendDelayMs?: number
}

/**
 * Wraps a transport the way Twilio treats webhooks: times each answer, gives up after 15 s, and
 * re-sends on network failure. The body is read here so the time covers the whole answer.
 *
 * @example const transport = twilioTransport((url, init) => fetch(url, init), meter)
 */
export function twilioTransport(inner: Transport, meter: Meter, options: TwilioTransportOptions = {}): Transport {
  const resendFor = options.resendForMs ?? 30_000
  const delay = options.resendDelayMs ?? 50
  return async (url, init) => {
    const giveUp = Date.now() + resendFor
    for (let attempt = 0; ; attempt++) {
      const began = performance.now()
      try {
        const response = await withTimeout(inner(url, init), TWILIO_TIMEOUT_MS)
        const body = await withTimeout(response.text(), TWILIO_TIMEOUT_MS - (performance.now() - began))
        meter.record(performance.now() - began)
        return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers })
      } catch (error) {
        if (error instanceof TwilioTimeout) {
          meter.timeouts++
          // Twilio does not retry a read timeout; the caller hears the application error.
          return new Response('Twilio timed out waiting for the webhook', { status: 502, headers: { 'content-type': 'text/plain' } })
        }
        if (Date.now() >= giveUp) throw error
        meter.resent++
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }
}

class TwilioTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TwilioTimeout(`no answer within ${TWILIO_TIMEOUT_MS} ms`)), Math.max(0, ms))
    promise.then((value) => {
      clearTimeout(timer)
      resolve(value)
    }, (error: unknown) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/**
 * Sends requests for the public URL to the address that serves it (one server, or one of
 * several in turn), so TwiML keeps absolute public URLs and signatures stay valid. A URL outside
 * the public URL is refused: a flow's `<Redirect>` can never lead the harness to a real host.
 *
 * @example const transport = publicTo('https://ivr.example.com', () => 'http://127.0.0.1:3000')
 */
export function publicTo(publicUrl: string, origin: () => string, send: Transport = (url, init) => fetch(url, init)): Transport {
  return (url, init) => {
    if (!url.startsWith(`${publicUrl}/`)) return Promise.reject(new Error(`refusing to request ${url}: not under ${publicUrl}`))
    return send(origin() + url.slice(publicUrl.length), init)
  }
}

/**
 * Records, per call, the slowest answer its webhooks got (ms), however long it took, even
 * past the moment Twilio would have given up.
 */
export function slowestPerCall(inner: Transport, slowest: Map<string, number>): Transport {
  return async (url, init) => {
    const sid = new URLSearchParams(init.body).get('CallSid') ?? ''
    const began = performance.now()
    try {
      return await inner(url, init)
    } finally {
      slowest.set(sid, Math.max(slowest.get(sid) ?? 0, performance.now() - began))
    }
  }
}

export interface PlayedCall {
  plan: PlannedCall
  /** Everything wrong with this call as the caller saw it; empty when it went as planned. */
  problems: string[]
}

export interface PlayOptions {
  publicUrl: string
  authToken: string
  /** The caller listens this long (drawn between the bounds, ms) before each action. */
  thinkMs?: [number, number]
  /** Awaited once the first answer is in: lets a test hold calls mid-way (e.g. across an outage). */
  afterFirstTurn?: () => Promise<void>
}

/**
 * Plays a planned call: the same caller actions the engine model took, through the server.
 * Answers are checked by `SimulatedCall`; the waits are compared with the model's after every
 * turn.
 *
 * @example const played = await playCall(plan, transport, { publicUrl, authToken })
 */
export async function playCall(plan: PlannedCall, transport: Transport, options: PlayOptions): Promise<PlayedCall> {
  const call = new SimulatedCall({
    transport,
    url: `${options.publicUrl}/voice/${plan.flow}`,
    authToken: options.authToken,
    callSid: plan.sid,
    from: plan.from,
    direction: plan.direction,
    params: plan.params,
    statusCallbackUrl: `${options.publicUrl}/voice/${plan.flow}/status`,
  })
  const problems: string[] = []
  const where = (turn: number) => `${plan.flow} ${plan.sid} turn ${turn}`
  try {
    let turn = await call.start()
    compare(turn, plan.waits[0], where(0), problems)
    await options.afterFirstTurn?.()
    for (const [index, action] of plan.actions.entries()) {
      if (problems.length > 0) break
      if (options.thinkMs !== undefined) {
        const [min, max] = options.thinkMs
        await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)))
      }
      if (action.kind === 'hangup') {
        await call.hangup('completed')
        break
      }
      turn = await act(call, action)
      compare(turn, plan.waits[index + 1], where(index + 1), problems)
    }
  } catch (error) {
    problems.push(`${plan.flow} ${plan.sid}: ${error instanceof Error ? error.message : String(error)}`)
  }
  problems.push(...call.problems.map((p) => `${plan.flow} ${plan.sid}: ${p}`))
  return { plan, problems }
}

function compare(turn: Turn, expected: string | undefined, where: string, problems: string[]): void {
  if (turn.waiting !== expected) problems.push(`${where}: the call waits for ${turn.waiting}, the engine said ${expected}; heard ${JSON.stringify(turn.heard).slice(0, 300)}`)
}

function act(call: SimulatedCall, action: Exclude<CallerAction, { kind: 'hangup' }>): Promise<Turn> {
  switch (action.kind) {
    case 'press':
      return call.press(action.digits)
    case 'speak':
      return call.speak(action.speech, action.confidence)
    case 'silence':
      return call.silence()
    case 'dial':
      return call.dialResult(action.status, action.duration)
    case 'record':
      return action.url === undefined ? call.recording() : call.recording(action.url, action.duration)
    case 'queue':
      return call.queueResult(action.result)
  }
}

export interface PoolOptions {
  /** Calls to play in all. */
  count: number
  /** Calls in progress at once. */
  concurrency: number
  /** Stop starting calls at this time (epoch ms), so a soak stays bounded. */
  deadline?: number
  /**
   * Call i starts no earlier than i × arrivalMs after the first: calls arrive at their own
   * pace, as they do from the phone network, not faster because others fail fast.
   */
  arrivalMs?: number
}

/**
 * Runs `count` calls, `concurrency` at a time: call i is planned by `plan(i)` (seeded per
 * index, so the set of calls does not depend on timing) and then played.
 *
 * @example const played = await runPool({ count: 300, concurrency: 50 }, (i) => planFor(i), (p) => playCall(p, t, o))
 */
export async function runPool(options: PoolOptions, plan: (index: number) => Promise<PlannedCall>, play: (plan: PlannedCall) => Promise<PlayedCall>): Promise<PlayedCall[]> {
  const results: PlayedCall[] = []
  const began = Date.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < options.count && (options.deadline === undefined || Date.now() < options.deadline)) {
      const index = next++
      const due = began + index * (options.arrivalMs ?? 0) - Date.now()
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due))
      results.push(await play(await plan(index)))
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker))
  return results
}
