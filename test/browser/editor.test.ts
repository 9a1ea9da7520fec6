import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { diffComm } from 'node-diff3'
import { loadFlow } from '@phonetree/engine'
import { launchChromium } from '../support/chromium.ts'
import { killAll, startServerProcess } from '../support/server-process.ts'
import type { ServerProcess } from '../support/server-process.ts'

// The editor in a real headless Chromium, against the real server (`phonetree serve`) on a
// temporary copy of the example flows: what a designer does, checked on the files on disk.

const FLOWS = new URL('../../flows', import.meta.url).pathname
let dir: string
let server: ServerProcess
let browser: Browser

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phonetree-editor-'))
  for (const name of readdirSync(FLOWS)) if (name.endsWith('.yaml') || name.endsWith('.json')) copyFileSync(join(FLOWS, name), join(dir, name))
  server = await startServerProcess({ env: { FLOWS_DIR: dir, PHONETREE_STORE: 'memory', PHONETREE_HTTP_ALLOW: '127.0.0.1' } })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await killAll()
  rmSync(dir, { recursive: true, force: true })
})

async function open(flow: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  ;(page as Page & { errors: string[] }).errors = errors
  await page.goto(`${server.url}/?flow=${flow}`)
  await page.getByTestId('node-welcome').or(page.getByTestId('node-intro')).first().waitFor({ timeout: 30_000 })
  return page
}

/** Lines removed and added on disk, by a line diff. */
function changes(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = []
  const added: string[] = []
  for (const part of diffComm(before.split('\n'), after.split('\n'))) {
    if (part.buffer1 !== undefined) {
      removed.push(...part.buffer1)
      added.push(...part.buffer2)
    }
  }
  return { removed, added }
}

async function dragBetween(page: Page, from: string, to: string): Promise<void> {
  const a = (await page.getByTestId(from).boundingBox())!
  const b = (await page.getByTestId(to).boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 })
  await page.mouse.up()
}

