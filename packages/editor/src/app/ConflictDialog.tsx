import { useEffect, useMemo, useRef } from 'react'
import { useEditor } from '../store/editor-store.ts'
import { parseLayout } from '../api/flows.ts'
import { resolveConflict } from './actions.ts'
import { lineDiff } from './diff.ts'

/**
 * Shown when a save is refused because the file changed on disk since it was opened: what is
 * on disk against the editor's version, and the two ways out.
 */
export function ConflictDialog() {
  const conflict = useEditor((s) => s.conflict)
  const text = useEditor((s) => s.text)
  const layout = useEditor((s) => s.layout)
  const dialog = useRef<HTMLDialogElement>(null)
  const diff = useMemo(() => (conflict !== null ? lineDiff(conflict.source, text) : []), [conflict, text])
  const layoutDiffers = useMemo(() => {
    if (conflict === null) return false
    return JSON.stringify(parseLayout(conflict.layout)?.nodes ?? {}) !== JSON.stringify(layout.nodes)
  }, [conflict, layout])

  useEffect(() => {
    const el = dialog.current
    if (el === null) return
    if (conflict !== null && !el.open) el.showModal()
    if (conflict === null && el.open) el.close()
  }, [conflict])

  const sameText = conflict !== null && conflict.source === text
  return (
    <dialog ref={dialog} className="conflict" data-testid="conflict-dialog" aria-labelledby="conflict-title" onCancel={() => useEditor.getState().setConflict(null)}>
      {conflict !== null && (
        <>
          <h2 id="conflict-title">The flow changed on disk</h2>
          <p>
            Someone (or another editor) saved this flow after you opened it. Your version was not saved.
            {sameText ? ' The YAML is the same in both; only the layout differs.' : ' Lines only on disk are marked −, lines only in your version +.'}
            {!sameText && layoutDiffers && ' The layouts differ too.'}
          </p>
          {!sameText && (
            <div className="diff" data-testid="conflict-diff" role="table" aria-label="differences between the file on disk and your version">
              <div className="diff-head"><span>on disk</span><span>yours</span></div>
              {diff.map((line, i) => (line.kind === 'fold'
                ? <div key={i} className="diff-line is-fold">⋯ {line.count} unchanged line{line.count === 1 ? '' : 's'}</div>
                : (
                  <div key={i} className={`diff-line is-${line.kind}`}>
                    <span className="diff-no">{line.diskLine ?? ''}</span>
                    <span className="diff-no">{line.mineLine ?? ''}</span>
                    <span className="diff-sign">{line.kind === 'disk' ? '−' : line.kind === 'mine' ? '+' : ' '}</span>
                    <span className="diff-text">{line.text}</span>
                  </div>
                  )))}
            </div>
          )}
          <div className="dialog-buttons">
            <button type="button" data-testid="conflict-take-theirs" onClick={() => void resolveConflict('theirs')}>Take theirs (reload from disk)</button>
            <button type="button" className="is-primary" data-testid="conflict-keep-mine" onClick={() => void resolveConflict('mine')}>Keep mine (overwrite)</button>
            <button type="button" data-testid="conflict-cancel" onClick={() => useEditor.getState().setConflict(null)}>Decide later</button>
          </div>
        </>
      )}
    </dialog>
  )
}
