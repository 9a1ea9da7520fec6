import { assign, createMachine } from 'xstate'
import type { AnyStateMachine } from 'xstate'
import type { Flow, FlowNode, NodeOf } from '../schema/flow.ts'
import { evaluateCondition } from '../condition/condition.ts'
import { isOpen } from '../hours/hours.ts'
import type { CallContext, CallInfo } from '../step/context.ts'
import { scopeOf } from '../step/context.ts'
import type { CallEvent } from '../step/events.ts'
import { ANSWERED } from '../step/events.ts'
import { DEFAULT_APOLOGY } from '../step/view.ts'
import { acceptsDigits, matchDigits, matchSpeech } from '../step/match.ts'
import { entryFragment, renderValue, retryFragment } from '../step/fragments.ts'
import { FAILED, HUNG_UP, nodeTransitions } from './transitions.ts'
import type { TransitionSpec } from './transitions.ts'

/** What a machine starts from: the call's fields, its starting variables and the clock. */
export interface MachineInput {
  call: CallInfo
  vars: Record<string, unknown>
  now: string
}

/** Actions the machine returns as data: what to say/do, what to fetch, which edge it took. */
export type FlowAction =
  | { type: 'view'; params: { instructions: ReturnType<typeof entryFragment> } }
  | { type: 'effect'; params: { node: string } }
  | { type: 'took'; params: { from: string; handle: string; to: string } }

type Args = { context: CallContext; event: CallEvent }
type Guard = (args: Args) => boolean
/** An XState action as it goes into the config: an assignment, or action data. */
type ActionDef = { readonly kind?: 'action' } | { type: string; params: unknown }

/** `assign` bound to the call's context; the one place where XState's generics are bridged. */
function update(fn: ((args: Args) => Partial<CallContext>) | Partial<CallContext>): ActionDef {
  return assign(fn as never) as unknown as ActionDef
}
interface TransitionDef { target?: string; reenter?: boolean; guard?: Guard; actions: ActionDef[] }
interface StateDef { type?: 'final'; entry?: ActionDef[]; always?: TransitionDef[]; on?: Record<string, TransitionDef[]> }


/**
 * Builds the XState machine for a valid flow. Each node is a state; pass-through nodes use
 * eventless transitions, resting nodes wait for events, and views, effects and the edges
 * taken come back from `transition()` as action data, so the machine never performs I/O.
 *
 * @example const machine = buildMachine(flow); initialTransition(machine, { call, vars: {}, now })
 */
export function buildMachine(flow: Flow): AnyStateMachine {
  const states: Record<string, StateDef> = {}
  for (const id of Object.keys(flow.nodes)) states[id] = stateFor(flow, id)
  states[FAILED] = { type: 'final', entry: [view(() => [{ kind: 'say', text: DEFAULT_APOLOGY, ...voice(flow) }, { kind: 'hangup' }])] }
  states[HUNG_UP] = { type: 'final' }
  const config = {
    id: flow.flow,
    initial: flow.start,
    context: ({ input }: { input: MachineInput }): CallContext => ({ call: input.call, vars: { ...input.vars }, input: {}, noInput: 0, noMatch: 0, errors: 0, now: input.now }),
    on: {
      HANGUP: [{ target: `.${HUNG_UP}`, actions: [took('*', 'hangup', HUNG_UP)] }],
      ERROR: [
        ...(flow.onError !== undefined ? [{ target: `.${flow.onError}`, reenter: true, guard: ({ context }: Args) => context.errors < 2, actions: [failure(), took('*', 'error', flow.onError)] }] : []),
        { target: `.${FAILED}`, actions: [failure(), took('*', 'error', FAILED)] },
      ],
    },
    states,
  }
  return createMachine(config as unknown as Parameters<typeof createMachine>[0])
}

function stateFor(flow: Flow, id: string): StateDef {
  const node = flow.nodes[id]!
  const specs = nodeTransitions(flow, id)
  const state: StateDef = { entry: entryActions(flow, id, node) }
  if (node.type === 'hangup' || node.type === 'redirect') return { ...state, type: 'final' }
  const always = specs.filter((s) => s.events.includes('always'))
  if (always.length > 0) state.always = always.map((s) => transitionFor(flow, node, s, 'always'))
  const on: Record<string, TransitionDef[]> = {}
  for (const spec of specs) {
    for (const event of spec.events) if (event !== 'always') (on[event] ??= []).push(transitionFor(flow, node, spec, event))
  }
  if (Object.keys(on).length > 0) state.on = on
  return state
}

function entryActions(flow: Flow, id: string, node: FlowNode): ActionDef[] {
  switch (node.type) {
    case 'branch':
    case 'hours':
      return []
    case 'set':
      return [update(({ context }) => ({ vars: { ...context.vars, ...(renderValue(node.vars, scopeOf(flow, context)) as Record<string, unknown>) } }))]
    case 'http':
      return [{ type: 'effect', params: { node: id } }]
    case 'menu':
    case 'input':
      return [update({ noInput: 0, noMatch: 0 }), view((context) => entryFragment(flow, id, context))]
    default:
      return [view((context) => entryFragment(flow, id, context))]
  }
}

