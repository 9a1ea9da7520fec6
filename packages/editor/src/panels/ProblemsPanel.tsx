import { useReactFlow } from '@xyflow/react'
import type { FlowProblem } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { useDraft } from '../app/draft-store.ts'
import { useUi } from '../app/ui-store.ts'
import { centreOn } from '../canvas/viewport.ts'
import type { CanvasEdge, CanvasNode } from '../canvas/graph.ts'

/** Shows a line of the YAML panel (for problems that belong to no node, such as syntax errors). */
export function showInYaml(problem: Pick<FlowProblem, 'line' | 'col'>): void {
  useEditor.getState().setPanel('yaml')
  useUi.getState().set({ yamlJump: { line: problem.line, col: problem.col, seq: Date.now() } })
}

/**
 * The validator's problems (it runs on every change): code, line:col and message. Clicking
 * one selects and centres its node, or shows the line in the YAML when it has no node.
 */
export function ProblemsPanel() {
  const problems = useEditor((s) => s.loaded.problems)
  const nodes = useDraft((s) => s.draft.nodes)
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  const errors = problems.filter((p) => p.severity === 'error').length
  const open = (p: FlowProblem) => {
    if (p.node !== undefined && nodes[p.node] !== undefined) {
      useEditor.getState().select([p.node])
      centreOn(flow, p.node, useEditor.getState().layout.nodes[p.node])
    } else {
      showInYaml(p)
    }
  }
  return (
    <div className="problems">
      <div className="problems-head">
        {problems.length === 0 ? 'No problems: the flow is valid.' : `${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`}
      </div>
      <ul className="problems-list" data-testid="problems-list" aria-label="problems">
        {problems.map((p, i) => (
          <li key={`${p.line}:${p.col}:${p.code}:${i}`}>
            <button type="button" className={`problem-item is-${p.severity}`} data-testid="problem-item" onClick={() => open(p)}
              title={p.node !== undefined ? `select ${p.node}` : 'show in the YAML'}>
              <span className="problem-icon" aria-label={p.severity}>{p.severity === 'error' ? '✖' : '⚠'}</span>
              <span className="problem-code">{p.code}</span>
              <span className="problem-where">{p.line}:{p.col}</span>
              <span className="problem-message">{p.message}</span>
              {p.node !== undefined && <span className="problem-node">{p.node}</span>}
            </button>
            <button type="button" className="link problem-yaml" aria-label={`show line ${p.line} in the YAML`} onClick={() => showInYaml(p)}>YAML</button>
          </li>
        ))}
      </ul>
    </div>
  )
}
