import { isDirty, useEditor } from '../store/editor-store.ts'
import { useDraft } from './draft-store.ts'
import { useUi } from './ui-store.ts'

/** The bottom line: saved or not, the last thing that happened, and the flow's counts. */
export function StatusBar() {
  const dirty = useEditor(isDirty)
  const flowId = useEditor((s) => s.flowId)
  const status = useEditor((s) => s.status)
  const problems = useEditor((s) => s.loaded.problems)
  const selection = useEditor((s) => s.selection.length)
  const nodes = useDraft((s) => Object.keys(s.draft.nodes).length)
  const layingOut = useUi((s) => s.layingOut)
  const errors = problems.filter((p) => p.severity === 'error').length
  const warnings = problems.length - errors
  return (
    <footer className="status-bar" data-testid="status-bar" role="status" aria-live="polite">
      <span className={dirty ? 'status-dirty' : 'status-clean'} data-testid="dirty-state">{dirty ? '● Unsaved changes' : flowId !== null ? '✓ Saved' : ''}</span>
      <span className="status-message">{status}</span>
      <span className="grow" />
      {layingOut && <span>laying out…</span>}
      {selection > 0 && <span>{selection} selected</span>}
      <span>{nodes} node{nodes === 1 ? '' : 's'}</span>
      <span className={errors > 0 ? 'status-errors' : undefined}>{errors} error{errors === 1 ? '' : 's'}</span>
      <span className={warnings > 0 ? 'status-warnings' : undefined}>{warnings} warning{warnings === 1 ? '' : 's'}</span>
    </footer>
  )
}
