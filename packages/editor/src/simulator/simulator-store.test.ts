import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { compileFlow } from '@phonetree/engine'
import { useEditor, validationSettled } from '../store/editor-store.ts'
import { answerOf, formOf, prettyBody, timeoutMessage } from './http-answer.ts'
import { useSimulator } from './simulator-store.ts'
import { toLocalInput } from './settings.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')

describe('the simulator panel state', () => {
  beforeEach(async () => {
    useEditor.getState().opened({ id: 'support', source: SUPPORT, layout: null, etag: 'e1' })
    await validationSettled()
    useSimulator.getState().prepare(null, undefined)
    useSimulator.getState().prepare('support', useEditor.getState().loaded.flow)
  })

  it('follows the call on the canvas, remembers API answers across calls, and clears on reset', () => {
    const sim = useSimulator.getState()
    const compiled = compileFlow(useEditor.getState().loaded.flow!)
    // The clock is local time; make it Monday 10:00 in Chicago whatever the machine's zone.
    sim.setForm({ clock: toLocalInput(new Date('2026-11-23T16:00:00Z')) })
    sim.startCall(compiled)
    expect(useSimulator.getState().session?.node).toBe('main-menu')
    expect(useEditor.getState().highlight).toEqual({ current: 'main-menu', visited: ['welcome', 'office-hours', 'main-menu'], taken: ['welcome|next', 'office-hours|open'] })
    expect(useEditor.getState().selection).toEqual(['main-menu'])

    sim.act({ press: '2' })
    sim.act({ press: '123456' })
    expect(useSimulator.getState().session?.pending?.node).toBe('lookup')
    sim.act({ press: '1' })
    expect(useSimulator.getState().error).toMatch(/answer the request/)
    sim.answer({ status: 200, body: { tier: 'gold' } })
    expect(useSimulator.getState().error).toBe('')
    expect(useEditor.getState().selection).toEqual(['priority'])
    expect(useSimulator.getState().remembered).toEqual({ lookup: { status: 200, body: { tier: 'gold' } } })

    sim.setAutoAnswer(true)
    sim.startCall(compiled)
    sim.act({ press: '2' })
    sim.act({ press: '123456' })
    expect(useSimulator.getState().session?.node).toBe('priority')

    // Another panel draws something else; coming back redraws this call.
    useEditor.getState().setHighlight({ visited: ['welcome'], taken: [] })
    sim.redraw()
    expect(useEditor.getState().highlight.current).toBe('priority')

    sim.reset()
    expect(useSimulator.getState().session).toBeUndefined()
    expect(useEditor.getState().highlight).toEqual({ visited: [], taken: [] })
  })

  it('says what is wrong with the settings instead of starting', () => {
    useSimulator.getState().setForm({ clock: '' })
    useSimulator.getState().startCall(compileFlow(useEditor.getState().loaded.flow!))
    expect(useSimulator.getState().session).toBeUndefined()
    expect(useSimulator.getState().error).toBe('set the clock to a date and time')
  })

  it('a different flow gets a fresh form and forgets the call', () => {
    useSimulator.getState().startCall(compileFlow(useEditor.getState().loaded.flow!))
    useSimulator.getState().prepare('support', undefined)
    expect(useSimulator.getState().session).toBeDefined()
    useSimulator.getState().prepare('verify', undefined)
    expect(useSimulator.getState().session).toBeUndefined()
    expect(useSimulator.getState().flowId).toBe('verify')
  })
})

describe('answers typed for an API request', () => {
  it('reads JSON bodies as data, anything else as text', () => {
    expect(answerOf('200', '{"tier": "gold"}')).toEqual({ ok: true, answer: { status: 200, body: { tier: 'gold' } }, text: false })
    expect(answerOf('204', '  ')).toEqual({ ok: true, answer: { status: 204 }, text: false })
    expect(answerOf('200', 'plain words')).toEqual({ ok: true, answer: { status: 200, body: 'plain words' }, text: true })
    expect(answerOf('abc', '')).toEqual({ ok: false, error: 'a status from 100 to 599' })
    expect(answerOf('700', '')).toMatchObject({ ok: false })
  })

  it('fills the form from the last answer', () => {
    expect(formOf(undefined)).toEqual({ status: '200', body: '' })
    expect(formOf({ error: 'x' })).toEqual({ status: '200', body: '' })
    expect(formOf({ status: 404, body: { a: 1 } })).toEqual({ status: '404', body: '{\n  "a": 1\n}' })
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}')
    expect(prettyBody('a=1')).toBe('a=1')
    expect(timeoutMessage(3000)).toBe('timed out after 3000 ms')
  })
})
