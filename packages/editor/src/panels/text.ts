/** The offset of a 1-based line and column in a text. */
export function offsetOf(text: string, line: number, col: number): number {
  let offset = 0
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset)
    if (next < 0) return text.length
    offset = next + 1
  }
  return Math.min(text.length, offset + Math.max(0, col - 1))
}