function transitionFor(flow: Flow, node: FlowNode, spec: TransitionSpec, event: string): TransitionDef {
  const guard = guardFor(flow, node, spec, event)
  const actions: ActionDef[] = []
  if (event === 'DIGITS' || event === 'SPEECH') actions.push(saveInput)
  actions.push(...effectsOf(flow, node, spec))
  actions.push(took(spec.from, spec.handle, spec.to ?? spec.from))
  return { ...(spec.to !== undefined ? { target: spec.to, reenter: true } : {}), ...(guard ? { guard } : {}), actions }
}

const isSilence = (event: CallEvent) => event.type === 'NO_INPUT' || (event.type === 'SPEECH' && event.speech.trim() === '')

function guardFor(flow: Flow, node: FlowNode, spec: TransitionSpec, event: string): Guard | undefined {
  const [kind, detail] = spec.handle.split(':') as [string, string | undefined]
  if (kind === 'noInput') return detail === 'exhausted' ? (a) => isSilence(a.event) && exhausted(node, a.context, 'noInput') : (a) => isSilence(a.event)
  if (kind === 'noMatch') return detail === 'exhausted' ? (a) => exhausted(node, a.context, 'noMatch') : undefined
  switch (node.type) {
    case 'menu':
      if (kind !== 'choice' || detail === undefined) return undefined
      return event === 'DIGITS'
        ? ({ event: e }) => e.type === 'DIGITS' && matchDigits(node, e.digits) === detail
        : ({ event: e }) => e.type === 'SPEECH' && matchSpeech(node, e.speech) === detail
    case 'input':
      return ({ event: e }) => e.type === 'DIGITS' && acceptsDigits(node, e.digits)
    case 'http':
      return kind === 'next' ? ({ event: e }) => e.type === 'HTTP_RESULT' && e.status >= 200 && e.status < 300 : undefined
    case 'dial':
      return kind === 'next' ? ({ event: e }) => e.type === 'DIAL_RESULT' && ANSWERED.has(e.status) : undefined
    case 'hours':
      return kind === 'open' ? ({ context }) => isOpen(node, new Date(context.now)) : undefined
    case 'branch': {
      if (kind !== 'case') return undefined
      const condition = node.cases[Number(detail)]!.when
      return ({ context }) => evaluateCondition(condition, scopeOf(flow, context))
    }
    default:
      return undefined
  }
}

/** Whether this failure uses up the node's attempts (menu-semantics.md rule 5). */
function exhausted(node: FlowNode, context: CallContext, kind: 'noInput' | 'noMatch'): boolean {
  const n = node as NodeOf<'menu'> | NodeOf<'input'>
  const count = context[kind] + 1
  const max = kind === 'noInput' ? n.maxNoInput : n.maxNoMatch
  return count >= max || (n.maxAttempts !== undefined && context.noInput + context.noMatch + 1 >= n.maxAttempts)
}

function effectsOf(flow: Flow, node: FlowNode, spec: TransitionSpec): ActionDef[] {
  const [kind, detail] = spec.handle.split(':')
  if (kind === 'noInput' || kind === 'noMatch') {
    const counter = kind
    const count = update(({ context }) => ({ [counter]: context[counter] + 1 }))
    return detail === 'retry' ? [count, view((context) => retryFragment(flow, spec.from, counter, context))] : [count]
  }
  const save = (value: (event: CallEvent) => unknown) =>
    'saveAs' in node && node.saveAs !== undefined
      ? [update(({ context, event }) => ({ vars: { ...context.vars, [node.saveAs!]: value(event) } }))]
      : []
  if (node.type === 'input' && kind === 'next') return save((e) => (e.type === 'DIGITS' ? e.digits : undefined))
  if (node.type === 'record') return save((e) => (e.type === 'RECORDING' ? { url: e.url ?? '', duration: e.duration ?? 0, ...(e.transcript !== undefined ? { transcript: e.transcript } : {}) } : undefined))
  if (node.type === 'http' && kind === 'next') return save((e) => (e.type === 'HTTP_RESULT' ? e.body : undefined))
  if (node.type === 'http' && kind === 'onError') {
    return [update(({ event }) => ({ error: event.type === 'HTTP_ERROR' ? event.message : event.type === 'HTTP_RESULT' ? `HTTP ${event.status}` : 'request failed' }))]
  }
  return []
}

const saveInput = update(({ event }) => ({
  input: event.type === 'DIGITS' ? { digits: event.digits } : event.type === 'SPEECH' ? { speech: event.speech, ...(event.confidence !== undefined ? { confidence: event.confidence } : {}) } : {},
}))

function failure() {
  return update(({ context, event }) => ({ errors: context.errors + 1, error: event.type === 'ERROR' ? event.message : 'error' }))
}

function view(build: (context: CallContext) => ReturnType<typeof entryFragment>): ActionDef {
  return { type: 'view', params: ({ context }: { context: CallContext }) => ({ instructions: build(context) }) }
}

function took(from: string, handle: string, to: string): ActionDef {
  return { type: 'took', params: { from, handle, to } }
}

function voice(flow: Flow) {
  return { ...(flow.voice !== undefined ? { voice: flow.voice } : {}), ...(flow.language !== undefined ? { language: flow.language } : {}) }
}
