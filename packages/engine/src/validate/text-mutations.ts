/**
 * Random edits of flow text for property tests: lines deleted, duplicated or swapped, and
 * characters that matter to YAML replaced or inserted. Used by the tests of the validator and
 * of the quick YAML reader; nothing in the engine imports it.
 */
import fc from 'fast-check'

export type Mutation = { kind: 'delete' | 'duplicate' | 'swap' | 'replace' | 'insert'; a: number; b: number; text: string }

/** One edit; `a` and `b` pick lines and columns (modulo what exists). */
export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'duplicate', 'swap', 'replace', 'insert'),
  a: fc.nat(),
  b: fc.nat(),
  text: fc.oneof(
    fc.constantFrom(' ', '  ', '\t', ':', '-', '"', "'", '{', '}', '[', ']', '#', '&', '*', '!', '|', '>', '%', '@', '`', ',', '?', '\n', '\r', 'x', '1', '{{', '}}', '{%', '\u0000'),
    fc.string({ maxLength: 3 }),
  ),
})

/**
 * Deletes, duplicates or swaps lines, or replaces or inserts characters.
 *
 * @example mutate('a: 1\nb: 2', [{ kind: 'delete', a: 0, b: 0, text: '' }]) // 'b: 2'
 */
export function mutate(text: string, mutations: Mutation[]): string {
  const lines = text.split('\n')
  for (const m of mutations) {
    if (lines.length === 0) break
    const i = m.a % lines.length
    const j = m.b % lines.length
    const line = lines[i]!
    const at = m.b % (line.length + 1)
    switch (m.kind) {
      case 'delete': lines.splice(i, 1); break
      case 'duplicate': lines.splice(i, 0, line); break
      case 'swap': [lines[i], lines[j]] = [lines[j]!, line]; break
      case 'replace': lines[i] = line.slice(0, at) + m.text + line.slice(at + 1); break
      case 'insert': lines[i] = line.slice(0, at) + m.text + line.slice(at); break
    }
  }
  return lines.join('\n')
}
