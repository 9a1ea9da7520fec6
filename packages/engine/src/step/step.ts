import type { AnyMachineSnapshot } from 'xstate'
import { compileFlow } from '../compile/compile.ts'
import type { CompiledFlow } from '../compile/compile.ts'
import type { FlowAction, MachineInput } from '../compile/machine.ts'
import { FAILED } from '../compile/transitions.ts'
import type { Flow } from '../schema/flow.ts'
import type { CallContext, CallInfo } from './context.ts'
import type { CallEvent, Effect } from './events.ts'
import { entryFragment, httpEffect } from './fragments.ts'
import { DEFAULT_APOLOGY } from './view.ts'
import type { View } from './view.ts'
import { restoreAt, runInitial, runTransition } from './runtime.ts'

/**
 * Everything a call needs to continue, as small JSON: store it keyed by the call and hand it
 * back to `step` with the next event. It names the flow version it started on.
 */
export interface CallSnapshot {
  flow: string
  version: string
  /** Where the call rests: a node id, or `$failed` / `$hungup` once it has ended that way. */
  node: string
  status: 'active' | 'done'
  /** Handled steps so far; the server names it in every callback URL to spot repeats. */
  seq: number
  context: CallContext
}

/** A transition the step took, named as in coverage reports. */
export interface Taken {
  from: string
  handle: string
  to: string
}

export interface StepResult {
  snapshot: CallSnapshot
  /** What the caller hears and what the call does next, in order. */
  view: View
  /** Requests the server must perform before answering; feed each outcome back with `step`. */
  effects: Effect[]
  /** Where the call now rests. */
  node: string
  /** `waiting` for the caller, `effect` for the server's http request, or `ended`. */
  status: 'waiting' | 'effect' | 'ended'
  /** Transitions taken in this step, in order. */
  taken: Taken[]
  /** False when the event meant nothing where the call was (the view repeats the node). */
  handled: boolean
  /** A run-time failure that this step recovered from (through `onError` or the apology). */
  error?: string
}

/** The step's clock: an instant. Steps never read a real clock. */
export type Clock = Date | number | string

type Runnable = CompiledFlow | Flow

/**
 * Starts a call: enters the flow's start node and runs until the call waits for someone.
 *
 * @example
 * const first = start(compiled, { sid: 'CA1', from: '+15551230000' }, '2026-11-23T16:00:00Z')
 * first.view // [{ kind: 'say', … }, { kind: 'gather', … }]
 */
export function start(flow: Runnable, call: CallInfo, clock: Clock, vars: Record<string, unknown> = {}): StepResult {
  const compiled = asCompiled(flow)
  const input: MachineInput = { call, vars: { ...(compiled.flow.vars ?? {}), ...vars }, now: isoOf(clock) }
  const initial = (): CallSnapshot => ({ flow: compiled.flow.flow, version: compiled.version, node: compiled.flow.start, status: 'active', seq: 0, context: { call, vars: input.vars, input: {}, noInput: 0, noMatch: 0, errors: 0, now: input.now } })
  try {
    const [next, actions] = runInitial(compiled.machine, input)
    return finish(compiled, initial(), next, flowActions(actions), true)
  } catch (error) {
    return recover(compiled, initial(), clock, error)
  }
}

/**
 * Applies one event to a call: a pure function of the flow, the stored snapshot, the event and
 * the clock. Returns the next snapshot, the view to render and any effects to perform.
 *
 * @example
 * const next = step(compiled, first.snapshot, { type: 'DIGITS', digits: '1' }, '2026-11-23T16:00:05Z')
 * next.node // 'sales'
 */
export function step(flow: Runnable, snapshot: CallSnapshot, event: CallEvent, clock: Clock): StepResult {
  const compiled = asCompiled(flow)
  if (snapshot.version !== compiled.version) {
    throw new Error(`snapshot is for version ${snapshot.version} of "${snapshot.flow}", not ${compiled.version}`)
  }
  if (snapshot.status === 'done') {
    return { snapshot, view: [], effects: [], node: snapshot.node, status: 'ended', taken: [], handled: false }
  }
  try {
    const [next, actions] = runTransition(compiled.machine, restoreAt(compiled.machine, snapshot.node, { ...snapshot.context, now: isoOf(clock) }), event)
    return finish(compiled, snapshot, next, flowActions(actions), false)
  } catch (error) {
    if (event.type === 'ERROR') throw error
    return recover(compiled, snapshot, clock, error)
  }
}

/**
 * Runs a step's effects until the call waits for the caller: each effect is performed by
 * `perform` (the server's http client, or a test's mock) and its outcome stepped in. Views
 * and transitions accumulate, so the result answers the whole webhook.
 *
 * @example const settled = await settle(compiled, step(…), (e) => fetchAsEvent(e), now)
 */
