import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import { connect, renameNode } from '../model/ops.ts'
import { asFlow, draftEdges, draftOf, promptText } from './draft.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const load = (text: string) => loadFlow(text, 'flows/support.yaml')

describe('the draft', () => {
  it('reads every node of a valid flow with its kind and raw data (no defaults)', () => {
    const draft = draftOf(load(SUPPORT).source.doc)!
    expect(Object.keys(draft.nodes)).toHaveLength(16)
    expect(draft.start).toBe('welcome')
    expect(draft.onError).toBe('sorry')
    expect(draft.nodes['main-menu']!.kind).toBe('menu')
    expect(draft.nodes['main-menu']!.data.maxNoInput).toBeUndefined()
  })

  it('still reads a flow the schema rejects, with unknown and partial nodes', () => {
    const text = 'flow: x\nstart: a\nnodes:\n  a: { type: say, prompt: hi }\n  b: { type: nope }\n  c: 5\n  d: { type: menu, prompt: p, choices: { "1": a, "2": null } }\n  e: { type: branch, cases: [null, { goto: a }] }\n'
    const loaded = load(text)
    expect(loaded.flow).toBeUndefined()
    const draft = draftOf(loaded.source.doc)!
    expect(Object.values(draft.nodes).map((n) => n.kind)).toEqual(['say', 'unknown', 'unknown', 'menu', 'branch'])
    expect(draftEdges('d', draft.nodes.d!).map((e) => e.handle)).toEqual(['choice:1'])
    // indexes are kept, so the handle still names the YAML path
    expect(draftEdges('e', draft.nodes.e!).map((e) => [e.handle, e.path])).toEqual([['case:1', ['cases', 1, 'goto']]])
  })

  it('is undefined while the YAML does not parse', () => {
    expect(draftOf(load('flow: x\nnodes: [\n').source.doc)).toBeUndefined()
  })

  it('serves the model operations on a flow with schema errors', () => {
    const text = `${SUPPORT}\n  extra:\n    type: say\n    prompt: Hi.\n`
    const draft = draftOf(load(text).source.doc)!
    const connected = connect(text, asFlow(draft), 'extra', 'next', 'goodbye')
    expect(connected).toContain('    prompt: Hi.\n    next: goodbye')
    const renamed = renameNode(connected, asFlow(draftOf(load(connected).source.doc)!), 'goodbye', 'bye')
    expect(renamed).toContain('next: bye')
    expect(renamed).not.toContain('goodbye:')
  })

  it('shows prompts as one line', () => {
    expect(promptText('Hello')).toBe('Hello')
    expect(promptText([{ say: 'Your code is' }, { digits: '12' }, { pause: 1 }, { play: 'a.mp3' }])).toBe('Your code is [digits 12] [pause 1s] [play a.mp3]')
    expect(promptText(undefined)).toBe('')
  })
})
