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
  switch (node.type) {
    case 'menu':
      for (const [key, choice] of Object.entries(node.choices)) {
        add(edges, id, `choice:${key}`, choiceTarget(choice), typeof choice === 'string' ? ['choices', key] : ['choices', key, 'goto'])
      }
      break
    case 'branch':
      node.cases.forEach((c, i) => add(edges, id, `case:${i}`, c.goto, ['cases', i, 'goto']))
      add(edges, id, 'else', node.else, ['else'])
      break
    case 'hours':
      add(edges, id, 'open', node.open, ['open'])
      add(edges, id, 'closed', node.closed, ['closed'])
      break
    case 'hangup':
    case 'redirect':
      break
    default:
      add(edges, id, 'next', node.next, ['next'])
  }
  if (node.type === 'menu' || node.type === 'input') {
    add(edges, id, 'onNoInput', node.onNoInput, ['onNoInput'])
    add(edges, id, 'onNoMatch', node.onNoMatch, ['onNoMatch'])
    add(edges, id, 'onFailure', node.onFailure, ['onFailure'])
  }
  if (node.type === 'http') add(edges, id, 'onError', node.onError, ['onError'])
  if (node.type === 'dial') add(edges, id, 'onNoAnswer', node.onNoAnswer, ['onNoAnswer'])
  return edges
}

/** Adds the edge when it has a target. (Not a closure per node: tsx names each closure as it is made, which showed in profiles of large flows.) */
function add(edges: Edge[], from: string, handle: string, to: string | undefined, path: (string | number)[]): void {
  if (to !== undefined) edges.push({ from, handle, to, path })
}

/** Every edge of a flow, plus the flow-level `start` and `onError` entries (from `""`). */
export function flowEdges(flow: Flow): Edge[] {
  const edges: Edge[] = [{ from: '', handle: 'start', to: flow.start, path: ['start'] }]
  if (flow.onError !== undefined) edges.push({ from: '', handle: 'onError', to: flow.onError, path: ['onError'] })
  for (const [id, node] of Object.entries(flow.nodes)) edges.push(...edgesOf(id, node))
  return edges
}
