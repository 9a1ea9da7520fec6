import { create } from 'zustand'
import type { Flow } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { NO_HIGHLIGHT } from '../simulator/highlight.ts'
import { highlightUpTo, parseCallDetail, parseCallList } from './replay.ts'
import type { CallDetail, CallSummary } from './replay.ts'

/** Reads JSON from the server's API (a path such as `/api/calls?flow=support`); throws with the server's message on failure. */
export type FetchJson = (path: string) => Promise<unknown>

/**
 * `fetch` on the page's origin, with the API token the editor keeps for servers that need one
 * (`localStorage['phonetree.apiToken']`, as the flows API client reads it) and the server's
 * `{ error }` as the message of a failure.
 */
export const fetchJson: FetchJson = async (path) => {
  const token = globalThis.localStorage?.getItem('phonetree.apiToken')
  const response = await fetch(path, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } })
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const message = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : response.statusText
    throw new Error(`${response.status} ${message}`.trim())
  }
  return body
}

export interface HistoryState {
  /** The flow whose calls are listed. */
  flowId: string | null
  calls: CallSummary[]
  loading: boolean
  error: string
  /** The call being replayed, and the step the canvas shows it up to. */
  open: CallDetail | undefined
  index: number

  /** Lists the flow's recent calls (again, for refresh). */
  load(flowId: string | null, fetcher?: FetchJson): Promise<void>
  /** Fetches a call's steps and shows its whole path on the canvas. */
  openCall(sid: string, fetcher?: FetchJson): Promise<void>
  /** Back to the list; the canvas highlight is cleared. */
  close(): void
  /** Shows the path up to step `index` (clamped to the call's steps). */
  goTo(index: number): void
  /** Draws the replay on the canvas again (after the simulator drew its call). */
  redraw(): void
}

/** The flow as the editor has it now (the canvas the replay draws on). */
const currentFlow = (): Flow | undefined => useEditor.getState().loaded.flow

function show(detail: CallDetail, index: number): void {
  const flow = currentFlow()
  const editor = useEditor.getState()
  if (flow === undefined || detail.steps.length === 0) {
    editor.setHighlight(NO_HIGHLIGHT)
    return
  }
  const highlight = highlightUpTo(flow, detail.steps, index)
  editor.setHighlight(highlight)
  if (highlight.current !== undefined) editor.select([highlight.current])
}

/**
 * The call history panel's state, outside React so the replay survives switching side-panel
 * tabs. Requests that finish after the flow (or the opened call) changed are ignored.
 */
export const useHistory = create<HistoryState>()((set, get) => ({
  flowId: null,
  calls: [],
  loading: false,
  error: '',
  open: undefined,
  index: 0,

  load: async (flowId, fetcher = fetchJson) => {
    if (flowId !== get().flowId) {
      if (get().open !== undefined) useEditor.getState().setHighlight(NO_HIGHLIGHT)
      set({ flowId, calls: [], open: undefined, index: 0 })
    }
    if (flowId === null) return
    set({ loading: true, error: '' })
    try {
      const calls = parseCallList(await fetcher(`/api/calls?flow=${encodeURIComponent(flowId)}`))
      if (get().flowId === flowId) set({ calls, loading: false })
    } catch (error) {
      if (get().flowId === flowId) set({ loading: false, error: `Could not list calls: ${error instanceof Error ? error.message : String(error)}` })
    }
  },
  openCall: async (sid, fetcher = fetchJson) => {
    set({ loading: true, error: '' })
    const flowId = get().flowId
    try {
      const detail = parseCallDetail(await fetcher(`/api/calls/${encodeURIComponent(sid)}`))
      if (get().flowId !== flowId) return
      if (detail === undefined) throw new Error('the server sent no call')
      const index = Math.max(0, detail.steps.length - 1)
      set({ open: detail, index, loading: false })
      show(detail, index)
    } catch (error) {
      if (get().flowId === flowId) set({ loading: false, error: `Could not open the call: ${error instanceof Error ? error.message : String(error)}` })
    }
  },
  close: () => {
    set({ open: undefined, index: 0 })
    useEditor.getState().setHighlight(NO_HIGHLIGHT)
  },
  goTo: (index) => {
    const detail = get().open
    if (detail === undefined) return
    const clamped = Math.min(Math.max(0, index), Math.max(0, detail.steps.length - 1))
    set({ index: clamped })
    show(detail, clamped)
  },
  redraw: () => {
    const detail = get().open
    if (detail !== undefined) show(detail, get().index)
  },
}))
