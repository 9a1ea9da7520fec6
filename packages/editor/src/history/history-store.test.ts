import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { useEditor, validationSettled } from '../store/editor-store.ts'
import { useHistory } from './history-store.ts'

const SUPPORT = readFileSync(new URL('../../../../flows/support.yaml', import.meta.url), 'utf8')

/** A call as `GET /api/calls/:sid` returns it: welcome → menu, press 0 → operator. */
const DETAIL = {
  call: { sid: 'CA1', flow: 'support', version: 'old', status: 'active', from: '+15551230000', createdAt: 1, updatedAt: 2, snapshot: { node: 'operator', seq: 2 } },
  steps: [
    { seq: 1, at: 1, event: { start: { from: '+15551230000' }, vars: {} }, node: 'main-menu', taken: ['welcome --next--> office-hours', 'office-hours --open--> main-menu'], view: [], effects: [], errors: [], durationMs: 3 },
    { seq: 2, at: 2, event: { type: 'DIGITS', digits: '0' }, node: 'operator', taken: ['main-menu --choice:0--> operator'], view: [], effects: [], errors: [], durationMs: 2 },
  ],
}

describe('the history panel state', () => {
  const requests: string[] = []
  const fetcher = async (path: string): Promise<unknown> => {
    requests.push(path)
    if (path === '/api/calls?flow=support') return { calls: [{ sid: 'CA1', flow: 'support', version: 'old', status: 'active', createdAt: 1, updatedAt: 2, node: 'operator', seq: 2 }] }
    if (path === '/api/calls/CA1') return DETAIL
    throw new Error('404 no such call')
  }

  beforeEach(async () => {
    requests.length = 0
    useEditor.getState().opened({ id: 'support', source: SUPPORT, layout: null, etag: 'e1' })
    await validationSettled()
  })

  it('lists calls, replays one on the canvas step by step, and clears when closed', async () => {
    const history = useHistory.getState()
    await history.load('support', fetcher)
    expect(useHistory.getState().calls.map((c) => c.sid)).toEqual(['CA1'])
    await history.openCall('CA1', fetcher)
    expect(useHistory.getState().index).toBe(1)
    expect(useEditor.getState().highlight).toEqual({ current: 'operator', visited: ['welcome', 'office-hours', 'main-menu', 'operator'], taken: ['welcome|next', 'office-hours|open', 'main-menu|choice:0'] })
    expect(useEditor.getState().selection).toEqual(['operator'])
    history.goTo(0)
    expect(useEditor.getState().highlight).toEqual({ current: 'main-menu', visited: ['welcome', 'office-hours', 'main-menu'], taken: ['welcome|next', 'office-hours|open'] })
    history.goTo(-3)
    expect(useHistory.getState().index).toBe(0)
    history.goTo(99)
    expect(useHistory.getState().index).toBe(1)
    useEditor.getState().setHighlight({ visited: [], taken: [] })
    history.redraw()
    expect(useEditor.getState().highlight.current).toBe('operator')
    history.close()
    expect(useHistory.getState().open).toBeUndefined()
    expect(useEditor.getState().highlight).toEqual({ visited: [], taken: [] })
    expect(requests).toEqual(['/api/calls?flow=support', '/api/calls/CA1'])
  })

  it('shows the server’s refusal instead of failing', async () => {
    await useHistory.getState().load('support', fetcher)
    await useHistory.getState().openCall('CA404', fetcher)
    expect(useHistory.getState().error).toBe('Could not open the call: 404 no such call')
    await useHistory.getState().load('verify', fetcher)
    expect(useHistory.getState()).toMatchObject({ flowId: 'verify', calls: [], error: 'Could not list calls: 404 no such call' })
  })
})
