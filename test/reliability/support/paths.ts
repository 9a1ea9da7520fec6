/**
 * Random call paths, chosen by driving the engine itself: at every point where the call waits,
 * a caller action that makes sense there is drawn at random and stepped through the same
 * `start`/`step`/`settle` the server uses, with the same back-end answers (`modelEvent`) and the
 * same clock. The node the engine ends on is the node the server's stored call must end on.
 */
import { flowTransitions, settle, start, step, transitionName } from '@phonetree/engine'
import type { CallEvent, CompiledFlow, DialStatus, StepResult } from '@phonetree/engine'
import { callInfoFrom } from '../../../packages/server/src/twilio/webhook.ts'
import { modelEvent } from './backend.ts'
import type { FailureRates } from './backend.ts'
import type { Rng } from './rng.ts'

/** One thing the caller (or Twilio on their behalf) does while the call waits. */
export type CallerAction =
  | { kind: 'press'; digits: string }
  | { kind: 'speak'; speech: string; confidence: number }
  | { kind: 'silence' }
  | { kind: 'dial'; status: DialStatus; duration: number }
  | { kind: 'record'; url?: string; duration: number }
  | { kind: 'queue'; result: string }
  | { kind: 'hangup' }

export interface PlannedCall {
  flow: string
  sid: string
  from: string
  direction: 'inbound' | 'outbound-api'
  /** Extra parameters of the first webhook (AnsweredBy for outbound calls). */
  params: Record<string, string>
  /** The engine's clock for every step of this call. */
  clock: string
  actions: CallerAction[]
  /** What the call waits for after each action (and after the start), as the simulator names it. */
  waits: Array<'gather' | 'dial' | 'record' | 'enqueue' | 'ended'>
  /** Where the stored call must end. */
  expectedNode: string
  /** Idempotency keys of the http effects the engine performed, in order. */
  effectKeys: string[]
  /**
   * One entry per webhook that reaches the engine (the start, each caller action, the hang-up's
   * status callback): where the call rested afterwards and the transitions taken, named as the
   * store's step records name them. A repeated delivery must add no entry.
   */
  trail: Array<{ node: string; taken: string[] }>
}

export interface PlanOptions {
  rates: FailureRates
  /** Caller actions before the caller gives up and hangs up. */
  maxActions?: number
  /** Chance per turn that the caller hangs up early. */
  hangupChance?: number
  /** Clocks to draw from (default: the current time). */
  clocks?: readonly string[]
}

const CALLERS = ['+15551230000', '+15557654321', '+819012345678', '+442071234567']
const ANSWERED_BY = ['human', 'machine_start', 'machine_end_beep', 'fax', 'unknown']
const DIAL_STATUSES: readonly DialStatus[] = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']
const QUEUE_RESULTS = ['bridged', 'hangup', 'leave', 'queue-full', 'redirected', 'error']
const WRONG_WORDS = ['banana', 'no thanks', 'hello there', 'agent please']
const RECORDING_URL = 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE'

/** Resting node types and the Twilio verb each waits on. */
const WAIT_VERB: Record<string, 'gather' | 'dial' | 'record' | 'enqueue' | undefined> = {
  menu: 'gather', input: 'gather', dial: 'dial', record: 'record', enqueue: 'enqueue',
}

/**
 * The parameters `SimulatedCall` sends with the first webhook (its constructor's base fields),
 * so the model starts the call with the CallInfo the server will read from them.
 */
export function firstWebhookParams(call: Pick<PlannedCall, 'sid' | 'from' | 'direction' | 'params'>, to = '+15557654321'): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000', ApiVersion: '2010-04-01', CallSid: call.sid, CallStatus: 'ringing',
    Direction: call.direction, From: call.from, To: to, Caller: call.from, Called: to,
    FromCountry: 'US', ToCountry: 'US', FromState: 'TX', ToState: 'CA', FromCity: 'AUSTIN', ToCity: 'SAN FRANCISCO', FromZip: '73301', ToZip: '94105',
    ...call.params,
  }
}

/**
 * Draws one call through `compiled`: who calls, when, and what they do, with the node the
 * engine says the call ends on.
 *
 * @example const plan = planCall('support', compiled, rng, { rates: DEFAULT_RATES })
 */
export async function planCall(flowId: string, compiled: CompiledFlow, rng: Rng, options: PlanOptions): Promise<PlannedCall> {
  // A flow that asks who answered is an outbound flow (the reminder): Twilio sends AnsweredBy.
  const outbound = JSON.stringify(compiled.flow.nodes).includes('call.answeredBy')
  const plan: PlannedCall = {
    flow: flowId,
    sid: `CA${rng.hex(32)}`,
    from: rng.pick(CALLERS),
    direction: outbound ? 'outbound-api' : 'inbound',
    params: outbound ? { AnsweredBy: rng.pick(ANSWERED_BY) } : {},
    clock: options.clocks !== undefined ? rng.pick(options.clocks) : new Date().toISOString(),
    actions: [],
    waits: [],
    expectedNode: '',
    effectKeys: [],
    trail: [],
  }
  const clock = plan.clock
  const perform = (effect: Parameters<typeof modelEvent>[1]): CallEvent => {
    plan.effectKeys.push(`${plan.sid}:${effect.key}`)
    return modelEvent(plan.sid, effect, options.rates)
  }
  const info = callInfoFrom(firstWebhookParams(plan))
  const keep = (result: StepResult): StepResult => {
    plan.trail.push({ node: result.node, taken: result.taken.map(transitionName) })
    return result
  }
  let last: StepResult = keep(await settle(compiled, start(compiled, info, clock), perform, clock))
  // Some callers never answer a prompt, or keep pressing the wrong key: they walk the retry
  // limits (the exhausted no-input and no-match edges) that random callers seldom reach.
  const persona: Persona = rng.chance(0.1) ? 'silent' : rng.chance(0.1) ? 'clumsy' : 'random'
  const maxActions = options.maxActions ?? 12
  const hangupChance = options.hangupChance ?? 0.06
  while (last.status !== 'ended') {
    const verb = WAIT_VERB[compiled.flow.nodes[last.node]?.type ?? '']
    plan.waits.push(verb ?? 'ended')
    if (verb === undefined) throw new Error(`${flowId}: the call waits at "${last.node}", which is not a resting node`)
    if (plan.actions.length >= maxActions || rng.chance(hangupChance)) {
      plan.actions.push({ kind: 'hangup' })
      // The status callback steps HANGUP without settling effects.
      last = keep(step(compiled, last.snapshot, { type: 'HANGUP' }, clock))
      plan.expectedNode = last.node
      return plan
    }
    const action = drawAction(compiled, last.node, rng, persona)
    plan.actions.push(action)
    last = keep(await settle(compiled, step(compiled, last.snapshot, eventOf(action), clock), perform, clock))
  }
  plan.waits.push('ended')
  plan.expectedNode = last.node
  return plan
}

