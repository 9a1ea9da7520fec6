/**
 * A cheap loopback load generator: N simulated callers, each playing whole calls (CALL_SCRIPT)
 * back to back over keep-alive connections, for a fixed window. It checks each answer with a
 * substring test and a regex for the Gather action instead of parsing TwiML, so it leaves as
 * much of the two shared cores as it can to the server.
 */
import { Agent, request } from 'node:http'
import { computeSignature } from '../../packages/server/src/twilio/signature.ts'
import { BENCH_FLOW_ID, CALL_SCRIPT, baseParams } from './flow.ts'
import { nowMs, quantileOfSorted } from '../lib/stats.ts'

export interface LoadOptions {
  port: number
  callers: number
  /** Measured window; requests completing outside it are not counted. */
  seconds: number
  /** Calls played before the window, to warm the server's JIT and caches. */
  warmupSeconds: number
  /** Check answers against the flow's prompts (false for the fixed-TwiML baseline). */
  checkContent: boolean
  /** Sign every request as Twilio does (the server must have the same token and PUBLIC_URL). */
  authToken?: string
  /** Distinguishes call sids across windows, so no two windows reuse a call. */
  runId: string
}

export interface LoadResult {
  callers: number
  seconds: number
  calls: number
  webhooks: number
  callsPerSecond: number
  webhooksPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  errors: number
  /** The first few errors, to say what went wrong. */
  errorSamples: string[]
}

/** Twilio gives up on a webhook after 15 s; so does the generator. */
const REQUEST_TIMEOUT_MS = 15_000
/** A hard cap on calls per window, whatever the speed: every loop is bounded. */
const MAX_CALLS_PER_WINDOW = 2_000_000

interface Answer {
  status: number
  body: string
  contentType: string
}

/**
 * Runs a warm-up and then one measured window.
 *
 * @example const result = await runLoad({ port: 3000, callers: 50, seconds: 5, warmupSeconds: 1, checkContent: true, runId: 'r1' })
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.callers, maxFreeSockets: options.callers })
  try {
    if (options.warmupSeconds > 0) await window(agent, { ...options, seconds: options.warmupSeconds, runId: `${options.runId}w` })
    return await window(agent, options)
  } finally {
    agent.destroy()
  }
}

async function window(agent: Agent, options: LoadOptions): Promise<LoadResult> {
  const origin = `http://127.0.0.1:${options.port}`
  const latencies: number[] = []
  const errorSamples: string[] = []
  let errors = 0
  let calls = 0
  let started = 0
  const begin = nowMs()
  const end = begin + options.seconds * 1000
  const inWindow = (at: number) => at <= end

  const post = (path: string, params: Record<string, string>): Promise<Answer> => {
    const body = new URLSearchParams(params).toString()
    const headers: Record<string, string | number> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'user-agent': 'TwilioProxy/1.1' }
    if (options.authToken !== undefined) headers['x-twilio-signature'] = computeSignature(options.authToken, origin + path, params)
    return new Promise((resolve, reject) => {
      const req = request({ agent, host: '127.0.0.1', port: options.port, method: 'POST', path, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }))
        res.on('error', reject)
      })
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  const fail = (message: string): void => {
    errors++
    if (errorSamples.length < 5) errorSamples.push(message)
  }

  /** Plays one call; false when it stopped early (an error, or the window closed). */
  const playCall = async (sid: string): Promise<boolean> => {
    const base = baseParams(sid)
    let action = `/voice/${BENCH_FLOW_ID}`
    for (const turn of CALL_SCRIPT) {
      if (nowMs() > end) return false
      const path = turn.kind === 'incoming' ? `/voice/${BENCH_FLOW_ID}` : turn.kind === 'status' ? `/voice/${BENCH_FLOW_ID}/status` : action
      const sent = nowMs()
      let answer: Answer
      try {
        answer = await post(path, { ...base, ...turn.params })
      } catch (error) {
        fail(`${path}: ${error instanceof Error ? error.message : String(error)}`)
        return false
      }
      const done = nowMs()
      if (!inWindow(done)) return false
      latencies.push(done - sent)
      const problem = check(turn, answer, options.checkContent)
      if (problem !== undefined) {
        fail(`${path}: ${problem}`)
        return false
      }
      if (turn.status === 200) {
        const next = /action="([^"]+)"/.exec(answer.body)?.[1]
        if (next !== undefined) action = next.startsWith('http') ? new URL(next).pathname : next
      }
    }
    calls++
    return true
  }

  const caller = async (index: number): Promise<void> => {
    while (nowMs() < end && started < MAX_CALLS_PER_WINDOW) {
      const sid = `CA${options.runId}x${index}x${started++}`.padEnd(34, '0').slice(0, 64)
      await playCall(sid)
    }
  }
  await Promise.all(Array.from({ length: options.callers }, (_, i) => caller(i)))

  const sorted = Float64Array.from(latencies).sort()
  const webhooks = latencies.length
  return {
    callers: options.callers,
    seconds: options.seconds,
    calls,
    webhooks,
    callsPerSecond: calls / options.seconds,
    webhooksPerSecond: webhooks / options.seconds,
    p50Ms: quantileOfSorted(sorted, 0.5),
    p99Ms: quantileOfSorted(sorted, 0.99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    errors,
    errorSamples,
  }
}

function check(turn: (typeof CALL_SCRIPT)[number], answer: Answer, content: boolean): string | undefined {
  if (answer.status !== turn.status) return `answered ${answer.status}, expected ${turn.status}: ${answer.body.slice(0, 160)}`
  if (turn.status === 204) return undefined
  if (!answer.contentType.includes('xml')) return `content-type ${answer.contentType}`
  if (content && turn.expect !== undefined && !answer.body.includes(turn.expect)) return `answer lacks "${turn.expect}": ${answer.body.slice(0, 200)}`
  return undefined
}
