import { useStore } from 'zustand'
import { useReactFlow } from '@xyflow/react'
import { isDirty, useEditor } from '../store/editor-store.ts'
import { FlowsList } from '../panels/FlowsList.tsx'
import { SearchBox } from '../panels/SearchBox.tsx'
import { autoLayoutAll } from '../layout/auto-layout.ts'
import type { CanvasEdge, CanvasNode } from '../canvas/graph.ts'
import { fitAll } from '../canvas/viewport.ts'
import { redoEdit, save, undoEdit } from './actions.ts'
import { useUi } from './ui-store.ts'

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
const MOD = mac ? '⌘' : 'Ctrl+'

/** The top bar: flows, save, undo and redo, layout, zoom and search. */
export function Toolbar() {
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  const dirty = useEditor(isDirty)
  const opened = useEditor((s) => s.flowId !== null)
  const canUndo = useStore(useEditor.temporal, (s) => s.pastStates.length > 0)
  const canRedo = useStore(useEditor.temporal, (s) => s.futureStates.length > 0)
  const direction = useUi((s) => s.direction)
  const layingOut = useUi((s) => s.layingOut)
  return (
    <header className="toolbar">
      <span className="brand" aria-label="Phonetree editor">Phonetree</span>
      <FlowsList />
      <button type="button" className={`save${dirty ? ' is-dirty' : ''}`} data-testid="save-button" disabled={!opened} onClick={() => void save()}
        title={`save the YAML and layout (${MOD}S)`} aria-label={dirty ? 'save (unsaved changes)' : 'save'}>
        {dirty ? '● Save' : 'Save'}
      </button>
      <span className="toolbar-group">
        <button type="button" data-testid="undo-button" disabled={!canUndo} onClick={undoEdit} title={`undo (${MOD}Z)`} aria-label="undo">↶ Undo</button>
        <button type="button" data-testid="redo-button" disabled={!canRedo} onClick={redoEdit} title={`redo (${mac ? '⇧⌘Z' : 'Ctrl+Y'})`} aria-label="redo">↷ Redo</button>
      </span>
      <span className="toolbar-group">
        <button type="button" data-testid="auto-layout" disabled={!opened || layingOut} onClick={() => void autoLayoutAll((id) => flow.getInternalNode(id))} title="lay every node out again (one undo step)">
          Auto layout
        </button>
        <select aria-label="layout direction" data-testid="layout-direction" value={direction} onChange={(e) => {
          const next = e.target.value === 'TB' ? 'TB' : 'LR'
          localStorage.setItem('phonetree.direction', next)
          useUi.getState().set({ direction: next })
          // Handles move to other sides, so every node is laid out again.
          void autoLayoutAll()
        }}>
          <option value="LR">left → right</option>
          <option value="TB">top → down</option>
        </select>
        <button type="button" data-testid="fit-view" onClick={() => fitAll(flow, 200)} title="zoom to fit">Fit</button>
      </span>
      <span className="grow" />
      <SearchBox />
    </header>
  )
}
