import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
// The server's own test harness: real webhooks into the real app, so the history read here
// is exactly what `GET /api/calls` serves.
import { backEnd, testServer } from '../../../server/src/testing.ts'
import type { TestServer } from '../../../server/src/testing.ts'
import { createMemoryStore } from '../../../server/src/store/memory.ts'
import { describeEvent, heardIn, highlightUpTo, missingNodes, parseCallDetail, parseCallList, parseTaken, pathOf, startOf } from './replay.ts'
import type { CallDetail } from './replay.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const support: Flow = loadFlow(SUPPORT, 'flows/support.yaml').flow!

describe('taken strings', () => {
  it('splits `from --handle--> to`, handles with colons and keys included', () => {
    expect(parseTaken('main-menu --choice:1--> sales')).toEqual({ from: 'main-menu', handle: 'choice:1', to: 'sales' })
    expect(parseTaken('main-menu --choice:*--> main-menu')).toEqual({ from: 'main-menu', handle: 'choice:*', to: 'main-menu' })
    expect(parseTaken('a--b --noInput:retry--> a--b')).toEqual({ from: 'a--b', handle: 'noInput:retry', to: 'a--b' })
    expect(parseTaken('* --hangup--> $hungup')).toEqual({ from: '*', handle: 'hangup', to: '$hungup' })
    expect(parseTaken('nonsense')).toBeUndefined()
  })
})

describe('replaying a call recorded by the server', () => {
  let server: TestServer
  let detail: CallDetail
  beforeAll(async () => {
    server = await testServer({
      store: createMemoryStore(),
      fetch: backEnd({ 'GET https://crm.example.com/accounts/123456': { status: 200, body: { tier: 'gold', name: 'Ada' } } }),
    })
    const call = server.call('support')
    await call.start()
    await call.press('9')
    await call.press('2')
    await call.press('123456')
    await call.dialResult('busy')
    await call.hangup('completed')
    const list = parseCallList(await (await server.app.request('/api/calls?flow=support')).json())
    expect(list).toEqual([expect.objectContaining({ sid: call.sid, flow: 'support', status: 'ended', outcome: 'completed', from: '+15551230000', node: '$hungup' })])
    detail = parseCallDetail(await (await server.app.request(`/api/calls/${call.sid}`)).json())!
  })
  afterAll(async () => {
    server.close()
    await server.store.close()
  })

  it('reads the call and its steps', () => {
    expect(detail.call).toMatchObject({ status: 'ended', node: '$hungup', from: '+15551230000' })
    expect(detail.steps.map((s) => s.node)).toEqual(['main-menu', 'main-menu', 'account', 'priority', 'support-queue', '$hungup'])
    expect(detail.steps.map((s) => describeEvent(s.event))).toEqual(['call started from +15551230000', 'pressed 9', 'pressed 2', 'pressed 123456', 'dialled party: busy (0 s)', 'hung up (completed)'])
    expect(heardIn(detail.steps[0]!)).toEqual(['Thanks for calling Acme.', expect.stringContaining('For sales, press 1')])
    expect(detail.steps[3]!.effects).toEqual([expect.objectContaining({ node: 'lookup', method: 'GET', url: 'https://crm.example.com/accounts/123456', status: 200 })])
    expect(startOf(detail.steps)).toBe('welcome')
  })

  it('highlights the path up to each step, and the whole path at the last one', () => {
    expect(highlightUpTo(support, detail.steps, 0)).toEqual({ current: 'main-menu', visited: ['welcome', 'office-hours', 'main-menu'], taken: ['welcome|next', 'office-hours|open'] })
    expect(highlightUpTo(support, detail.steps, 1).taken).toEqual(['welcome|next', 'office-hours|open', 'main-menu|noMatch:retry'])
    expect(highlightUpTo(support, detail.steps, 3)).toEqual({
      current: 'priority',
      visited: ['welcome', 'office-hours', 'main-menu', 'account', 'lookup', 'route', 'priority'],
      taken: ['welcome|next', 'office-hours|open', 'main-menu|noMatch:retry', 'main-menu|choice:2', 'account|next', 'lookup|next', 'route|case:0'],
    })
    const whole = highlightUpTo(support, detail.steps, detail.steps.length - 1)
    // The caller hung up in the queue: drawn from there; the engine's $hungup is no node.
    expect(whole.current).toBeUndefined()
    expect(whole.taken.slice(-2)).toEqual(['priority|onNoAnswer', 'support-queue|hangup'])
    expect(missingNodes(support, detail.steps)).toEqual([])
  })

  it('a call on an older version lists nodes that are gone but highlights only what exists', () => {
    // The flow since lost its account lookup: the menu's 2 now goes straight to the queue.
    const edited = loadFlow(SUPPORT.replace('"2": account', '"2": support-queue').replace(/\n  account:[\s\S]*?\n\n  lookup:[\s\S]*?\n\n/, '\n'), 'flows/support.yaml')
    expect(edited.ok).toBe(true)
    const now = edited.flow!
    expect(missingNodes(now, detail.steps)).toEqual(['account', 'lookup'])
    const highlight = highlightUpTo(now, detail.steps, 3)
    expect(highlight.visited).toEqual(['welcome', 'office-hours', 'main-menu', 'route', 'priority'])
    expect(highlight.taken).not.toContain('account|next')
    expect(highlight.taken).toContain('route|case:0')
  })

  it('copes with records that are not what it expects', () => {
    expect(parseCallList({ calls: [{ sid: 'CA1' }, 'junk', { nosid: true }] })).toEqual([{ sid: 'CA1', flow: '', version: '', status: 'ended', createdAt: 0, updatedAt: 0, node: '', seq: 0 }])
    expect(parseCallList(null)).toEqual([])
    expect(parseCallDetail({ error: 'no such call' })).toBeUndefined()
    const odd = parseCallDetail({ call: { sid: 'CA2' }, steps: [{ node: 'x', taken: ['garbage', 3], view: [{ kind: 'gather' }, { kind: 'say', text: 'Hi' }] }] })!
    expect(odd.steps[0]).toMatchObject({ node: 'x', taken: ['garbage'], effects: [], errors: [] })
    expect(heardIn(odd.steps[0]!)).toEqual(['Hi'])
    expect(pathOf(odd.steps)).toEqual([])
    expect(highlightUpTo(support, odd.steps, 0)).toEqual({ visited: [], taken: [] })
    expect(describeEvent({ type: 'TRANSCRIPTION', text: 'hello' })).toBe('transcription: “hello”')
    expect(describeEvent({})).toBe('step')
  })
})
