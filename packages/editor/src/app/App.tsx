import { useEffect } from 'react'
import { ReactFlowProvider } from '@xyflow/react'
import { isDirty, useEditor } from '../store/editor-store.ts'
import { Canvas } from '../canvas/Canvas.tsx'
import { Palette } from '../canvas/Palette.tsx'
import { openFlow, reloadFlows } from './actions.ts'
import { ConflictDialog } from './ConflictDialog.tsx'
import { useShortcuts } from './shortcuts.ts'
import { SidePanel } from './SidePanel.tsx'
import { StatusBar } from './StatusBar.tsx'
import { Toolbar } from './Toolbar.tsx'
import { useUi } from './ui-store.ts'
import './draft-store.ts'

let started = false

/** Opens `?flow=<id>`, or the first flow, once the list of flows is known (once per page). */
async function openInitialFlow(): Promise<void> {
  if (started) return
  started = true
  await reloadFlows()
  const wanted = new URL(location.href).searchParams.get('flow')
  const first = useUi.getState().flows[0]?.id
  const id = wanted ?? first
  if (id === undefined) {
    useUi.getState().set({ loadError: 'There are no flows yet: create one with “New flow”.' })
    return
  }
  await openFlow(id, false)
}

/** Warns before the page is left with unsaved changes, and shows them in the tab's title. */
function useUnsavedGuard(): void {
  const dirty = useEditor(isDirty)
  const flowId = useEditor((s) => s.flowId)
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${flowId ?? 'Phonetree'}${flowId !== null ? ' — Phonetree' : ''}`
  }, [dirty, flowId])
  useEffect(() => {
    const onLeave = (event: BeforeUnloadEvent) => {
      if (!isDirty(useEditor.getState())) return
      event.preventDefault()
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', onLeave)
    return () => window.removeEventListener('beforeunload', onLeave)
  }, [])
}

function Shell() {
  useShortcuts()
  useUnsavedGuard()
  const loadError = useUi((s) => s.loadError)
  const loading = useUi((s) => s.loading)
  useEffect(() => {
    void openInitialFlow()
  }, [])
  return (
    <div className="app">
      <Toolbar />
      <main className="workspace">
        <Palette />
        <div className="canvas-area">
          <Canvas />
          {loadError !== null && <div className="canvas-note is-error" role="alert">{loadError}</div>}
          {loading && <div className="canvas-note" role="status">Opening…</div>}
        </div>
        <SidePanel />
      </main>
      <StatusBar />
      <ConflictDialog />
    </div>
  )
}

/** Phonetree's flow editor: canvas, palette, side panels, status bar and dialogs. */
export function App() {
  return (
    <ReactFlowProvider>
      <Shell />
    </ReactFlowProvider>
  )
}
