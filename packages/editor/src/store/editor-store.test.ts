import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { connect, setField } from '../model/ops.ts'
import { useDraft } from '../app/draft-store.ts'
import { currentFlow, isDirty, isValidating, redo, undo, useEditor, validationSettled } from './editor-store.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')

describe('the editor store', () => {
  beforeEach(async () => {
    useEditor.getState().opened({ id: 'support', source: SUPPORT, layout: null, etag: 'e1' })
    await validationSettled()
  })

  it('validates the text after every change and tracks unsaved changes', async () => {
    const state = useEditor.getState()
    expect(state.loaded.ok).toBe(true)
    expect(isDirty(state)).toBe(false)
    state.setText(connect(SUPPORT, currentFlow()!, 'main-menu', 'choice:+', 'nowhere'))
    expect(isDirty(useEditor.getState())).toBe(true)
    // Until the validation answers, the problems are the previous text's, and say so.
    expect(isValidating(useEditor.getState())).toBe(true)
    await validationSettled()
    expect(isValidating(useEditor.getState())).toBe(false)
    expect(useEditor.getState().loaded.text).toBe(useEditor.getState().text)
    expect(useEditor.getState().loaded.problems.map((p) => p.code)).toContain('UNKNOWN_TARGET')
  })

  it('the canvas draft follows an edit at once, before the validation', () => {
    useEditor.getState().setText(setField(SUPPORT, 'welcome', ['prompt'], 'Hello there.'))
    expect(useDraft.getState().draft.nodes.welcome?.data.prompt).toBe('Hello there.')
    undo()
    expect(useDraft.getState().draft.nodes.welcome?.data.prompt).toBe('Thanks for calling Acme.')
  })

  it('undoes and redoes text and layout changes, with validation following', async () => {
    const state = useEditor.getState()
    state.setText(SUPPORT.replace('next: office-hours', 'next: nowhere'))
    state.moveNodes({ welcome: { x: 10, y: 20 } })
    await validationSettled()
    expect(useEditor.getState().loaded.ok).toBe(false)
    undo()
    expect(useEditor.getState().layout.nodes).toEqual({})
    undo()
    expect(useEditor.getState().text).toBe(SUPPORT)
    await validationSettled()
    expect(useEditor.getState().loaded.ok).toBe(true)
    redo()
    await validationSettled()
    expect(useEditor.getState().loaded.ok).toBe(false)
  })

  it('a validation that answers after the text changed again is not shown', async () => {
    useEditor.getState().setText(SUPPORT.replace('next: office-hours', 'next: nowhere'))
    useEditor.getState().setText(`${SUPPORT}# note\n`)
    await validationSettled()
    expect(useEditor.getState().loaded.text).toBe(`${SUPPORT}# note\n`)
    expect(useEditor.getState().loaded.ok).toBe(true)
  })

  it('opening a flow clears the history; saving clears the dirty flag', () => {
    useEditor.getState().setText(`${SUPPORT}# note\n`)
    useEditor.getState().saved('e2')
    expect(isDirty(useEditor.getState())).toBe(false)
    expect(useEditor.getState().etag).toBe('e2')
    useEditor.getState().opened({ id: 'support', source: SUPPORT, layout: null, etag: 'e3' })
    undo()
    expect(useEditor.getState().text).toBe(SUPPORT)
  })
})
