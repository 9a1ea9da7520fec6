import { create } from 'zustand'
import { temporal } from 'zundo'
import { loadFlow } from '@phonetree/engine'
import type { Flow, LoadedFlow } from '@phonetree/engine'

/** Canvas positions, kept beside the flow in `flows/<id>.layout.json`. */
export interface Layout {
  nodes: Record<string, { x: number; y: number }>
}

/** What the canvas should emphasise: the simulator's call, or a call replayed from history. */
export interface Highlight {
  /** The node the call is at now. */
  current?: string
  /** Nodes the call went through, in order. */
  visited: string[]
  /** Transitions the call took, as `from|handle` (handles as in the engine's transition table). */
  taken: string[]
}

export type Panel = 'inspector' | 'yaml' | 'problems' | 'simulator' | 'history'

export interface EditorState {
  /** The open flow's id, or null before one is opened. */
  flowId: string | null
  /** The flow's YAML: the one truth every view derives from. Undo and redo track it. */
  text: string
  layout: Layout
  /** From the server when the flow was opened or last saved; a save names it. */
  etag: string | null
  /** What is on disk (to tell whether there are unsaved changes). */
  savedText: string
  savedLayout: Layout
  /** `text` validated by the engine (recomputed on every change). */
  loaded: LoadedFlow
  selection: string[]
  highlight: Highlight
  panel: Panel
  /** Set when a save was refused because the file changed on disk. */
  conflict: { source: string; layout: string | null; etag: string } | null
  /** A short message for the status bar ("Saved", "Couldn't save: …"). */
  status: string

  /** Replaces the text (an edit, the YAML panel, undo); re-validates. */
  setText(text: string): void
  setLayout(layout: Layout): void
  /** Moves nodes on the canvas: one undo step per call (call it when a drag ends). */
  moveNodes(positions: Record<string, { x: number; y: number }>): void
  select(ids: string[]): void
  setHighlight(highlight: Highlight): void
  setPanel(panel: Panel): void
  /** Loads a flow as opened from the server: resets history. */
  opened(flow: { id: string; source: string; layout: Layout | null; etag: string }): void
  /** Records a successful save. */
  saved(etag: string): void
  setConflict(conflict: EditorState['conflict']): void
  setStatus(status: string): void
}

const EMPTY_LAYOUT: Layout = { nodes: {} }
const validate = (text: string, id: string | null): LoadedFlow => loadFlow(text, `flows/${id ?? 'untitled'}.yaml`)

/**
 * The editor's single store. Views read from it; every change to the flow goes through
 * `setText`/`setLayout`, so undo and redo (zundo) cover canvas, inspector and YAML edits alike.
 *
 * @example useEditor.getState().setText(connect(text, flow, 'menu', 'choice:+', 'sales'))
 */
export const useEditor = create<EditorState>()(
  temporal(
    (set, get) => ({
      flowId: null,
      text: '',
      layout: EMPTY_LAYOUT,
      etag: null,
      savedText: '',
      savedLayout: EMPTY_LAYOUT,
      loaded: validate('', null),
      selection: [],
      highlight: { visited: [], taken: [] },
      panel: 'inspector',
      conflict: null,
      status: '',
      setText: (text) => set({ text, loaded: validate(text, get().flowId) }),
      setLayout: (layout) => set({ layout }),
      moveNodes: (positions) => set({ layout: { nodes: { ...get().layout.nodes, ...positions } } }),
      select: (selection) => set({ selection }),
      setHighlight: (highlight) => set({ highlight }),
      setPanel: (panel) => set({ panel }),
      opened: ({ id, source, layout, etag }) => {
        set({
          flowId: id, text: source, layout: layout ?? EMPTY_LAYOUT, etag, savedText: source, savedLayout: layout ?? EMPTY_LAYOUT,
          loaded: validate(source, id), selection: [], highlight: { visited: [], taken: [] }, conflict: null, status: `Opened ${id}`,
        })
        useEditor.temporal.getState().clear()
      },
      saved: (etag) => set({ etag, savedText: get().text, savedLayout: get().layout, conflict: null, status: 'Saved' }),
      setConflict: (conflict) => set({ conflict }),
      setStatus: (status) => set({ status }),
    }),
    {
      // Only the flow itself is history; selection, panels and highlights are not.
      partialize: (state) => ({ text: state.text, layout: state.layout }),
      equality: (a, b) => a.text === b.text && a.layout === b.layout,
      limit: 200,
    },
  ),
)

/** Undo and redo restore text and layout; the derived validation follows the text. */
export function undo(): void {
  useEditor.temporal.getState().undo()
  const { text, flowId } = useEditor.getState()
  useEditor.setState({ loaded: validate(text, flowId) })
}

export function redo(): void {
  useEditor.temporal.getState().redo()
  const { text, flowId } = useEditor.getState()
  useEditor.setState({ loaded: validate(text, flowId) })
}

/** The flow as last validated, when the text matches the schema (it may still have graph errors). */
export function currentFlow(): Flow | undefined {
  return useEditor.getState().loaded.flow
}

/** Whether the editor holds changes that are not on disk. */
export function isDirty(state: Pick<EditorState, 'text' | 'savedText' | 'layout' | 'savedLayout'>): boolean {
  return state.text !== state.savedText || JSON.stringify(state.layout) !== JSON.stringify(state.savedLayout)
}
