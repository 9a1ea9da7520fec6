import { describe, expect, it } from 'vitest'
import { lineDiff } from './diff.ts'

describe('the conflict diff', () => {
  it('marks lines only on disk and only in the editor', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc').map((l) => (l.kind === 'fold' ? `…${l.count}` : `${l.kind}:${l.text}`))).toEqual(['same:a', 'disk:b', 'mine:B', 'same:c'])
  })

  it('folds long unchanged stretches, keeping context around changes', () => {
    const disk = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')
    const mine = disk.replace('line 10', 'line ten')
    const diff = lineDiff(disk, mine, 2)
    expect(diff.map((l) => (l.kind === 'fold' ? `…${l.count}` : l.text))).toEqual(['…8', 'line 8', 'line 9', 'line 10', 'line ten', 'line 11', 'line 12', '…7'])
    expect(diff[3]).toMatchObject({ kind: 'disk', diskLine: 11 })
    expect(diff[4]).toMatchObject({ kind: 'mine', mineLine: 11 })
  })

  it('has no changed lines for equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb').some((l) => l.kind === 'disk' || l.kind === 'mine')).toBe(false)
  })
})
