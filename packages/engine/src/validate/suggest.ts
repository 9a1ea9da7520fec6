/**
 * ` (did you mean "prompt"?)` when a known word is close to the one given: at most two edits,
 * fewer than half its length (so one-letter ids never suggest each other), counting a swap of
 * neighbouring letters as one edit ("mneu" → "menu"); or a word of two or more letters that a
 * known word starts with ("go" → "goto"), as people shorten names more than they misspell them.
 *
 * @example suggest('promt', ['prompt', 'reprompt']) // ' (did you mean "prompt"?)'
 */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  const given = word.toLowerCase()
  for (const c of candidates) {
    const known = c.toLowerCase()
    const d = editDistance(given, known)
    const close = (d <= 2 && d < word.length / 2) || (word.length >= 2 && known.startsWith(given))
    if (close && d < bestDistance) [best, bestDistance] = [c, d]
  }
  return best !== undefined && best !== word ? ` (did you mean "${best}"?)` : ''
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1)
      d[i]![j] = value
    }
  }
  return d[a.length]![b.length]!
}
