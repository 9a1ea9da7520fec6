import type { Choice, Flow, FlowNode } from './flow.ts'

/** One outgoing edge of a node, as drawn in the editor and checked by the validator. */
export interface Edge {
  /** The node the edge leaves. */
  from: string
  /** Stable name of the handle: `next`, `choice:1`, `case:0`, `else`, `open`, `onNoInput`, … */
  handle: string
  /** The node the edge enters. */
  to: string
  /** Path of the target value inside the node, for locating problems and editing YAML. */
  path: (string | number)[]
}

/** The node a menu choice leads to. */
export function choiceTarget(choice: Choice): string {
  return typeof choice === 'string' ? choice : choice.goto
}

/**
 * Every outgoing edge of a node, in a stable order (the order the YAML lists them).
 *
 * @example edgesOf('welcome', { type: 'say', prompt: 'Hi', repeat: 1, next: 'menu' })
 * // [{ from: 'welcome', handle: 'next', to: 'menu', path: ['next'] }]
 */
export function edgesOf(id: string, node: FlowNode): Edge[] {
  const edges: Edge[] = []
  const add = (handle: string, to: string | undefined, path: (string | number)[]) => {
    if (to !== undefined) edges.push({ from: id, handle, to, path })
  }
  switch (node.type) {
    case 'menu':
      for (const [key, choice] of Object.entries(node.choices)) {
        add(`choice:${key}`, choiceTarget(choice), typeof choice === 'string' ? ['choices', key] : ['choices', key, 'goto'])
      }
      break
    case 'branch':
      node.cases.forEach((c, i) => add(`case:${i}`, c.goto, ['cases', i, 'goto']))
      add('else', node.else, ['else'])
      break
    case 'hours':
      add('open', node.open, ['open'])
      add('closed', node.closed, ['closed'])
      break
    case 'hangup':
    case 'redirect':
      break
    default:
      add('next', node.next, ['next'])
  }
  if (node.type === 'menu' || node.type === 'input') {
    add('onNoInput', node.onNoInput, ['onNoInput'])
    add('onNoMatch', node.onNoMatch, ['onNoMatch'])
    add('onFailure', node.onFailure, ['onFailure'])
  }
  if (node.type === 'http') add('onError', node.onError, ['onError'])
  if (node.type === 'dial') add('onNoAnswer', node.onNoAnswer, ['onNoAnswer'])
  return edges
}

/** Every edge of a flow, plus the flow-level `start` and `onError` entries (from `""`). */
export function flowEdges(flow: Flow): Edge[] {
  const edges: Edge[] = [{ from: '', handle: 'start', to: flow.start, path: ['start'] }]
  if (flow.onError !== undefined) edges.push({ from: '', handle: 'onError', to: flow.onError, path: ['onError'] })
  for (const [id, node] of Object.entries(flow.nodes)) edges.push(...edgesOf(id, node))
  return edges
}
