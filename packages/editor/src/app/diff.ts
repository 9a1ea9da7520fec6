import { diffComm } from 'node-diff3'

/** One line of a diff: kept, only on disk (theirs), or only in the editor (mine); or a fold. */
export type DiffLine =
  | { kind: 'same' | 'disk' | 'mine'; text: string; diskLine?: number; mineLine?: number }
  | { kind: 'fold'; count: number }

/**
 * A line diff of what is on disk against the editor's text, with unchanged stretches longer
 * than twice `context` folded.
 *
 * @example lineDiff('a\nb\n', 'a\nc\n') // [same a, disk b, mine c, same '']
 */
export function lineDiff(disk: string, mine: string, context = 3): DiffLine[] {
  const out: DiffLine[] = []
  let d = 1
  let m = 1
  const chunks = diffComm(disk.split('\n'), mine.split('\n'))
  chunks.forEach((chunk, i) => {
    if (chunk.common !== undefined) {
      const lines = chunk.common
      const keepHead = i === 0 ? 0 : context
      const keepTail = i === chunks.length - 1 ? 0 : context
      if (lines.length > keepHead + keepTail + 1) {
        lines.slice(0, keepHead).forEach((text, k) => out.push({ kind: 'same', text, diskLine: d + k, mineLine: m + k }))
        out.push({ kind: 'fold', count: lines.length - keepHead - keepTail })
        const tail = lines.length - keepTail
        lines.slice(tail).forEach((text, k) => out.push({ kind: 'same', text, diskLine: d + tail + k, mineLine: m + tail + k }))
      } else {
        lines.forEach((text, k) => out.push({ kind: 'same', text, diskLine: d + k, mineLine: m + k }))
      }
      d += lines.length
      m += lines.length
      return
    }
    chunk.buffer1.forEach((text, k) => out.push({ kind: 'disk', text, diskLine: d + k }))
    chunk.buffer2.forEach((text, k) => out.push({ kind: 'mine', text, mineLine: m + k }))
    d += chunk.buffer1.length
    m += chunk.buffer2.length
  })
  return out
}
