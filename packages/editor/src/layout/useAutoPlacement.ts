import { useEffect, useRef } from 'react'
import { useReactFlow } from '@xyflow/react'
import { isDirty, useEditor } from '../store/editor-store.ts'
import { useDraft } from '../app/draft-store.ts'
import { withinLastStep } from '../app/actions.ts'
import { requestFit, useUi } from '../app/ui-store.ts'
import { placeMissing } from './elk-graph.ts'
import { layoutDraft } from './auto-layout.ts'

/**
 * Places nodes that have no position (a flow without a layout file, a node added in the YAML)
 * with ELK, off the render path. Placing them is not an edit of its own: it joins the last
 * undo step, and when the flow had no unsaved changes it does not create any (a freshly opened
 * flow is not "modified" because it was laid out).
 */
export function useAutoPlacement(): void {
  const draft = useDraft((s) => s.draft)
  const layout = useEditor((s) => s.layout)
  const direction = useUi((s) => s.direction)
  const flow = useReactFlow()
  const running = useRef(false)
  const again = useRef(false)

  const missing = Object.keys(draft.nodes).some((id) => layout.nodes[id] === undefined)

  useEffect(() => {
    if (!missing) return
    const place = async () => {
      if (running.current) {
        again.current = true
        return
      }
      running.current = true
      useUi.getState().set({ layingOut: true })
      try {
        do {
          again.current = false
          const before = useDraft.getState().draft
          const initial = Object.keys(before.nodes).every((id) => useEditor.getState().layout.nodes[id] === undefined)
          performance.mark('phonetree:layout-start')
          const positions = await layoutDraft(before, useUi.getState().direction, initial ? undefined : (id) => flow.getInternalNode(id))
          performance.mark('phonetree:layout-done')
          // The flow may have changed while ELK worked: place only what still needs it.
          const state = useEditor.getState()
          const placed = placeMissing(useDraft.getState().draft, state.layout, positions)
          if (Object.keys(placed).length === 0) continue
          const clean = !isDirty(state)
          withinLastStep(() => {
            state.moveNodes(placed)
            if (clean) useEditor.setState({ savedLayout: useEditor.getState().layout })
          })
          if (initial) requestFit()
        } while (again.current)
      } catch (error) {
        useEditor.getState().setStatus(`Couldn't lay out the flow: ${error instanceof Error ? error.message : String(error)}`)
      } finally {
        running.current = false
        useUi.getState().set({ layingOut: false })
      }
    }
    const timer = setTimeout(() => void place(), 30)
    return () => clearTimeout(timer)
  }, [missing, draft, layout, direction, flow])
}
