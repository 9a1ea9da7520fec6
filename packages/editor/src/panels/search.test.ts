import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import { draftOf } from '../app/draft.ts'
import { searchNodes } from './search.ts'
import { offsetOf } from './text.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')
const draft = draftOf(loadFlow(SUPPORT, 'flows/support.yaml').source.doc)!

describe('finding nodes', () => {
  it('matches ids first, then prompt text, ignoring case', () => {
    expect(searchNodes(draft, 'SALES').map((h) => h.id)).toEqual(['sales', 'main-menu'])
    const [hit] = searchNodes(draft, 'tokyo')
    expect(hit).toMatchObject({ id: 'japan-desk' })
    expect(hit!.snippet).toBe('Connecting you to our Tokyo desk.')
    expect(searchNodes(draft, '  ')).toEqual([])
    expect(searchNodes(draft, 'e', 3)).toHaveLength(3)
  })
})

describe('text offsets', () => {
  it('turns a line and column into an offset', () => {
    expect(offsetOf('ab\ncd\nef', 2, 2)).toBe(4)
    expect(offsetOf('ab\ncd', 9, 1)).toBe(5)
  })
})
