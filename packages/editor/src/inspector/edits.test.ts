import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { moveItem, renameKey, setIn } from './edits.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')

function changedLines(before: string, after: string): string[] {
  const a = before.split('\n')
  return after.split('\n').filter((line, i) => line !== a[i])
}

describe('inspector edits', () => {
  it('renames a menu key in place, keeping its order and quoting', () => {
    const out = renameKey(SUPPORT, ['nodes', 'main-menu', 'choices'], '2', '3')
    expect(changedLines(SUPPORT, out)).toEqual(['      "3": account'])
    const day = renameKey(SUPPORT, ['nodes', 'office-hours', 'hours'], 'sat', 'sat,sun')
    expect(changedLines(SUPPORT, day)).toEqual(['      sat,sun: "10:00-14:00"'])
    expect(() => renameKey(SUPPORT, ['nodes', 'main-menu', 'choices'], '2', '1')).toThrow(/already/)
  })

  it('moves list items and mapping entries', () => {
    const out = moveItem(SUPPORT, ['nodes', 'route', 'cases'], 1, 0)
    expect(out.indexOf('startsWith: "+81"')).toBeLessThan(out.indexOf('equals: gold'))
    const keys = moveItem(SUPPORT, ['nodes', 'main-menu', 'choices'], 2, 0)
    expect(keys).toContain('    choices:\n      "0": operator\n      "1": sales\n      "2": account\n')
  })

  it('sets and removes values anywhere, changing only their lines', () => {
    const out = setIn(SUPPORT, ['vars'], { clinic: 'Riverside' })
    expect(out).toContain('vars:\n  clinic: Riverside\n')
    expect(changedLines(SUPPORT, setIn(SUPPORT, ['title'], undefined)).length).toBeGreaterThan(0)
    expect(setIn(SUPPORT, ['title'], undefined)).not.toContain('title:')
  })
})
