import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js'
import { draftEdges } from '../app/draft.ts'
import type { Draft } from '../app/draft.ts'
import type { Layout } from '../store/editor-store.ts'
import type { Direction, NodeGeometry } from './geometry.ts'

type Point = { x: number; y: number }

const PORT = 8

/** Options for ELK's layered algorithm; model order keeps the layout close to the YAML's order. */
export function layoutOptions(direction: Direction): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction === 'LR' ? 'RIGHT' : 'DOWN',
    'elk.layered.spacing.nodeNodeBetweenLayers': direction === 'LR' ? '110' : '70',
    'elk.spacing.nodeNode': direction === 'LR' ? '36' : '48',
    'elk.spacing.edgeNode': '24',
    'elk.spacing.componentComponent': '90',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    'elk.separateConnectedComponents': 'true',
  }
}

/**
 * Above this many nodes, the layout leaves out edges that only make it slow: self loops, and
 * most edges into "hub" nodes (a goodbye or operator node that dozens of nodes lead to). Every
 * such edge spans many layers and becomes a chain of dummy nodes for ELK: a 500-node flow
 * with one 250-edge hub took a minute instead of a second or two. The edges are still drawn.
 */
export const BIG_FLOW = 150
/** In big flows, a node with more incoming edges than this keeps only its first HUB_KEEP in the layout. */
export const HUB_DEGREE = 4
export const HUB_KEEP = 2

/** The id ELK knows a port by: one port per handle, plus one input port per node. */
export const portId = (node: string, handle: string): string => `${node}::${handle}`

/**
 * The flow as an ELK graph: every node a box of its drawn size, with one port per handle at
 * the place the handle is drawn, so edges from a menu's choices leave in order.
 *
 * @example elkGraph(draft, (id) => nodeGeometry(2, handlesOf(id), 'LR'), 'LR').children?.length
 */
export function elkGraph(draft: Draft, geometryOf: (id: string) => NodeGeometry, direction: Direction): ElkNode {
  const children: ElkNode[] = []
  const edges: ElkExtendedEdge[] = []
  const big = Object.keys(draft.nodes).length > BIG_FLOW
  const incoming = new Map<string, number>()
  if (big) {
    for (const [id, node] of Object.entries(draft.nodes)) for (const e of draftEdges(id, node)) incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1)
  }
  const kept = new Map<string, number>()
  const [outSide, inSide] = direction === 'LR' ? ['EAST', 'WEST'] : ['SOUTH', 'NORTH']
  for (const [id, node] of Object.entries(draft.nodes)) {
    const g = geometryOf(id)
    const port = (pid: string, at: Point, side: string): ElkPort => ({
      id: pid, x: at.x - PORT / 2, y: at.y - PORT / 2, width: PORT, height: PORT, layoutOptions: { 'elk.port.side': side },
    })
    children.push({
      id,
      width: g.width,
      height: g.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [port(portId(id, 'in'), g.input, inSide!), ...g.outputs.map((o) => port(portId(id, o.id), o, outSide!))],
    })
    for (const edge of draftEdges(id, node)) {
      if (draft.nodes[edge.to] === undefined || !g.outputs.some((o) => o.id === edge.handle)) continue
      if (big && edge.to === id) continue
      if (big && (incoming.get(edge.to) ?? 0) > HUB_DEGREE) {
        const count = kept.get(edge.to) ?? 0
        if (count >= HUB_KEEP) continue
        kept.set(edge.to, count + 1)
      }
      edges.push({ id: `${id}|${edge.handle}`, sources: [portId(id, edge.handle)], targets: [portId(edge.to, 'in')] })
    }
  }
  return { id: 'root', layoutOptions: layoutOptions(direction), children, edges }
}

/** Top-left positions of the nodes ELK placed, rounded to whole pixels. */
export function elkPositions(result: ElkNode): Record<string, Point> {
  const out: Record<string, Point> = {}
  for (const child of result.children ?? []) out[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) }
  return out
}

/**
 * Positions for the nodes that have none in `layout`, from a layout of the whole flow. When no
 * node has a position, that layout is used as is. Otherwise each new node keeps its offset
 * from a neighbour that has one (so a node added in YAML appears beside what it connects to);
 * a node with no placed neighbour goes below everything.
 *
 * @example placeMissing(draft, { nodes: { a: { x: 500, y: 0 } } }, { a: { x: 0, y: 0 }, b: { x: 300, y: 0 } }) // { b: { x: 800, y: 0 } }
 */
export function placeMissing(draft: Draft, layout: Layout, elk: Record<string, Point>): Record<string, Point> {
  const ids = Object.keys(draft.nodes)
  const missing = ids.filter((id) => layout.nodes[id] === undefined && elk[id] !== undefined)
  if (missing.length === 0) return {}
  const placed = ids.filter((id) => layout.nodes[id] !== undefined)
  if (placed.length === 0) return Object.fromEntries(missing.map((id) => [id, elk[id]!]))

  const neighbours = new Map<string, string[]>()
  const link = (a: string, b: string) => neighbours.set(a, [...(neighbours.get(a) ?? []), b])
  for (const [id, node] of Object.entries(draft.nodes)) {
    for (const edge of draftEdges(id, node)) {
      if (draft.nodes[edge.to] === undefined || edge.to === id) continue
      link(edge.to, id) // predecessors first: a node is usually added after what leads to it
      link(id, edge.to)
    }
  }
  const known: Record<string, Point> = { ...layout.nodes }
  const out: Record<string, Point> = {}
  const orphans: string[] = []
  // Several passes let a chain of new nodes hang off one placed node.
  let pending = missing
  for (let pass = 0; pass < 4 && pending.length > 0; pass++) {
    const next: string[] = []
    for (const id of pending) {
      const anchor = (neighbours.get(id) ?? []).find((n) => known[n] !== undefined && elk[n] !== undefined)
      if (anchor === undefined) {
        next.push(id)
        continue
      }
      const at = { x: known[anchor]!.x + elk[id]!.x - elk[anchor]!.x, y: known[anchor]!.y + elk[id]!.y - elk[anchor]!.y }
      known[id] = at
      out[id] = at
    }
    pending = next
  }
  orphans.push(...pending)
  if (orphans.length > 0) {
    const all = Object.values(known)
    const left = Math.min(...all.map((p) => p.x))
    const bottom = Math.max(...all.map((p) => p.y)) + 160
    const minX = Math.min(...orphans.map((id) => elk[id]!.x))
    const minY = Math.min(...orphans.map((id) => elk[id]!.y))
    for (const id of orphans) out[id] = { x: left + elk[id]!.x - minX, y: bottom + elk[id]!.y - minY }
  }
  return out
}
