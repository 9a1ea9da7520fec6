import { create } from 'zustand'
import { useEditor } from '../store/editor-store.ts'
import type { EditorState } from '../store/editor-store.ts'
import { draftOf, EMPTY_DRAFT } from './draft.ts'
import type { Draft } from './draft.ts'

export interface DraftState {
  /** The last text of the open flow that parsed as YAML, read as a draft. */
  draft: Draft
  /** True while the current text has YAML syntax errors (the draft is an older text's). */
  stale: boolean
}

/**
 * The draft of the open flow, kept beside the editor store: recomputed when the store
 * re-validates (it reuses the store's parsed document), and kept as it was while the text
 * does not parse, so the canvas never goes blank in the middle of typing.
 */
export const useDraft = create<DraftState>(() => ({ draft: EMPTY_DRAFT, stale: false }))

function follow(state: EditorState, previous: EditorState | undefined): void {
  if (previous !== undefined && state.loaded === previous.loaded && state.flowId === previous.flowId) return
  const draft = draftOf(state.loaded)
  if (draft !== undefined) useDraft.setState({ draft, stale: false })
  else if (previous !== undefined && state.flowId !== previous.flowId) useDraft.setState({ draft: EMPTY_DRAFT, stale: true })
  else useDraft.setState({ stale: true })
}

follow(useEditor.getState(), undefined)
useEditor.subscribe(follow)
