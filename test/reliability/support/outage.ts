/**
 * The shared store taken away in the middle of a load: Redis stopped (connections refused) or
 * frozen (SIGSTOP: connections stay open and nothing answers). Every webhook must still get a
 * valid TwiML answer well inside Twilio's 15 s (an apology while the store is gone), calls that
 * did not need the store during the outage must go on as if nothing happened, and calls started
 * after it must be served normally.
 */
import { renderApology } from '@phonetree/engine'
import { checkTwiml } from '@phonetree/engine/twiml-check'
import type { Transport } from '../../../packages/server/src/twilio/simulator.ts'
import type { DurableRedis } from './redis.ts'

export interface AnswerLog {
  /** Per call: when each request was sent and answered (epoch ms). */
  requests: Map<string, Array<{ sent: number; answered: number }>>
  /** Answers that were not 200 with valid TwiML (or 204 for status callbacks). */
  bad: string[]
  apologies: number
  maxApologyMs: number
}

export function answerLog(): AnswerLog {
  return { requests: new Map(), bad: [], apologies: 0, maxApologyMs: 0 }
}

/**
 * Wraps a transport to time every request per call and check every answer on its own, so an
 * apology during an outage is seen as such (valid, fast) rather than as a wrong path.
 */
export function trackAnswers(inner: Transport, log: AnswerLog): Transport {
  const apology = renderApology()
  return async (url, init) => {
    const sid = new URLSearchParams(init.body).get('CallSid') ?? ''
    const sent = Date.now()
    const response = await inner(url, init)
    const body = await response.text()
    const answered = Date.now()
    const list = log.requests.get(sid) ?? []
    list.push({ sent, answered })
    log.requests.set(sid, list)
    const status = url.endsWith('/status') ? 204 : 200
    if (response.status !== status) log.bad.push(`${sid} ${url}: answered ${response.status}`)
    else if (status === 200) {
      const problems = checkTwiml(body)
      if (problems.length > 0) log.bad.push(`${sid} ${url}: ${problems.join('; ')}`)
      if (!(response.headers.get('content-type') ?? '').includes('xml')) log.bad.push(`${sid} ${url}: content-type ${response.headers.get('content-type')}`)
    }
    if (body === apology) {
      log.apologies++
      log.maxApologyMs = Math.max(log.maxApologyMs, answered - sent)
    }
    return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers })
  }
}

export interface OutageWindow {
  from: number
  to: number
}

/**
 * Chaos: after `afterMs`, stop (or freeze) Redis for `forMs`, then bring it back with its data.
 * The window is written to `window` for the analysis. `done` says the calls have finished.
 *
 * @example inProcessLoad({ …, during: redisOutage(redis, 'stop', 1500, 1500, window) })
 */
export function redisOutage(redis: DurableRedis, mode: 'stop' | 'freeze', afterMs: number, forMs: number, window: OutageWindow): (done: () => boolean) => Promise<Record<string, number | string>> {
  return async (done): Promise<Record<string, number | string>> => {
    const wait = async (ms: number) => {
      const until = Date.now() + ms
      while (Date.now() < until && !done()) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await wait(afterMs)
    if (done()) return { outages: 0 }
    window.from = Date.now()
    if (mode === 'stop') await redis.stop()
    else redis.freeze()
    await new Promise((resolve) => setTimeout(resolve, forMs))
    if (mode === 'stop') await redis.start()
    else redis.thaw()
    window.to = Date.now()
    return { outages: 1, 'outage ms': window.to - window.from, mode }
  }
}

/**
 * Calls with a request in flight at any moment of the window (widened by `marginMs` for the
 * clients' reconnection): only those may have been cut short.
 */
export function touchedBy(log: AnswerLog, window: OutageWindow, marginMs: number): string[] {
  return [...log.requests].filter(([, list]) => list.some((r) => r.answered >= window.from && r.sent <= window.to + marginMs)).map(([sid]) => sid)
}

/** Calls whose first request was sent after the window closed (plus the margin). */
export function startedAfter(log: AnswerLog, window: OutageWindow, marginMs: number): string[] {
  return [...log.requests].filter(([, list]) => list[0]!.sent > window.to + marginMs).map(([sid]) => sid)
}
