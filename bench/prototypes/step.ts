/**
 * A prototype of the engine's `start` and `step` with the two changes this benchmark proposes
 * for packages/engine/src/step/step.ts, kept here (not in the engine) so the report can measure
 * before and after side by side until the lead applies them:
 *
 * 1. Reuse one inert actor scope per machine. XState's `transition(machine, snapshot, event)`
 *    and `initialTransition(machine, input)` build a throwaway Actor (and its actor system) on
 *    every call, and that Actor computes the machine's initial snapshot without input, where
 *    our context factory throws a TypeError that XState catches. Calling the machine's own
 *    `transition(snapshot, event, scope)` / `getInitialSnapshot(scope, input)` with a scope made
 *    once per machine skips all of that; the scope only collects the actions.
 * 2. Restore from a resolved snapshot cached per node. `machine.resolveState()` walks every
 *    child of the root (`isInFinalState` → `Object.values(root.states)`), so its cost grows
 *    with the flow; the resolved parts of a snapshot depend only on the node, so resolve once
 *    per node and put the call's context on a shallow copy.
 *
 * Everything after the transition is the engine's own code path, so results are identical.
 */
import { createActor } from 'xstate'
import type { AnyActorScope, AnyMachineSnapshot, AnyStateMachine } from 'xstate'
import type { CallEvent, CallInfo, CallSnapshot, CompiledFlow, Flow, StepResult } from '@phonetree/engine'
// The engine's own step module by path (not through the package), so the prototype loader
// (bench/prototypes/register.ts) can swap the package's step for this file without a cycle.
import { start as engineStart, step as engineStep } from '../../packages/engine/src/step/step.ts'
import type { FlowAction, MachineInput } from '../../packages/engine/src/compile/machine.ts'
import { httpEffect } from '../../packages/engine/src/step/fragments.ts'
import type { CallContext } from '../../packages/engine/src/step/context.ts'

type Clock = Date | number | string
type Action = { type: string; params?: unknown }

interface MachineCache {
  scope: AnyActorScope
  /** The actions of the transition running now (steps are synchronous, so one list suffices). */
  actions: Action[]
  resolved: Map<string, AnyMachineSnapshot>
}

const caches = new WeakMap<AnyStateMachine, MachineCache>()

function cacheFor(machine: AnyStateMachine): MachineCache {
  let cache = caches.get(machine)
  if (cache === undefined) {
    const self = createActor(machine)
    const entry: MachineCache = { scope: undefined as unknown as AnyActorScope, actions: [], resolved: new Map() }
    entry.scope = {
      self, id: '', sessionId: '', system: self.system,
      logger: () => undefined, defer: () => undefined, emit: () => undefined, stopChild: () => undefined,
      actionExecutor: (action) => {
        entry.actions.push(action as Action)
      },
    }
    caches.set(machine, (cache = entry))
  }
  return cache
}

/** The snapshot for `node` with `context`, resolving the node only the first time. */
export function restoreCached(machine: AnyStateMachine, node: string, context: CallContext): AnyMachineSnapshot {
  const cache = cacheFor(machine)
  let base = cache.resolved.get(node)
  if (base === undefined) cache.resolved.set(node, (base = machine.resolveState({ value: node, context: {} })))
  return { ...base, context } as AnyMachineSnapshot
}

/** `transition(machine, snapshot, event)` without building an Actor per call. */
export function transitionCached(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: CallEvent): [AnyMachineSnapshot, Action[]] {
  const cache = cacheFor(machine)
  cache.actions = []
  const next = machine.transition(snapshot, event, cache.scope) as AnyMachineSnapshot
  return [next, cache.actions]
}

/** `initialTransition(machine, input)` without building an Actor per call. */
export function initialTransitionCached(machine: AnyStateMachine, input: MachineInput): [AnyMachineSnapshot, Action[]] {
  const cache = cacheFor(machine)
  cache.actions = []
  const next = machine.getInitialSnapshot(cache.scope, input) as AnyMachineSnapshot
  return [next, cache.actions]
}

/** The engine's `step` with both changes; falls back to the engine for the rare paths. */
export function fastStep(flow: CompiledFlow | Flow, snapshot: CallSnapshot, event: CallEvent, clock: Clock): StepResult {
  if (!('machine' in flow)) return engineStep(flow, snapshot, event, clock)
  const compiled = flow
  if (snapshot.version !== compiled.version || snapshot.status === 'done') return engineStep(compiled, snapshot, event, clock)
  try {
    const restored = restoreCached(compiled.machine, snapshot.node, { ...snapshot.context, now: isoOf(clock) })
    const [next, actions] = transitionCached(compiled.machine, restored, event)
    // An event that meant nothing here takes the engine's path (it repeats the node's view).
    return finish(compiled, snapshot, next, actions.filter((a) => FLOW_ACTIONS.has(a.type)) as FlowAction[], false) ?? engineStep(compiled, snapshot, event, clock)
  } catch {
    // Errors take the engine's recovery path, unchanged.
    return engineStep(compiled, snapshot, event, clock)
  }
}

/** The engine's `start` with a reused scope (the call's first webhook). */
export function fastStart(flow: CompiledFlow | Flow, call: CallInfo, clock: Clock, vars: Record<string, unknown> = {}): StepResult {
  if (!('machine' in flow)) return engineStart(flow, call, clock, vars)
  const compiled = flow
  const input: MachineInput = { call, vars: { ...(compiled.flow.vars ?? {}), ...vars }, now: isoOf(clock) }
  const initial: CallSnapshot = { flow: compiled.flow.flow, version: compiled.version, node: compiled.flow.start, status: 'active', seq: 0, context: { call, vars: input.vars, input: {}, noInput: 0, noMatch: 0, errors: 0, now: input.now } }
  try {
    const [next, actions] = initialTransitionCached(compiled.machine, input)
    return finish(compiled, initial, next, actions.filter((a) => FLOW_ACTIONS.has(a.type)) as FlowAction[], true)!
  } catch {
    // Errors take the engine's recovery path, unchanged.
    return engineStart(compiled, call, clock, vars)
  }
}

const FLOW_ACTIONS = new Set(['view', 'effect', 'took'])

function isoOf(clock: Clock): string {
  const date = clock instanceof Date ? clock : new Date(clock)
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(clock)}`)
  return date.toISOString()
}

/** Copied from step.ts `finish`, so the result is the engine's; undefined for an unhandled event. */
function finish(compiled: CompiledFlow, prior: CallSnapshot, next: AnyMachineSnapshot, actions: FlowAction[], starting: boolean): StepResult | undefined {
  const taken = actions.filter((a) => a.type === 'took').map((a) => a.params)
  const node = String(next.value)
  const context = next.context as CallContext
  if (!starting && taken.length === 0) return undefined
  const seq = prior.seq + 1
  const snapshot: CallSnapshot = { flow: prior.flow, version: prior.version, node, status: next.status === 'done' ? 'done' : 'active', seq, context }
  const view = actions.flatMap((a) => (a.type === 'view' ? a.params.instructions : []))
  const effects = actions.flatMap((a) => (a.type === 'effect' ? [httpEffect(compiled.flow, a.params.node, context, seq)] : []))
  const status = snapshot.status === 'done' ? 'ended' : effects.length > 0 ? 'effect' : 'waiting'
  const error = taken.some((t) => t.handle === 'error') ? context.error : undefined
  return { snapshot, view, effects, node, status, taken, handled: true, ...(error !== undefined ? { error } : {}) }
}
