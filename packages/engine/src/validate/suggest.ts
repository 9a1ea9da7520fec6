/**
 * ` (did you mean "prompt"?)` when a known word is close to the one given: at most two edits,
 * fewer than half its length (so one-letter ids never suggest each other), counting a swap of
 * neighbouring letters as one edit ("mneu" → "menu").
 *
 * @example suggest('promt', ['prompt', 'reprompt']) // ' (did you mean "prompt"?)'
 */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  const close = bestDistance <= 2 && bestDistance < word.length / 2
  return best !== undefined && close && best !== word ? ` (did you mean "${best}"?)` : ''
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
