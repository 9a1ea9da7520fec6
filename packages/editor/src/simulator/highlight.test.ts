import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
import { highlightOf } from './highlight.ts'

const flow = (id: string): Flow => loadFlow(readFileSync(new URL(`../../../../flows/${id}.yaml`, import.meta.url), 'utf8'), `flows/${id}.yaml`).flow!

describe('canvas highlights', () => {
  const support = flow('support')

  it('lists visited nodes once, in the order first reached, and draws flow-wide transitions from where the call was', () => {
    const path = [
      { from: 'welcome', handle: 'next', to: 'office-hours' }, { from: 'office-hours', handle: 'open', to: 'main-menu' },
      { from: 'main-menu', handle: 'noInput:retry', to: 'main-menu' }, { from: '*', handle: 'error', to: 'sorry' },
    ]
    expect(highlightOf(support.nodes, 'welcome', path)).toEqual({
      current: 'sorry', visited: ['welcome', 'office-hours', 'main-menu', 'sorry'], taken: ['welcome|next', 'office-hours|open', 'main-menu|noInput:retry', 'main-menu|error'],
    })
    expect(highlightOf(support.nodes, 'welcome', [], 'nowhere')).toEqual({ visited: ['welcome'], taken: [] })
  })
})
