import { describe, expect, it } from 'vitest'
import { conditionText, edgeLabel, outputHandles } from './handles.ts'
import type { DraftNode } from '../app/draft.ts'

const node = (data: Record<string, unknown>): DraftNode => ({ kind: data.type as DraftNode['kind'], data })

describe('output handles', () => {
  it('gives a menu one handle per choice, an add handle and the failure routes', () => {
    const menu = node({ type: 'menu', prompt: 'p', choices: { '1': 'a', '2': { goto: 'b', words: ['help', 'support'] } } })
    expect(outputHandles(menu).map((h) => h.id)).toEqual(['choice:1', 'choice:2', 'choice:+', 'onNoInput', 'onNoMatch', 'onFailure'])
    expect(outputHandles(menu)[1]).toMatchObject({ label: '2', detail: 'help, support' })
  })

  it('names handles as the engine names edges, for every type', () => {
    const ids = (data: Record<string, unknown>) => outputHandles(node(data)).map((h) => h.id)
    expect(ids({ type: 'say' })).toEqual(['next'])
    expect(ids({ type: 'input' })).toEqual(['next', 'onNoInput', 'onNoMatch', 'onFailure'])
    expect(ids({ type: 'branch', cases: [{}, {}] })).toEqual(['case:0', 'case:1', 'else'])
    expect(ids({ type: 'hours' })).toEqual(['open', 'closed'])
    expect(ids({ type: 'http' })).toEqual(['next', 'onError'])
    expect(ids({ type: 'dial' })).toEqual(['next', 'onNoAnswer'])
    expect(ids({ type: 'hangup' })).toEqual([])
    expect(ids({ type: 'redirect' })).toEqual([])
    expect(outputHandles({ kind: 'unknown', data: {} })).toEqual([])
  })

  it('writes conditions as short text', () => {
    expect(conditionText({ var: 'vars.tier', equals: 'gold' })).toBe('vars.tier = gold')
    expect(conditionText({ var: 'call.from', startsWith: '+81' })).toBe('call.from starts with +81')
    expect(conditionText({ var: 'vars.n', in: [1, 2] })).toBe('vars.n in [1, 2]')
    expect(conditionText({ any: [{ var: 'a', exists: true }, { var: 'b', exists: false }] })).toBe('any of 2: a exists or b is missing')
    expect(conditionText({ not: { var: 'x', greaterThan: 3 } })).toBe('not (x > 3)')
  })

  it('labels edges by their handle, leaving plain next edges bare', () => {
    expect(edgeLabel(node({ type: 'say' }), 'next')).toBeUndefined()
    expect(edgeLabel(node({ type: 'menu', choices: { '1': 'a' } }), 'choice:1')).toBe('press 1')
    expect(edgeLabel(node({ type: 'dial' }), 'onNoAnswer')).toBe('no answer')
    expect(edgeLabel(node({ type: 'http' }), 'next')).toBe('ok')
  })
})
