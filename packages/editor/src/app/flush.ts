/**
 * Inputs hold what is being typed for a moment before it becomes an edit (so a word is one
 * undo step, not one per key, and the 500-node flow is not re-validated per keystroke).
 * Saving, undoing and switching flows first flush whatever is pending, so nothing typed is lost.
 */
const pending = new Set<() => void>()

/** Registers a flush function; returns its unregistration. */
export function registerFlush(flush: () => void): () => void {
  pending.add(flush)
  return () => pending.delete(flush)
}

/** Turns everything typed but not yet committed into edits now. */
export function flushPending(): void {
  for (const flush of [...pending]) flush()
}