export async function settle(flow: Runnable, result: StepResult, perform: (effect: Effect) => Promise<CallEvent> | CallEvent, clock: Clock, limit = 25): Promise<StepResult> {
  let current = result
  for (let round = 0; current.status === 'effect'; round++) {
    const effect = current.effects[0]!
    const event: CallEvent = round >= limit ? { type: 'ERROR', message: `more than ${limit} requests in one answer` } : await perform(effect)
    current = followedBy(current, step(flow, current.snapshot, event, clock))
  }
  return current
}

/**
 * One webhook's answer made of two steps: the later step's state, with views and transitions
 * of both, in order (and the latest error).
 *
 * @example followedBy(first, step(flow, first.snapshot, httpResult, now)).view // first's speech, then the rest
 */
export function followedBy(earlier: StepResult, later: StepResult): StepResult {
  const error = later.error ?? earlier.error
  return { ...later, view: [...earlier.view, ...later.view], taken: [...earlier.taken, ...later.taken], ...(error !== undefined ? { error } : {}) }
}

const FLOW_ACTIONS = new Set(['view', 'effect', 'took'])

/** The machine's own action data, leaving out XState's built-in actions. */
function flowActions(actions: readonly { type: string; params?: unknown }[]): FlowAction[] {
  return actions.filter((a) => FLOW_ACTIONS.has(a.type)) as FlowAction[]
}

function asCompiled(flow: Runnable): CompiledFlow {
  return 'machine' in flow ? flow : compileFlow(flow)
}

function isoOf(clock: Clock): string {
  const date = clock instanceof Date ? clock : new Date(clock)
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(clock)}`)
  return date.toISOString()
}


function finish(compiled: CompiledFlow, prior: CallSnapshot, next: AnyMachineSnapshot, actions: FlowAction[], starting: boolean): StepResult {
  // XState catches what an action throws and parks the machine in an error state; that is a
  // failure of this step, to be recovered from like any other.
  if (next.status === 'error') throw next.error instanceof Error ? next.error : new Error(String(next.error))
  const taken = actions.filter((a) => a.type === 'took').map((a) => a.params)
  const node = String(next.value)
  const context = next.context as CallContext
  if (!starting && taken.length === 0) return unhandled(compiled, prior)
  const seq = prior.seq + 1
  const snapshot: CallSnapshot = { flow: prior.flow, version: prior.version, node, status: next.status === 'done' ? 'done' : 'active', seq, context }
  const view = actions.flatMap((a) => (a.type === 'view' ? a.params.instructions : []))
  const effects = actions.flatMap((a) => (a.type === 'effect' ? [httpEffect(compiled.flow, a.params.node, context, seq)] : []))
  const status = snapshot.status === 'done' ? 'ended' : effects.length > 0 ? 'effect' : 'waiting'
  const error = taken.some((t) => t.handle === 'error') ? context.error : undefined
  return { snapshot, view, effects, node, status, taken, handled: true, ...(error !== undefined ? { error } : {}) }
}

/** An event that means nothing here (a stray or repeated callback): say the node again. */
function unhandled(compiled: CompiledFlow, snapshot: CallSnapshot): StepResult {
  // A stored snapshot may name anything; only the flow's own nodes count ("toString" is none).
  const node = Object.hasOwn(compiled.flow.nodes, snapshot.node) ? compiled.flow.nodes[snapshot.node] : undefined
  const effects = node?.type === 'http' ? [httpEffect(compiled.flow, snapshot.node, snapshot.context, snapshot.seq)] : []
  const view = node ? entryFragment(compiled.flow, snapshot.node, snapshot.context) : []
  return { snapshot, view, effects, node: snapshot.node, status: effects.length > 0 ? 'effect' : 'waiting', taken: [], handled: false }
}

/** A bug or a bad value while stepping: route through onError, else apologise and hang up. */
function recover(compiled: CompiledFlow, snapshot: CallSnapshot, clock: Clock, error: unknown): StepResult {
  const message = error instanceof Error ? error.message : String(error)
  try {
    const result = step(compiled, snapshot, { type: 'ERROR', message }, clock)
    return { ...result, error: message }
  } catch {
    const view: View = [{ kind: 'say', text: DEFAULT_APOLOGY }, { kind: 'hangup' }]
    const ended: CallSnapshot = { ...snapshot, node: FAILED, status: 'done', seq: snapshot.seq + 1, context: { ...snapshot.context, errors: snapshot.context.errors + 1, error: message } }
    return { snapshot: ended, view, effects: [], node: FAILED, status: 'ended', taken: [{ from: snapshot.node, handle: 'error', to: FAILED }], handled: true, error: message }
  }
}
