import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { connect } from '../model/ops.ts'
import { currentFlow, isDirty, redo, undo, useEditor } from './editor-store.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')

describe('the editor store', () => {
  beforeEach(() => useEditor.getState().opened({ id: 'support', source: SUPPORT, layout: null, etag: 'e1' }))

  it('validates the text on every change and tracks unsaved changes', () => {
    const state = useEditor.getState()
    expect(state.loaded.ok).toBe(true)
    expect(isDirty(state)).toBe(false)
    state.setText(connect(SUPPORT, currentFlow()!, 'main-menu', 'choice:+', 'nowhere'))
    expect(useEditor.getState().loaded.problems.map((p) => p.code)).toContain('UNKNOWN_TARGET')
    expect(isDirty(useEditor.getState())).toBe(true)
  })

  it('undoes and redoes text and layout changes, with validation following', () => {
    const state = useEditor.getState()
    state.setText(SUPPORT.replace('next: office-hours', 'next: nowhere'))
    state.moveNodes({ welcome: { x: 10, y: 20 } })
    expect(useEditor.getState().loaded.ok).toBe(false)
    undo()
    expect(useEditor.getState().layout.nodes).toEqual({})
    undo()
    expect(useEditor.getState().text).toBe(SUPPORT)
    expect(useEditor.getState().loaded.ok).toBe(true)
    redo()
    expect(useEditor.getState().loaded.ok).toBe(false)
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