type Persona = 'random' | 'silent' | 'clumsy'

/** A caller action that makes sense at resting node `id`, mostly the ones a flow expects. */
function drawAction(compiled: CompiledFlow, id: string, rng: Rng, persona: Persona): CallerAction {
  const node = compiled.flow.nodes[id]!
  if ((node.type === 'menu' || node.type === 'input') && persona !== 'random') {
    if (persona === 'silent') return { kind: 'silence' }
    if (node.type === 'input' || node.input.includes('dtmf')) return { kind: 'press', digits: node.type === 'input' ? '1' : randomKeys(rng, 2, 3) }
    return { kind: 'speak', speech: rng.pick(WRONG_WORDS), confidence: 0.9 }
  }
  switch (node.type) {
    case 'menu': {
      const keys = Object.keys(node.choices)
      const dtmf = node.input.includes('dtmf')
      const speech = node.input.includes('speech')
      const roll = rng.next()
      if (roll < 0.15) return { kind: 'silence' }
      if (roll < 0.3) return dtmf ? { kind: 'press', digits: randomKeys(rng, 1, 3) } : { kind: 'speak', speech: rng.pick(WRONG_WORDS), confidence: 0.9 }
      const key = rng.pick(keys)
      const choice = node.choices[key]!
      const words = typeof choice === 'string' ? [] : choice.words ?? []
      if (speech && (!dtmf || rng.chance(0.4)) && words.length > 0) return { kind: 'speak', speech: `I want ${rng.pick(words)} please`, confidence: rng.pick([0.92, 0.4, 0.99]) }
      return dtmf ? { kind: 'press', digits: key } : { kind: 'speak', speech: key, confidence: 0.9 }
    }
    case 'input': {
      const roll = rng.next()
      if (roll < 0.2) return { kind: 'silence' }
      if (roll < 0.4) return { kind: 'press', digits: randomKeys(rng, 1, Math.max(1, node.minDigits - 1)) }
      return { kind: 'press', digits: digitsOf(rng, rng.int(node.minDigits, Math.min(node.maxDigits, 12))) }
    }
    case 'dial': {
      const status = rng.pick(DIAL_STATUSES)
      return { kind: 'dial', status, duration: status === 'completed' ? 42 : 0 }
    }
    case 'record':
      return rng.chance(0.7) ? { kind: 'record', url: `${RECORDING_URL}${rng.hex(32)}`, duration: rng.int(1, 120) } : { kind: 'record', duration: 0 }
    case 'enqueue':
      return { kind: 'queue', result: rng.pick(QUEUE_RESULTS) }
    default:
      throw new Error(`no caller action at ${node.type} node "${id}"`)
  }
}

/** The event the server makes of the webhook the simulator sends for `action`. */
export function eventOf(action: CallerAction): CallEvent {
  switch (action.kind) {
    case 'press':
      return { type: 'DIGITS', digits: action.digits }
    case 'speak':
      return { type: 'SPEECH', speech: action.speech, confidence: action.confidence }
    case 'silence':
      return { type: 'NO_INPUT' }
    case 'dial':
      return { type: 'DIAL_RESULT', status: action.status, duration: action.duration }
    case 'record':
      return action.url === undefined ? { type: 'RECORDING' } : { type: 'RECORDING', url: action.url, duration: action.duration }
    case 'queue':
      return { type: 'QUEUE_RESULT', result: action.result }
    case 'hangup':
      return { type: 'HANGUP' }
  }
}

function randomKeys(rng: Rng, min: number, max: number): string {
  return Array.from({ length: rng.int(min, max) }, () => rng.pick('0123456789*#'.split(''))).join('')
}

function digitsOf(rng: Rng, length: number): string {
  return Array.from({ length }, () => String(rng.int(0, 9))).join('')
}

/**
 * How many of the flows' declared transitions the planned calls took, so a report can show the
 * random paths really spread over the flows (hang-ups and error exits are not declared ones).
 *
 * @example transitionCoverage(plans, compiled) // { covered: 61, total: 64 }
 */
export function transitionCoverage(plans: readonly PlannedCall[], compiled: ReadonlyMap<string, CompiledFlow>): { covered: number; total: number } {
  const declared = new Set<string>()
  for (const [id, flow] of compiled) for (const t of flowTransitions(flow.flow)) declared.add(`${id}|${transitionName(t)}`)
  const taken = new Set(plans.flatMap((p) => p.trail.flatMap((s) => s.taken.map((name) => `${p.flow}|${name}`))))
  return { covered: [...declared].filter((t) => taken.has(t)).length, total: declared.size }
}
