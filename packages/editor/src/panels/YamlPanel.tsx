import { useEffect, useMemo, useRef } from 'react'
import type { KeyboardEvent } from 'react'
import { useEditor } from '../store/editor-store.ts'
import { useUi } from '../app/ui-store.ts'
import { useBuffered } from '../inspector/useBuffered.ts'
import { offsetOf } from './text.ts'

/** How long typing in the YAML pauses before the text is validated and the canvas follows. */
const YAML_DELAY = 300
const LINE_HEIGHT = 18

/**
 * The flow's YAML, editable. It is the same text the canvas and inspector edit: their edits
 * show here at once, and typing here becomes the store's text when it pauses (one undo step).
 * A syntax error only shows in Problems (and on the gutter) until it is fixed; the canvas keeps
 * the last text that parsed.
 */
export function YamlPanel() {
  const text = useEditor((s) => s.text)
  const problems = useEditor((s) => s.loaded.problems)
  const jump = useUi((s) => s.yamlJump)
  const area = useRef<HTMLTextAreaElement>(null)
  const gutter = useRef<HTMLDivElement>(null)
  const buffer = useBuffered(text, (value) => {
    if (value !== useEditor.getState().text) useEditor.getState().setText(value)
  }, YAML_DELAY)

  const lineCount = useMemo(() => buffer.value.split('\n').length, [buffer.value])
  const marks = useMemo(() => {
    const byLine = new Map<number, 'error' | 'warning'>()
    for (const p of problems) if (byLine.get(p.line) !== 'error') byLine.set(p.line, p.severity)
    return byLine
  }, [problems])
  const numbers = useMemo(() => Array.from({ length: lineCount }, (_, i) => {
    const mark = marks.get(i + 1)
    return <div key={i} className={mark !== undefined ? `is-${mark}` : undefined}>{i + 1}</div>
  }), [lineCount, marks])

  useEffect(() => {
    const el = area.current
    if (jump === null || el === null) return
    const start = offsetOf(el.value, jump.line, 1)
    const end = el.value.indexOf('\n', start)
    el.focus()
    el.setSelectionRange(start, end < 0 ? el.value.length : end)
    el.scrollTop = Math.max(0, (jump.line - 4) * LINE_HEIGHT)
  }, [jump])

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Tab indents (YAML is indented with spaces) instead of leaving the editor.
    if (event.key !== 'Tab' || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return
    event.preventDefault()
    const el = event.currentTarget
    const { selectionStart, selectionEnd, value } = el
    const next = `${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`
    buffer.change(next)
    requestAnimationFrame(() => el.setSelectionRange(selectionStart + 2, selectionStart + 2))
  }

  return (
    <div className="yaml-panel">
      <div className="yaml-head">
        <span className="hint">{buffer.pending ? 'editing…' : 'the flow file, as saved'}</span>
      </div>
      <div className="yaml-body">
        <div className="yaml-gutter" ref={gutter} aria-hidden="true">{numbers}</div>
        <textarea
          ref={area}
          className="yaml-editor mono"
          data-testid="yaml-editor"
          aria-label="flow YAML"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          wrap="off"
          value={buffer.value}
          onChange={(e) => buffer.change(e.target.value)}
          onBlur={buffer.flush}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (gutter.current !== null) gutter.current.scrollTop = e.currentTarget.scrollTop
          }}
        />
      </div>
    </div>
  )
}
