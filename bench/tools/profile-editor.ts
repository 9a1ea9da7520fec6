/**
 * Profiles the editor's responses on a generated flow, as section 6 of the benchmark makes
 * them: opens the flow in headless Chromium, waits for the layout, centres node `s0`, then
 * records a V8 CPU profile of the page for each interaction (commit an inspector edit, undo it,
 * delete the node, undo that), and prints where the page's time went in each, with Chromium's
 * own totals for script, style and layout over the same span.
 *
 * With --readable the editor is built without minification first (and the build removed again
 * afterwards, so the next `npm start` or benchmark rebuilds the normal one), so the profile names
 * the editor's and React's functions.
 *
 * Usage: npx tsx bench/tools/profile-editor.ts [--nodes 500] [--readable] [--top 25] [--out DIR]
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { launchChromium } from '../../test/support/chromium.ts'
import { killAll, startServerProcess } from '../../test/support/server-process.ts'
import { generateFlow } from '../lib/flowgen.ts'
import { ROOT } from '../lib/processes.ts'
import { nowMs } from '../lib/stats.ts'
import { summarizeProfile } from './cpuprofile.ts'
import type { FunctionTime } from './cpuprofile.ts'

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '500' }, readable: { type: 'boolean', default: false }, top: { type: 'string', default: '25' }, out: { type: 'string' } } })
const nodes = Number(values.nodes)
const editorDir = join(ROOT, 'packages/editor')
if (values.readable) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--minify', 'false', '--logLevel', 'warn'], { cwd: editorDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
} else {
  execFileSync(process.execPath, [join(editorDir, 'scripts/build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit' })
}

if (values.out !== undefined) await mkdir(values.out, { recursive: true })
const dir = await mkdtemp(join(tmpdir(), 'phonetree-profile-editor-'))
const browser = await launchChromium()
try {
  await writeFile(join(dir, `gen-${nodes}.yaml`), generateFlow(nodes).yaml)
  const server = await startServerProcess({ env: { FLOWS_DIR: dir, PHONETREE_STORE: 'memory', PHONETREE_HTTP_ALLOW: '127.0.0.1' } })
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  await page.goto(`${server.url}/?flow=gen-${nodes}`)
  await page.waitForFunction(() => performance.getEntriesByName('phonetree:layout-done').length > 0, undefined, { timeout: 120_000, polling: 50 })
  await page.getByTestId('search-input').fill('s0')
  await page.getByTestId('search-result-s0').click()
  const node = page.getByTestId('node-s0')
  await node.waitFor()
  await page.waitForTimeout(800)
  await node.click()
  const prompt = page.getByTestId('inspector').getByTestId('field-prompt').locator('textarea, input').first()
  await prompt.fill('Edited while profiling.')
  await page.waitForTimeout(300)

  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  const metrics = async () => new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const shown = (text: string | null, present: boolean) => page.waitForFunction(([text, present]) => {
    const node = document.querySelector('[data-testid="node-s0"]')
    return (text === null ? node !== null : (node?.textContent?.includes(text) ?? false)) === present
  }, [text, present] as const, { polling: 'raf' })
  const steps: Array<[string, () => Promise<unknown>, string | null, boolean]> = [
    ['commit', () => prompt.blur(), 'Edited while profiling.', true],
    ['undo', () => page.getByTestId('undo-button').click(), 'Edited while profiling.', false],
    ['delete', async () => { await node.click(); await page.keyboard.press('Delete') }, null, false],
    ['undo delete', () => page.keyboard.press('Control+z'), null, true],
  ]
  const top = Number(values.top)
  const line = (f: FunctionTime) => `${f.selfMs.toFixed(1).padStart(8)} ${f.totalMs.toFixed(1).padStart(8)}  ${f.name}`
  for (const [name, act, text, present] of steps) {
    const before = await metrics()
    await cdp.send('Profiler.start')
    const start = nowMs()
    await act()
    await shown(text, present)
    const wallMs = nowMs() - start
    await page.waitForTimeout(400) // the validation answer and its render
    const { profile } = await cdp.send('Profiler.stop')
    const after = await metrics()
    if (values.out !== undefined) await writeFile(join(values.out, `${name.replace(' ', '-')}.cpuprofile`), JSON.stringify(profile))
    const delta = (metric: string) => ((after.get(metric) ?? 0) - (before.get(metric) ?? 0)) * 1000
    const { functions } = summarizeProfile(profile as unknown as Parameters<typeof summarizeProfile>[0])
    const busy = functions.filter((f) => !/^\((idle|program|root)\)/.test(f.name))
    process.stdout.write([
      `== ${name}: ${wallMs.toFixed(0)} ms wall (with Playwright's round trips); script ${delta('ScriptDuration').toFixed(0)} ms, style ${delta('RecalcStyleDuration').toFixed(0)} ms, layout ${delta('LayoutDuration').toFixed(0)} ms, tasks ${delta('TaskDuration').toFixed(0)} ms`,
      '  self ms  total ms   (by self time)',
      ...[...busy].sort((a, b) => b.selfMs - a.selfMs).slice(0, top).map(line),
      '  self ms  total ms   (by total time)',
      ...[...busy].sort((a, b) => b.totalMs - a.totalMs).slice(0, top).map(line),
      '',
    ].join('\n'))
  }
} finally {
  await browser.close().catch(() => undefined)
  await killAll()
  await rm(dir, { recursive: true, force: true })
  if (values.readable) await rm(join(editorDir, 'dist'), { recursive: true, force: true })
}
