import { setField, setFlowField } from '../model/ops.ts'
import { edit } from '../app/actions.ts'
import { useDraft } from '../app/draft-store.ts'
import { moveItem, renameKey, setIn } from './edits.ts'
import type { Path } from './edits.ts'

/** Edits inside one field of a node (or of the flow): each call is one undo step. */
export interface FieldOps {
  /** Sets a value inside the field (`[]`: the field itself); `undefined` removes it. */
  set(sub: Path, value: unknown): void
  /** Several sets as one undo step (an operator change: remove one key, add another). */
  setMany(changes: readonly (readonly [Path, unknown])[]): void
  /** Moves an item of the list or mapping at `sub`. */
  move(sub: Path, from: number, to: number): void
  /** Renames a key of the mapping at `sub`; returns why it could not, or undefined. */
  rename(sub: Path, from: string, to: string): string | undefined
}

/**
 * The edit operations for field `field` of node `node` (or of the flow, when `node` is null).
 * Node fields go through the model's `setField`, flow fields through `setFlowField`, so the
 * YAML changes only where the field is. Edits to a node that no longer exists (renamed or
 * deleted while an input still held text) are dropped rather than re-creating it.
 */
export function fieldOps(node: string | null, field: string): FieldOps {
  const exists = () => node === null || useDraft.getState().draft.nodes[node] !== undefined
  const write = (text: string, sub: Path, value: unknown): string => {
    if (node !== null) return setField(text, node, [field, ...sub], value)
    return sub.length === 0 ? setFlowField(text, field, value) : setIn(text, [field, ...sub], value)
  }
  const full = (sub: Path): Path => (node !== null ? ['nodes', node, field, ...sub] : [field, ...sub])
  return {
    set: (sub, value) => {
      if (exists()) edit((text) => write(text, sub, value))
    },
    setMany: (changes) => {
      if (exists()) edit((text) => changes.reduce((t, [sub, value]) => write(t, sub, value), text))
    },
    move: (sub, from, to) => {
      if (exists()) edit((text) => moveItem(text, full(sub), from, to))
    },
    rename: (sub, from, to) => {
      if (!exists()) return undefined
      let problem: string | undefined
      edit((text) => {
        try {
          return renameKey(text, full(sub), from, to)
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error)
          return text
        }
      })
      return problem
    },
  }
}
