import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
import { addNode, connect, deleteNodes, disconnect, pasteNodes, renameNode, setField, setStart } from './ops.ts'
import { applyEdit } from './yaml-edit.ts'
import { diffComm } from 'node-diff3'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const flowOf = (text: string): Flow => loadFlow(text, 'flows/support.yaml').flow!

/** Lines removed and added between two texts, by a real line diff. */
function changes(before: string, after: string) {
  const removed: string[] = []
  const added: string[] = []
  for (const part of diffComm(before.split('\n'), after.split('\n'))) {
    if (part.buffer1 !== undefined) {
      removed.push(...part.buffer1)
      added.push(...part.buffer2)
    }
  }
  return { removed, added }
}

describe('applyEdit', () => {
  it('changes only the lines an edit touches, keeping comments, quoting and spacing elsewhere', () => {
    const after = applyEdit(SUPPORT, (doc) => {
      doc.setIn(['nodes', 'welcome', 'prompt'], 'Hello and welcome to Acme.')
      doc.setIn(['nodes', 'main-menu', 'choices', '3'], 'operator')
      doc.setIn(['nodes', 'priority', 'number', 1], '+15559999999')
    })
    expect(changes(SUPPORT, after)).toEqual({
      removed: ['    prompt: Thanks for calling Acme.', '    number: ["+15551230001", "+15551230002"]'],
      // A line the edit rewrites takes the printer's spacing; every other line keeps its own.
      added: ['    prompt: Hello and welcome to Acme.', '      "3": operator', '    number: [ "+15551230001", "+15559999999" ]'],
    })
    expect(after).toContain('    onError: support-queue     # the CRM is down: serve the caller anyway')
    expect(after.split('\n').length).toBe(SUPPORT.split('\n').length + 1)
  })

  it('is the identity for an edit that changes nothing', () => {
    expect(applyEdit(SUPPORT, () => undefined)).toBe(SUPPORT)
  })
})

describe('editing operations', () => {
  it('connect redraws an edge and adds a new choice on the next free key', () => {
    const flow = flowOf(SUPPORT)
    const redrawn = connect(SUPPORT, flow, 'sales', 'onNoAnswer', 'operator')
    expect(changes(SUPPORT, redrawn)).toEqual({ removed: ['    onNoAnswer: voicemail'], added: ['    onNoAnswer: operator'] })
    const added = connect(SUPPORT, flow, 'main-menu', 'choice:+', 'voicemail')
    expect(changes(SUPPORT, added).added).toEqual(['      "3": voicemail'])
    expect(flowOf(added).nodes['main-menu']).toMatchObject({ choices: { '1': 'sales', '3': 'voicemail' } })
    expect(loadFlow(added, 'flows/support.yaml').ok).toBe(true)
  })

  it('disconnect removes a choice or an optional edge', () => {
    const flow = flowOf(SUPPORT)
    expect(changes(SUPPORT, disconnect(SUPPORT, flow, 'main-menu', 'choice:*')).removed).toEqual(['      "*": main-menu'])
    expect(changes(SUPPORT, disconnect(SUPPORT, flow, 'sales', 'onNoAnswer')).removed).toEqual(['    onNoAnswer: voicemail'])
  })

  it('renames a node in place and every reference to it', () => {
    const renamed = renameNode(SUPPORT, flowOf(SUPPORT), 'operator', 'front-desk')
    const flow = flowOf(renamed)
    expect(Object.keys(flow.nodes).indexOf('front-desk')).toBe(Object.keys(flowOf(SUPPORT).nodes).indexOf('operator'))
    expect(flow.nodes['main-menu']).toMatchObject({ choices: { '0': 'front-desk' }, onFailure: 'front-desk' })
    expect(changes(SUPPORT, renamed).removed).toEqual(['      "0": operator', '    onFailure: operator', '  operator:'])
    expect(loadFlow(renamed, 'flows/support.yaml').ok).toBe(true)
    expect(() => renameNode(SUPPORT, flowOf(SUPPORT), 'operator', 'sales')).toThrow(/already exists/)
    expect(() => renameNode(SUPPORT, flowOf(SUPPORT), 'operator', 'bad id')).toThrow(/not a node id/)
  })

  it('renaming the start node updates start', () => {
    const renamed = renameNode(SUPPORT, flowOf(SUPPORT), 'welcome', 'hello')
    expect(flowOf(renamed).start).toBe('hello')
  })

  it('adds nodes with fresh ids at the end, and deletes them again', () => {
    const { text, id } = addNode(SUPPORT, flowOf(SUPPORT), 'menu')
    expect(id).toBe('menu')
    expect(flowOf(text).nodes.menu).toMatchObject({ type: 'menu', choices: {} })
    const second = addNode(text, flowOf(text), 'menu')
    expect(second.id).toBe('menu-2')
    expect(deleteNodes(second.text, ['menu', 'menu-2'])).toBe(SUPPORT)
  })

  it('pastes copies whose internal edges follow the copies', () => {
    const flow = flowOf(SUPPORT)
    const { text, ids } = pasteNodes(SUPPORT, flow, { sales: flow.nodes.sales!, voicemail: flow.nodes.voicemail! })
    expect(ids).toEqual({ sales: 'sales-2', voicemail: 'voicemail-2' })
    expect(flowOf(text).nodes['sales-2']).toMatchObject({ onNoAnswer: 'voicemail-2', next: 'goodbye' })
  })

  it('sets and removes fields, and changes the start node', () => {
    const edited = setField(SUPPORT, 'sales', ['timeout'], 30)
    expect(changes(SUPPORT, edited)).toEqual({ removed: ['    timeout: 20'], added: ['    timeout: 30'] })
    expect(changes(SUPPORT, setField(SUPPORT, 'account', ['reprompt'], undefined)).removed).toEqual(['    reprompt: Enter your account number, six to ten digits, then press pound.'])
    expect(flowOf(setStart(SUPPORT, 'main-menu')).start).toBe('main-menu')
    const numbers = setField(SUPPORT, 'priority', ['number'], ['+15551230001', '+15551230002', '+15551230003'])
    expect(changes(SUPPORT, numbers).added).toEqual(['    number: [ "+15551230001", "+15551230002", "+15551230003" ]'])
  })
})
