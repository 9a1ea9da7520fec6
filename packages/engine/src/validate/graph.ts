import type { ProblemCode } from '../errors.ts'
import { CALLER_INPUT_TYPES } from '../schema/flow.ts'
import type { Flow, FlowNode } from '../schema/flow.ts'
import { flowEdges } from '../schema/edges.ts'
import type { Edge } from '../schema/edges.ts'
import { suggest } from './suggest.ts'

/** A problem found on the flow's data, located by its path in the document. */
export interface PathProblem {
  code: ProblemCode
  message: string
  path: (string | number)[]
  prefer?: 'key' | 'value'
  /** For a problem inside a text value (a template error): the character it is at. */
  offset?: number
  severity: 'error' | 'warning'
}

const KEYPAD = /^[0-9*#]+$/

/**
 * Checks the flow as a graph: every edge lands on a node, every node is reachable, menu keys
 * can be typed, menus and inputs have somewhere to go on failure, and no loop runs without
 * waiting for the caller.
 *
 * @example graphProblems(flow).map((p) => p.code) // ['UNKNOWN_TARGET', 'UNREACHABLE_NODE']
 */
export function graphProblems(flow: Flow): PathProblem[] {
  const edges = flowEdges(flow)
  // One list of the nodes for every check: each Object.entries of a flow of 20,000 nodes
  // allocates 20,000 pairs.
  const nodes = Object.entries(flow.nodes)
  return [
    ...unknownTargets(flow, edges),
    ...unreachable(flow, nodes, edges),
    ...menuKeys(nodes),
    ...failureEdges(nodes),
    ...inputFreeCycles(flow, nodes, edges),
    ...errorRoutes(flow, nodes),
  ]
}

type Nodes = ReadonlyArray<readonly [string, FlowNode]>

/** Whether a node has this id. Own keys only: `toString` or `constructor` is no node of a flow. */
export function hasNode(flow: Flow, id: string): boolean {
  return Object.hasOwn(flow.nodes, id)
}

/**
 * The edges leaving each node that `keep` accepts (the flow-level `start` and `onError`
 * entries leave no node). Lists grow in place: copying them per edge made garbage in
 * proportion to a large flow's edges.
 */
function outgoing(edges: readonly Edge[], keep: (edge: Edge) => boolean = () => true): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>()
  for (const e of edges) {
    if (e.from === '' || !keep(e)) continue
    const list = out.get(e.from)
    if (list === undefined) out.set(e.from, [e])
    else list.push(e)
  }
  return out
}

function edgePath(edge: Edge): (string | number)[] {
  return edge.from === '' ? edge.path : ['nodes', edge.from, ...edge.path]
}

function unknownTargets(flow: Flow, edges: Edge[]): PathProblem[] {
  let ids: string[] | undefined
  return edges
    .filter((e) => !hasNode(flow, e.to))
    .map((e) => ({
      code: 'UNKNOWN_TARGET',
      message: `${e.from === '' ? `"${e.handle}"` : `edge "${e.handle}" of "${e.from}"`} names no node "${e.to}"${suggest(e.to, (ids ??= Object.keys(flow.nodes)))}`,
      path: edgePath(e),
      severity: 'error',
    }))
}

function unreachable(flow: Flow, nodes: Nodes, edges: Edge[]): PathProblem[] {
  // With no start node, every node would be "unreachable"; the unknown start is the problem.
  if (!hasNode(flow, flow.start)) return []
  const out = outgoing(edges)
  const seen = new Set<string>()
  const queue = [flow.start, ...(flow.onError !== undefined ? [flow.onError] : [])]
  while (queue.length > 0) {
    const id = queue.pop()!
    if (seen.has(id) || !hasNode(flow, id)) continue
    seen.add(id)
    for (const e of out.get(id) ?? []) queue.push(e.to)
  }
  return nodes
    .filter(([id]) => !seen.has(id))
    .map(([id]) => ({ code: 'UNREACHABLE_NODE', message: `no path from "${flow.start}" reaches "${id}"`, path: ['nodes', id], prefer: 'key', severity: 'warning' }))
}

function menuKeys(nodes: Nodes): PathProblem[] {
  const problems: PathProblem[] = []
  for (const [id, node] of nodes) {
    if (node.type !== 'menu') continue
    const keys = Object.keys(node.choices)
    for (const key of keys) {
      const path = ['nodes', id, 'choices', key]
      if (!KEYPAD.test(key)) {
        problems.push({ code: 'BAD_KEY', message: `menu key "${key}" cannot be typed on a phone keypad (use 0-9, * and #)`, path, prefer: 'key', severity: 'error' })
        continue
      }
      const longer = keys.find((other) => other !== key && other.startsWith(key) && KEYPAD.test(other))
      if (longer !== undefined) {
        problems.push({ code: 'AMBIGUOUS_KEY', message: `menu key "${key}" is the start of "${longer}", so a caller pressing "${key}" would wait for the timeout`, path, prefer: 'key', severity: 'error' })
      }
    }
    problems.push(...speechWords(id, node.input, node.choices))
  }
  return problems
}

