import { lazy, Suspense } from 'react'
import { useEditor } from '../store/editor-store.ts'
import type { Panel } from '../store/editor-store.ts'
import { Inspector } from '../inspector/Inspector.tsx'
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx'
import { YamlPanel } from '../panels/YamlPanel.tsx'

// The simulator and call history are built separately; loaded when their tab opens.
const SimulatorPanel = lazy(() => import('../simulator/SimulatorPanel.tsx').then((m) => ({ default: m.SimulatorPanel })))
const HistoryPanel = lazy(() => import('../history/HistoryPanel.tsx').then((m) => ({ default: m.HistoryPanel })))

const TABS: { panel: Panel; label: string }[] = [
  { panel: 'inspector', label: 'Inspector' },
  { panel: 'yaml', label: 'YAML' },
  { panel: 'problems', label: 'Problems' },
  { panel: 'simulator', label: 'Simulator' },
  { panel: 'history', label: 'History' },
]

/** The right-hand side: inspector, YAML, problems, simulator and call history, as tabs. */
export function SidePanel() {
  const panel = useEditor((s) => s.panel)
  const problems = useEditor((s) => s.loaded.problems)
  const errors = problems.filter((p) => p.severity === 'error').length
  return (
    <aside className="side-panel">
      <div className="tabs" role="tablist" aria-label="panels">
        {TABS.map((tab) => (
          <button key={tab.panel} type="button" role="tab" id={`tab-${tab.panel}`} aria-controls="side-panel-body" aria-selected={panel === tab.panel}
            data-testid={`tab-${tab.panel}`} className={panel === tab.panel ? 'is-active' : undefined} onClick={() => useEditor.getState().setPanel(tab.panel)}>
            {tab.label}
            {tab.panel === 'problems' && problems.length > 0 && <span className={`tab-count${errors > 0 ? ' is-error' : ''}`}>{problems.length}</span>}
          </button>
        ))}
      </div>
      <div className="side-panel-body" id="side-panel-body" role="tabpanel" aria-labelledby={`tab-${panel}`}>
        {panel === 'inspector' && <Inspector />}
        {panel === 'yaml' && <YamlPanel />}
        {panel === 'problems' && <ProblemsPanel />}
        <Suspense fallback={<p className="hint">Loading…</p>}>
          {panel === 'simulator' && <SimulatorPanel />}
          {panel === 'history' && <HistoryPanel />}
        </Suspense>
      </div>
    </aside>
  )
}
