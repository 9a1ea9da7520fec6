import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import { draftOf } from '../app/draft.ts'
import type { Draft } from '../app/draft.ts'
import { nextDraft } from '../app/draft-update.ts'
import { buildEdges, buildNodes, problemsByNode, takenEdgeIds } from './graph.ts'
import type { NodesInput } from './graph.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const draftFrom = (text: string): Draft => draftOf(loadFlow(text, 'flows/support.yaml').source.doc)!

function placedEverywhere(draft: Draft) {
  return { nodes: Object.fromEntries(Object.keys(draft.nodes).map((id, i) => [id, { x: i * 300, y: 0 }])) }
}

function input(draft: Draft, over: Partial<NodesInput> = {}): NodesInput {
  return { draft, layout: placedEverywhere(draft), problems: new Map(), highlight: { visited: [], taken: [] }, selection: new Set(), direction: 'LR', ...over }
}

describe('canvas nodes', () => {
  it('gives each placed node its type, handles, gist and marks', () => {
    const draft = draftFrom(SUPPORT)
    const nodes = buildNodes(input(draft), [])
    expect(nodes).toHaveLength(16)
    const welcome = nodes.find((n) => n.id === 'welcome')!
    expect(welcome).toMatchObject({ type: 'pt-say', position: { x: 0, y: 0 }, data: { start: true, onError: false } })
    expect(nodes.find((n) => n.id === 'sorry')!.data.onError).toBe(true)
    expect(nodes.find((n) => n.id === 'main-menu')!.data.handles.map((h) => h.id)).toContain('choice:+')
  })

  it('leaves out nodes without a position (the automatic layout places them)', () => {
    const draft = draftFrom(SUPPORT)
    expect(buildNodes(input(draft, { layout: { nodes: { welcome: { x: 1, y: 2 } } } }), []).map((n) => n.id)).toEqual(['welcome'])
  })

  it('reuses unchanged nodes after an edit elsewhere, and rebuilds the edited one', () => {
    const source = nextDraft(undefined, SUPPORT)!
    const first = buildNodes(input(source.draft), [])
    const edited = nextDraft(source, SUPPORT.replace('Thanks for calling Acme.', 'Welcome to Acme.'))!.draft
    const second = buildNodes(input(edited, { layout: placedEverywhere(edited) }), first)
    const changed = second.filter((n, i) => n !== first[i]).map((n) => n.id)
    expect(changed).toEqual(['welcome'])
    expect(second[0]!.data.gist.prompt).toEqual(['Welcome to Acme.'])
  })

  it('redraws only the nodes whose problems changed when a validation answer comes', () => {
    const broken = SUPPORT.replace('next: office-hours', 'next: nowhere')
    const draft = draftFrom(broken)
    const problems = problemsByNode(loadFlow(broken, 'flows/support.yaml').problems)
    const first = buildNodes(input(draft, { problems }), [])
    const again = problemsByNode(loadFlow(broken, 'flows/support.yaml').problems, problems)
    expect(buildNodes(input(draft, { problems: again }), first)).toEqual(first)
    expect(buildNodes(input(draft, { problems: again }), first).every((n, i) => n === first[i])).toBe(true)
    const fixed = problemsByNode([], again)
    const third = buildNodes(input(draft, { problems: fixed }), first)
    expect(again.get('welcome')?.map((p) => p.code)).toContain('UNKNOWN_TARGET')
    expect(third.filter((n, i) => n !== first[i]).map((n) => n.id)).toEqual(first.map((n) => n.id).filter((id) => again.has(id)))
    expect(again.size).toBeLessThan(first.length)
  })

  it('marks problems, the call\'s current and visited nodes, and the selection', () => {
    const loaded = loadFlow(SUPPORT.replace('next: office-hours', 'next: nowhere'), 'flows/support.yaml')
    const draft = draftOf(loaded.source.doc)!
    const nodes = buildNodes(input(draft, {
      problems: problemsByNode(loaded.problems), highlight: { current: 'main-menu', visited: ['welcome'], taken: [] }, selection: new Set(['sales']),
    }), [])
    const byId = new Map(nodes.map((n) => [n.id, n]))
    expect(byId.get('welcome')!.data.problems.map((p) => p.code)).toContain('UNKNOWN_TARGET')
    expect(byId.get('main-menu')!.data.highlight).toBe('current')
    expect(byId.get('welcome')!.data.highlight).toBe('visited')
    expect(byId.get('sales')!.selected).toBe(true)
  })
})

describe('canvas edges', () => {
  it('draws every edge with the engine\'s handle names, labels and self loops', () => {
    const draft = draftFrom(SUPPORT)
    const edges = buildEdges({ draft, present: new Set(Object.keys(draft.nodes)), taken: new Set(), selected: new Set() }, [])
    const menu = edges.filter((e) => e.source === 'main-menu')
    expect(menu.map((e) => [e.sourceHandle, e.label]).sort()).toEqual([
      ['choice:*', 'press *'], ['choice:0', 'press 0'], ['choice:1', 'press 1'], ['choice:2', 'press 2'], ['onFailure', 'failure'],
    ])
    expect(menu.find((e) => e.sourceHandle === 'choice:*')).toMatchObject({ target: 'main-menu', type: 'loop' })
    expect(edges.find((e) => e.id === 'welcome|next')).toMatchObject({ target: 'office-hours', targetHandle: 'in' })
  })

  it('skips edges to missing nodes and reuses unchanged edges', () => {
    const draft = draftFrom(SUPPORT.replace('next: office-hours', 'next: nowhere'))
    const present = new Set(Object.keys(draft.nodes))
    const first = buildEdges({ draft, present, taken: new Set(), selected: new Set() }, [])
    expect(first.some((e) => e.source === 'welcome')).toBe(false)
    const second = buildEdges({ draft, present, taken: new Set(['main-menu|choice:1']), selected: new Set() }, first)
    expect(second.filter((e, i) => e !== first[i]).map((e) => e.id)).toEqual(['main-menu|choice:1'])
    expect(second.find((e) => e.id === 'main-menu|choice:1')!.data!.taken).toBe(true)
  })

  it('returns the previous list itself when no edge changed, even after a reparse', () => {
    const source = nextDraft(undefined, SUPPORT)!
    const present = new Set(Object.keys(source.draft.nodes))
    const first = buildEdges({ draft: source.draft, present, taken: new Set(), selected: new Set() }, [])
    const prompted = nextDraft(source, SUPPORT.replace('Thanks for calling Acme.', 'Welcome to Acme.'))!
    expect(buildEdges({ draft: prompted.draft, present, taken: new Set(), selected: new Set() }, first)).toBe(first)
    const reparsed = draftFrom(SUPPORT)
    expect(buildEdges({ draft: reparsed, present, taken: new Set(), selected: new Set() }, first)).toBe(first)
    const moved = draftFrom(SUPPORT.replace('next: office-hours', 'next: goodbye'))
    const third = buildEdges({ draft: moved, present, taken: new Set(), selected: new Set() }, first)
    expect(third).not.toBe(first)
    expect(third.filter((e, i) => e !== first[i]).map((e) => [e.id, e.target])).toEqual([['welcome|next', 'goodbye']])
  })

  it('maps the transitions a call took onto drawn edges', () => {
    const draft = draftFrom(SUPPORT)
    expect([...takenEdgeIds(draft, ['welcome|next', 'main-menu|noMatch:exhausted', 'account|noInput:exhausted', 'main-menu|noInput:retry', 'ghost|next'])])
      .toEqual(['welcome|next', 'main-menu|onFailure', 'account|onFailure', 'main-menu|noInput:retry'])
  })
})
