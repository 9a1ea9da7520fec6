import { create } from 'zustand'
import { useEditor } from '../store/editor-store.ts'
import type { EditorState } from '../store/editor-store.ts'
import { EMPTY_DRAFT } from './draft.ts'
import type { Draft } from './draft.ts'
import { nextDraft } from './draft-update.ts'
import type { DraftSource } from './draft-update.ts'

export interface DraftState {
  /** The last text of the open flow that parsed as YAML, read as a draft. */
  draft: Draft
  /** True while the current text has YAML syntax errors (the draft is an older text's). */
  stale: boolean
}

/**
 * The draft of the open flow, kept beside the editor store: it follows the text at once (an
 * edit re-reads only the nodes it changed, see `nextDraft`), without waiting for the full
 * validation, and is kept as it was while the text does not parse, so the canvas never goes
 * blank in the middle of typing.
 */
export const useDraft = create<DraftState>(() => ({ draft: EMPTY_DRAFT, stale: false }))

/** The last text that parsed, with its draft: where the next change is read from. */
let source: DraftSource | undefined

function follow(state: EditorState, previous: EditorState | undefined): void {
  if (previous !== undefined && state.text === previous.text && state.flowId === previous.flowId) return
  const switched = previous !== undefined && state.flowId !== previous.flowId
  const next = nextDraft(switched ? undefined : source, state.text)
  if (next !== undefined) {
    source = next
    if (useDraft.getState().draft !== next.draft || useDraft.getState().stale) useDraft.setState({ draft: next.draft, stale: false })
  } else if (switched) {
    source = undefined
    useDraft.setState({ draft: EMPTY_DRAFT, stale: true })
  } else {
    useDraft.setState({ stale: true })
  }
}

follow(useEditor.getState(), undefined)
useEditor.subscribe(follow)
