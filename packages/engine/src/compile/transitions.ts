import type { Flow, FlowNode, NodeOf } from '../schema/flow.ts'
import type { CallEventType } from '../step/events.ts'

/** The state a call enters when a run-time error has no `onError` node to go to. */
export const FAILED = '$failed'
/** The state a call enters when the caller hangs up. */
export const HUNG_UP = '$hungup'

/**
 * One transition of a compiled flow. The machine is built from these, and flow tests measure
 * coverage against the same list, so the two cannot disagree.
 */
export interface TransitionSpec {
  from: string
  /**
   * `next`, `choice:<key>`, `case:<i>`, `else`, `open`, `closed`, `onError`, `onNoAnswer`, and for
   * menus and inputs `noInput:retry`, `noInput:exhausted`, `noMatch:retry`, `noMatch:exhausted`.
   */
  handle: string
  /** Events that can take it; `always` for nodes that pass straight through. */
  events: (CallEventType | 'always')[]
  /** Target node; undefined for a retry that stays on the node. */
  to?: string
}

/**
 * Every transition out of a node, in the order the machine tries them.
 *
 * @example nodeTransitions(flow, 'welcome') // [{ from: 'welcome', handle: 'next', events: ['always'], to: 'office-hours' }]
 */
export function nodeTransitions(flow: Flow, id: string): TransitionSpec[] {
  // Own keys only: "toString" or "constructor" names no node, whatever Object.prototype has.
  if (!Object.hasOwn(flow.nodes, id)) return []
  const node: FlowNode = flow.nodes[id]!
  const t = (handle: string, events: TransitionSpec['events'], to?: string): TransitionSpec => ({ from: id, handle, events, ...(to !== undefined ? { to } : {}) })
  switch (node.type) {
    case 'say':
    case 'set':
      return [t('next', ['always'], node.next)]
    case 'branch':
      return [...node.cases.map((c, i) => t(`case:${i}`, ['always'], c.goto)), t('else', ['always'], node.else)]
    case 'hours':
      return [t('open', ['always'], node.open), t('closed', ['always'], node.closed)]
    case 'menu': {
      const answer: CallEventType[] = [...(node.input.includes('dtmf') ? ['DIGITS' as const] : []), ...(node.input.includes('speech') ? ['SPEECH' as const] : [])]
      return [
        ...noInputTransitions(id, node),
        ...Object.entries(node.choices).map(([key, choice]) => t(`choice:${key}`, answer, typeof choice === 'string' ? choice : choice.goto)),
        t('noMatch:exhausted', ['DIGITS', 'SPEECH'], node.onNoMatch ?? node.onFailure),
        ...(canRetry(node, 'noMatch') ? [t('noMatch:retry', ['DIGITS', 'SPEECH'])] : []),
      ]
    }
    case 'input':
      return [
        ...noInputTransitions(id, node),
        t('next', ['DIGITS'], node.next),
        t('noMatch:exhausted', ['DIGITS'], node.onNoMatch ?? node.onFailure),
        ...(canRetry(node, 'noMatch') ? [t('noMatch:retry', ['DIGITS'])] : []),
      ]
    case 'http':
      return [t('next', ['HTTP_RESULT'], node.next), t('onError', ['HTTP_RESULT', 'HTTP_ERROR'], node.onError ?? flow.onError ?? FAILED)]
    case 'dial':
      return [t('next', ['DIAL_RESULT'], node.next), t('onNoAnswer', ['DIAL_RESULT'], node.onNoAnswer ?? node.next)]
    case 'record':
      return [t('next', ['RECORDING'], node.next)]
    case 'enqueue':
      return [t('next', ['QUEUE_RESULT'], node.next)]
    case 'hangup':
    case 'redirect':
      return []
  }
}

type Attempting = NodeOf<'menu'> | NodeOf<'input'>

function noInputTransitions(id: string, node: Attempting): TransitionSpec[] {
  return [
    { from: id, handle: 'noInput:exhausted', events: ['NO_INPUT', 'SPEECH'], to: (node.onNoInput ?? node.onFailure)! },
    ...(canRetry(node, 'noInput') ? [{ from: id, handle: 'noInput:retry', events: ['NO_INPUT', 'SPEECH'] } satisfies TransitionSpec] : []),
  ]
}

/** A retry exists only when one failure does not already use up the attempts. */
function canRetry(node: Attempting, kind: 'noInput' | 'noMatch'): boolean {
  return (kind === 'noInput' ? node.maxNoInput : node.maxNoMatch) > 1 && (node.maxAttempts === undefined || node.maxAttempts > 1)
}

/**
 * Every transition of a flow: what "100 % transition coverage" means.
 *
 * @example flowTransitions(flow).length // 42
 */
export function flowTransitions(flow: Flow): TransitionSpec[] {
  return Object.keys(flow.nodes).flatMap((id) => nodeTransitions(flow, id))
}

/** A transition's name in reports: `main-menu --choice:1--> sales`. */
export function transitionName(t: Pick<TransitionSpec, 'from' | 'handle' | 'to'>): string {
  return `${t.from} --${t.handle}--> ${t.to ?? t.from}`
}
