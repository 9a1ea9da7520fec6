import { useEffect } from 'react'
import { useReactFlow } from '@xyflow/react'
import { useEditor } from '../store/editor-store.ts'
import type { CanvasEdge, CanvasNode } from '../canvas/graph.ts'
import { viewportCentre } from '../canvas/viewport.ts'
import { copySelection, deleteSelection, pasteClipboard, redoEdit, save, undoEdit } from './actions.ts'
import { useUi } from './ui-store.ts'

/** Whether keys typed now belong to a text field (which keeps its own undo, copy and delete). */
function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(target.type)
}

/**
 * The editor's keyboard shortcuts: Ctrl/Cmd+S saves (anywhere); outside text fields,
 * Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z and Ctrl+Y redo, Ctrl/Cmd+C/V copy and paste nodes,
 * Delete/Backspace remove the selection, Escape clears it, Ctrl/Cmd+F finds a node.
 */
export function useShortcuts(): void {
  const flow = useReactFlow<CanvasNode, CanvasEdge>()
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey
      const key = event.key.toLowerCase()
      if (mod && key === 's') {
        event.preventDefault()
        void save()
        return
      }
      if (mod && key === 'f') {
        event.preventDefault()
        document.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.focus()
        return
      }
      if (inTextField(event.target) || event.defaultPrevented) return
      if (mod && key === 'z') {
        event.preventDefault()
        if (event.shiftKey) redoEdit()
        else undoEdit()
      } else if (mod && key === 'y') {
        event.preventDefault()
        redoEdit()
      } else if (mod && key === 'c') {
        if (copySelection() > 0) event.preventDefault()
      } else if (mod && key === 'v') {
        event.preventDefault()
        pasteClipboard(viewportCentre(flow))
      } else if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) {
        event.preventDefault()
        deleteSelection()
      } else if (event.key === 'Escape') {
        useEditor.getState().select([])
        useUi.getState().set({ selectedEdges: [] })
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [flow])
}