describe('the editor', () => {
  it('adds a menu choice by drawing an edge, edits a prompt, undoes and redoes, and saves only those lines', async () => {
    const page = await open('support')
    const before = readFileSync(join(dir, 'support.yaml'), 'utf8')

    await dragBetween(page, 'handle-main-menu-choice:+', 'node-voicemail')
    await page.getByTestId('handle-main-menu-choice:3').waitFor()

    await page.getByTestId('node-welcome').click()
    const prompt = page.getByTestId('inspector').getByTestId('field-prompt').locator('textarea, input').first()
    await prompt.fill('Welcome to Acme, where every call matters.')
    await prompt.blur()
    await expect.poll(() => page.getByTestId('node-welcome').textContent()).toContain('Welcome to Acme')

    await page.getByTestId('undo-button').click()
    await expect.poll(() => page.getByTestId('node-welcome').textContent()).toContain('Thanks for calling Acme.')
    await page.getByTestId('redo-button').click()
    await expect.poll(() => page.getByTestId('node-welcome').textContent()).toContain('Welcome to Acme')

    await page.getByTestId('save-button').click()
    await expect.poll(() => readFileSync(join(dir, 'support.yaml'), 'utf8')).not.toBe(before)
    const after = readFileSync(join(dir, 'support.yaml'), 'utf8')
    expect(changes(before, after)).toEqual({
      removed: ['    prompt: Thanks for calling Acme.'],
      added: ['    prompt: Welcome to Acme, where every call matters.', '      "3": voicemail'],
    })
    // Comments and formatting elsewhere are untouched, and the saved flow is valid.
    expect(after).toContain('    onError: support-queue     # the CRM is down: serve the caller anyway')
    expect(loadFlow(after, 'support.yaml').ok).toBe(true)
    // The layout sidecar now holds the canvas positions.
    const layout = JSON.parse(readFileSync(join(dir, 'support.layout.json'), 'utf8')) as { nodes: Record<string, { x: number; y: number }> }
    expect(Object.keys(layout.nodes)).toContain('main-menu')
    expect((page as Page & { errors: string[] }).errors).toEqual([])
    await page.close()
  })

  it('shows a problem on the node as soon as the flow becomes invalid, and the problems list selects it', async () => {
    const page = await open('verify')
    await page.getByTestId('tab-yaml').click()
    const yaml = page.getByTestId('yaml-editor')
    const text = await yaml.inputValue()
    await yaml.fill(text.replace('onNoInput: goodbye', 'onNoInput: good-bye'))
    await page.getByTestId('node-read-code').getByTestId('node-problems').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('node-read-code').getByTestId('node-problems').textContent()).toMatch(/1/)
    await page.getByTestId('tab-problems').click()
    const item = page.getByTestId('problem-item').filter({ hasText: 'UNKNOWN_TARGET' })
    expect(await item.textContent()).toContain('good-bye')
    await page.getByTestId('node-intro').click()
    await item.click()
    await expect.poll(() => page.getByTestId('node-read-code').getAttribute('class')).toMatch(/selected/)
    // Nothing was saved: the file on disk is still the valid flow.
    expect(readFileSync(join(dir, 'verify.yaml'), 'utf8')).toContain('onNoInput: goodbye')
    await page.close()
  })

  it('points an edge elsewhere from the inspector: a half-typed id waits, Enter takes any id, a node id commits on a pause', async () => {
    const page = await open('verify')
    const dirty = async () => (await page.title()).startsWith('●')
    const yamlText = async () => {
      await page.getByTestId('tab-yaml').click()
      const text = await page.getByTestId('yaml-editor').inputValue()
      await page.getByTestId('tab-inspector').click()
      return text
    }
    await page.getByTestId('node-intro').click()
    const next = () => page.getByTestId('inspector').getByTestId('field-next').locator('input')
    // The flow's ids are suggested from one list, not an <option> per field.
    expect(await next().getAttribute('list')).not.toBeNull()
    expect(await page.locator(`datalist#${await next().getAttribute('list')} option`).count()).toBe(3)

    await next().fill('good')
    await page.waitForTimeout(800) // well past the pause that commits typing
    expect(await next().getAttribute('class')).toMatch(/is-missing/)
    expect(await dirty()).toBe(false)

    await next().fill('later-node')
    await next().press('Enter')
    await page.getByTestId('node-intro').getByTestId('node-problems').waitFor({ timeout: 10_000 })
    expect(await dirty()).toBe(true)
    expect(await yamlText()).toContain('    next: later-node\n')

    await page.getByTestId('node-intro').click()
    await next().fill('goodbye')
    await expect.poll(yamlText, { timeout: 10_000 }).toContain('    next: goodbye\n')
    await expect.poll(() => page.getByTestId('node-intro').getByTestId('node-problems').count()).toBe(0)
    expect(await next().getAttribute('class') ?? '').not.toMatch(/is-missing/)
    expect((page as Page & { errors: string[] }).errors).toEqual([])
    await page.close()
  })

  it('runs the simulator through a path with the engine in the browser', async () => {
    const page = await open('verify')
    await page.getByTestId('tab-simulator').click()
    await page.getByTestId('sim-start').click()
    await expect.poll(() => page.getByTestId('sim-node').textContent()).toContain('read-code')
    expect(await page.getByTestId('sim-transcript').textContent()).toContain('Here is your Acme verification code.')
    await page.getByTestId('sim-key-1').click()
    await expect.poll(async () => ((await page.getByTestId('sim-transcript').textContent()) ?? '').split('Your code is').length).toBeGreaterThanOrEqual(3)
    await page.getByTestId('sim-silence').click()
    await expect.poll(() => page.getByTestId('sim-transcript').textContent()).toContain('Goodbye.')
    await expect.poll(() => page.getByTestId('node-goodbye').getAttribute('class')).toMatch(/current|highlight|visited/)
    await page.close()
  })
})
