/**
 * Twilio delivering webhooks more than once: every webhook is sent twice at the same time, and
 * some are sent a third time after the call has moved on (out of order). Every copy must get
 * the answer the first copy got.
 */
import type { Transport } from '../../../packages/server/src/twilio/simulator.ts'
import type { Rng } from './rng.ts'

export interface DuplicateStats {
  /** Copies sent beyond the first. */
  copies: number
  /** Late (out-of-order) copies among them. */
  late: number
  /** Copies whose status or body differed from the first answer. */
  mismatches: string[]
}

interface Delivered {
  url: string
  init: Parameters<Transport>[1]
  status: number
  body: string
}

/**
 * Wraps a transport so that each request goes out twice concurrently, and with probability
 * `lateChance` the call's previous request goes out once more after this one was answered.
 *
 * @example const transport = duplicating(inner, rng, stats, 0.3)
 */
export function duplicating(inner: Transport, rng: Rng, stats: DuplicateStats, lateChance = 0.3): Transport {
  const previous = new Map<string, Delivered>()
  return async (url, init) => {
    const sid = new URLSearchParams(init.body).get('CallSid') ?? ''
    const [first, second] = await Promise.all([inner(url, init), inner(url, init)])
    const [body, secondBody] = await Promise.all([first.text(), second.text()])
    stats.copies++
    if (second.status !== first.status || secondBody !== body) {
      stats.mismatches.push(`${sid} ${url}: concurrent copies answered ${first.status} and ${second.status}${secondBody !== body ? ' with different bodies' : ''}`)
    }
    const earlier = previous.get(sid)
    if (earlier !== undefined && rng.chance(lateChance)) {
      // The call has moved past `earlier`; a copy of it arriving now must get its old answer.
      const late = await inner(earlier.url, earlier.init)
      const lateBody = await late.text()
      stats.copies++
      stats.late++
      if (late.status !== earlier.status || lateBody !== earlier.body) {
        stats.mismatches.push(`${sid} ${earlier.url}: a late copy answered ${late.status} ${JSON.stringify(lateBody.slice(0, 160))}, the first ${earlier.status} ${JSON.stringify(earlier.body.slice(0, 160))}`)
      }
    }
    previous.set(sid, { url, init, status: first.status, body })
    return new Response(first.status === 204 ? null : body, { status: first.status, headers: first.headers })
  }
}