function speechWords(id: string, input: string, choices: Record<string, string | { goto: string; words?: string[] | undefined }>): PathProblem[] {
  const problems: PathProblem[] = []
  const owner = new Map<string, string>()
  for (const [key, choice] of Object.entries(choices)) {
    const words = typeof choice === 'string' ? undefined : choice.words
    if (input === 'speech' && (words === undefined || words.length === 0)) {
      problems.push({ code: 'NO_SPEECH_WORDS', message: `menu "${id}" takes speech only, but choice "${key}" has no words a caller could say`, path: ['nodes', id, 'choices', key], prefer: 'key', severity: 'error' })
    }
    words?.forEach((word, i) => {
      const normal = word.trim().toLowerCase()
      const first = owner.get(normal)
      if (first !== undefined && first !== key) {
        problems.push({ code: 'DUPLICATE_KEY', message: `the word "${word}" is used by choices "${first}" and "${key}"`, path: ['nodes', id, 'choices', key, 'words', i], severity: 'error' })
      }
      owner.set(normal, key)
    })
  }
  return problems
}

function failureEdges(nodes: Nodes): PathProblem[] {
  const problems: PathProblem[] = []
  for (const [id, node] of nodes) {
    if (node.type !== 'menu' && node.type !== 'input') continue
    if (node.onFailure !== undefined || (node.onNoInput !== undefined && node.onNoMatch !== undefined)) continue
    const missing = node.onNoInput === undefined && node.onNoMatch === undefined ? '' : ` (only ${node.onNoInput !== undefined ? 'onNoInput' : 'onNoMatch'} is set)`
    problems.push({
      code: 'NO_FAILURE_EDGE',
      message: `${node.type} "${id}" needs "onFailure" (or both "onNoInput" and "onNoMatch"): where does a caller go after the last failed attempt?${missing}`,
      path: ['nodes', id],
      prefer: 'key',
      severity: 'error',
    })
  }
  return problems
}

/**
 * Loops through nodes that never hand control back to the caller (say, set, branch, hours,
 * http) would spin inside one webhook forever. Found with Tarjan's strongly connected
 * components over that subgraph; every such component is reported once, with its loop.
 */
function inputFreeCycles(flow: Flow, nodes: Nodes, edges: Edge[]): PathProblem[] {
  const free = (id: string) => hasNode(flow, id) && !CALLER_INPUT_TYPES.has(flow.nodes[id]!.type)
  const out = outgoing(edges, (e) => free(e.from) && free(e.to))
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  let counter = 0
  // Iterative so that flows of tens of thousands of nodes cannot overflow the call stack.
  for (const [root] of nodes) {
    if (!free(root) || index.has(root)) continue
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }]
    index.set(root, counter); low.set(root, counter++); stack.push(root); onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      const successors = out.get(frame.id) ?? []
      if (frame.next < successors.length) {
        const to = successors[frame.next++]!.to
        if (!index.has(to)) {
          index.set(to, counter); low.set(to, counter++); stack.push(to); onStack.add(to)
          work.push({ id: to, next: 0 })
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!))
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = []
        let id: string
        do { id = stack.pop()!; onStack.delete(id); component.push(id) } while (id !== frame.id)
        const selfLoop = (out.get(frame.id) ?? []).some((e) => e.to === frame.id)
        if (component.length > 1 || selfLoop) components.push(component)
      }
    }
  }
  return components.map((component) => {
    const members = new Set(component)
    const first = nodes.find(([id]) => members.has(id))![0]
    const loop = cycleFrom(first, members, out)
    const edge = (out.get(first) ?? []).find((e) => e.to === loop[1])!
    return {
      code: 'INPUT_FREE_CYCLE',
      message: `loop ${loop.join(' → ')} never waits for the caller, so one webhook would never end; route it through a menu, input, dial or record node`,
      path: edgePath(edge),
      severity: 'error',
    }
  })
}

/** A shortest loop from `start` back to itself inside one component (breadth first). */
function cycleFrom(start: string, members: Set<string>, out: Map<string, Edge[]>): string[] {
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const id = queue.shift()!
    for (const e of out.get(id) ?? []) {
      if (!members.has(e.to)) continue
      if (e.to === start) {
        const path = [start]
        for (let at = id; at !== start; at = previous.get(at)!) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!previous.has(e.to)) { previous.set(e.to, id); queue.push(e.to) }
    }
  }
  return [start, start]
}

function errorRoutes(flow: Flow, nodes: Nodes): PathProblem[] {
  if (flow.onError !== undefined) return []
  return nodes
    .filter(([, node]) => node.type === 'http' && node.onError === undefined)
    .map(([id]) => ({
      code: 'NO_ERROR_ROUTE',
      message: `http node "${id}" has no "onError" and the flow has none: a failed request ends the call with an apology`,
      path: ['nodes', id],
      prefer: 'key',
      severity: 'warning',
    }))
}
