import { isMap, isScalar, isSeq, Scalar } from 'yaml'
import { applyEdit, scopeOf } from '../model/yaml-edit.ts'

/**
 * Edits the inspector needs beyond the model's operations, written the same way (text in,
 * text out, through `applyEdit`, so untouched lines stay as they were). Candidates for
 * model/ops.ts.
 */

export type Path = (string | number)[]

/**
 * Sets any value in the document (`undefined` removes it).
 *
 * @example setIn(text, ['vars', 'clinic'], 'Riverside')
 */
export function setIn(text: string, path: Path, value: unknown): string {
  return applyEdit(text, (doc) => {
    if (value === undefined) doc.deleteIn(path)
    else doc.setIn(path, doc.createNode(value))
  }, scopeOf(path))
}

/** Keys YAML would read as something other than text (numbers, `*` aliases, …) are written quoted. */
function needsQuotes(key: string): boolean {
  return /^[-+.\d]/.test(key) || /^[*&!#|>'"%@`?:,[\]{}]/.test(key) || /^(true|false|null|yes|no|on|off|~)$/i.test(key) || key.trim() !== key || key === ''
}

/**
 * Renames a key of the mapping at `path` where it stands: its place, its value and the
 * comments around it stay; keys that YAML would not read as text get double quotes.
 *
 * @example renameKey(text, ['nodes', 'main-menu', 'choices'], '2', '3')
 */
export function renameKey(text: string, path: Path, from: string, to: string): string {
  if (from === to) return text
  return applyEdit(text, (doc) => {
    const map = doc.getIn(path, true)
    if (!isMap(map)) throw new Error(`no mapping at ${path.join('.')}`)
    if (map.items.some((p) => isScalar(p.key) && String(p.key.value) === to)) throw new Error(`"${to}" is already there`)
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === from)
    if (pair === undefined || !isScalar(pair.key)) throw new Error(`no key "${from}"`)
    const key = pair.key as Scalar
    key.value = to
    if (needsQuotes(to)) key.type = Scalar.QUOTE_DOUBLE
    else if (key.type !== Scalar.QUOTE_DOUBLE && key.type !== Scalar.QUOTE_SINGLE) key.type = Scalar.PLAIN
  }, scopeOf(path))
}

/**
 * Moves an item of the list (or mapping) at `path` from one position to another.
 *
 * @example moveItem(text, ['nodes', 'route', 'cases'], 1, 0) // the second case is tried first
 */
export function moveItem(text: string, path: Path, from: number, to: number): string {
  if (from === to) return text
  return applyEdit(text, (doc) => {
    const collection = doc.getIn(path, true)
    if (!isSeq(collection) && !isMap(collection)) throw new Error(`no list at ${path.join('.')}`)
    const items = collection.items as unknown[]
    if (from < 0 || from >= items.length || to < 0 || to >= items.length) return
    const [item] = items.splice(from, 1)
    items.splice(to, 0, item)
  }, scopeOf(path))
}
