import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import { draftOf } from '../app/draft.ts'
import { outputHandles } from '../canvas/handles.ts'
import { elkGraph, elkPositions, HUB_DEGREE, placeMissing, portId } from './elk-graph.ts'
import { nodeGeometry, NODE_WIDTH, ROW_HEIGHT } from './geometry.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const draft = draftOf(loadFlow(SUPPORT, 'flows/support.yaml').source.doc)!
const geometryOf = (dir: 'LR' | 'TB') => (id: string) => nodeGeometry(2, outputHandles(draft.nodes[id]!).map((h) => h.id), dir)

describe('the ELK graph', () => {
  it('has one port per handle, placed where the handle is drawn, and edges between ports', () => {
    const graph = elkGraph(draft, geometryOf('LR'), 'LR')
    expect(graph.children).toHaveLength(16)
    const menu = graph.children!.find((c) => c.id === 'main-menu')!
    expect(menu.ports!.map((p) => p.id)).toEqual(['in', 'choice:1', 'choice:2', 'choice:0', 'choice:*', 'choice:+', 'onNoInput', 'onNoMatch', 'onFailure'].map((h) => portId('main-menu', h)))
    const [, first, second] = menu.ports!
    expect(first!.x).toBe(NODE_WIDTH - 4)
    expect(second!.y! - first!.y!).toBe(ROW_HEIGHT)
    expect(graph.edges!.find((e) => e.id === 'main-menu|choice:1')).toMatchObject({ sources: [portId('main-menu', 'choice:1')], targets: [portId('sales', 'in')] })
    expect(graph.layoutOptions!['elk.direction']).toBe('RIGHT')
    expect(elkGraph(draft, geometryOf('TB'), 'TB').layoutOptions!['elk.direction']).toBe('DOWN')
  })

  it('reads positions back, rounded', () => {
    expect(elkPositions({ id: 'root', children: [{ id: 'a', x: 1.4, y: 2.6 }] })).toEqual({ a: { x: 1, y: 3 } })
  })
})

describe('placing nodes that have no position', () => {
  const elk = Object.fromEntries(Object.keys(draft.nodes).map((id, i) => [id, { x: i * 100, y: i * 10 }]))

  it('uses the whole layout when nothing is placed', () => {
    expect(placeMissing(draft, { nodes: {} }, elk)).toEqual(elk)
  })

  it('keeps a new node\'s offset from a placed neighbour', () => {
    const layout = { nodes: Object.fromEntries(Object.keys(draft.nodes).filter((id) => id !== 'goodbye').map((id) => [id, { x: 5000, y: 5000 }])) }
    const placed = placeMissing(draft, layout, elk)
    expect(Object.keys(placed)).toEqual(['goodbye'])
    // goodbye's first neighbour is sales (the first node leading to it): index 3 vs 14 in the file
    expect(placed.goodbye).toEqual({ x: 5000 + (14 - 3) * 100, y: 5000 + (14 - 3) * 10 })
  })

  it('puts a node with no placed neighbour below everything', () => {
    const text = `${SUPPORT}\n  lonely:\n    type: hangup\n`
    const d = draftOf(loadFlow(text, 'flows/support.yaml').source.doc)!
    const layout = { nodes: Object.fromEntries(Object.keys(draft.nodes).map((id) => [id, { x: 10, y: 20 }])) }
    const placed = placeMissing(d, layout, { ...elk, lonely: { x: 7, y: 7 } })
    expect(placed).toEqual({ lonely: { x: 10, y: 180 } })
  })
})

describe('big flows', () => {
  it('leave self loops and most edges into hubs out of the layout (they are still drawn)', () => {
    const lines = ['flow: big', 'start: m0', 'nodes:']
    for (let i = 0; i < 200; i++) lines.push(`  m${i}: { type: menu, prompt: p, choices: { "1": m${i + 1}, "*": m${i} }, onFailure: bye }`)
    lines.push('  m200: { type: hangup }', '  bye: { type: hangup }')
    const big = draftOf(loadFlow(lines.join('\n'), 'flows/big.yaml').source.doc)!
    const graph = elkGraph(big, (id) => nodeGeometry(1, outputHandles(big.nodes[id]!).map((h) => h.id), 'LR'), 'LR')
    const edges = graph.edges!.map((e) => e.id)
    expect(edges.filter((e) => e.endsWith('|choice:*'))).toEqual([])
    expect(edges.filter((e) => e.endsWith('|onFailure'))).toEqual(['m0|onFailure', 'm1|onFailure'])
    expect(edges).toContain('m199|choice:1')
  })

  it('keep every edge of small flows', () => {
    const graph = elkGraph(draft, geometryOf('LR'), 'LR')
    expect(graph.edges!.some((e) => e.id === 'main-menu|choice:*')).toBe(true)
    expect(graph.edges!.filter((e) => e.targets[0] === portId('goodbye', 'in')).length).toBeGreaterThan(HUB_DEGREE)
  })
})
