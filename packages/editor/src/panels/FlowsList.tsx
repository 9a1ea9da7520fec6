import { useEditor } from '../store/editor-store.ts'
import { createFlow, openFlow } from '../app/actions.ts'
import { confirmDiscard } from '../app/actions.ts'
import { useUi } from '../app/ui-store.ts'

/** The server's flows as a dropdown (errors marked), and the "New flow" action. */
export function FlowsList() {
  const flows = useUi((s) => s.flows)
  const flowId = useEditor((s) => s.flowId)
  const ids = flows.map((f) => f.id)
  return (
    <div className="flows-list">
      <label className="visually-hidden" htmlFor="flow-select">flow</label>
      <select
        id="flow-select"
        data-testid="flow-select"
        aria-label="open a flow"
        value={flowId ?? ''}
        onChange={(e) => {
          const id = e.target.value
          void openFlow(id).then((opened) => {
            // Keep showing the open flow when the switch was cancelled.
            if (!opened) e.target.value = useEditor.getState().flowId ?? ''
          })
        }}
      >
        {flowId === null && <option value="">— choose a flow —</option>}
        {flowId !== null && !ids.includes(flowId) && <option value={flowId}>{flowId}</option>}
        {flows.map((f) => {
          const errors = f.problems.filter((p) => p.severity === 'error').length
          return <option key={f.id} value={f.id}>{f.id}{errors > 0 ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}</option>
        })}
      </select>
      <button
        type="button"
        data-testid="new-flow"
        title="create a new flow file"
        onClick={() => {
          if (!confirmDiscard()) return
          const id = prompt('New flow id (the file name: lower-case letters, digits and "-")', '')?.trim()
          if (id === undefined || id === '') return
          void createFlow(id).then((problem) => {
            if (problem !== undefined) {
              useEditor.getState().setStatus(`Couldn't create the flow: ${problem}`)
              alert(problem)
            }
          })
        }}
      >
        New flow
      </button>
    </div>
  )
}
