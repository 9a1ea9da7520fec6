/**
 * Benchmark 6, editor: open, lay out and render generated flows of 500 and 2,000 nodes in
 * headless Chromium. The editor is being built, so for now this reports "not measured yet".
 *
 * The hook, for the editor issue to fill in (shared with its browser tests):
 *
 * 1. The editor's built page (`packages/editor/dist/index.html`, served by `phonetree serve`)
 *    exposes `window.phonetreeEditor.open(yamlText): Promise<void>`, resolving after the first
 *    paint of the laid-out flow, and marks `editor:parsed`, `editor:laid-out` and
 *    `editor:rendered` with `performance.mark()` on the way.
 * 2. `measureEditor` below (playwright-core with `executablePath: '/usr/bin/chromium'` and the
 *    flags in DESIGN.md) loads the page once per round, calls `open` with
 *    `generateFlow(nodes).yaml`, and reads the three marks: open = parsed, layout = laid-out −
 *    parsed, render = rendered − laid-out, total = the promise's wall time.
 * 3. `isEditorReady()` turns true once that page exists, and the row below becomes numbers with
 *    the target.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { table } from './lib/format.ts'
import { ROOT } from './lib/processes.ts'
import type { Mode, SectionOutput, Target } from './lib/section.ts'

export const EDITOR_SIZES = [500, 2000] as const
const CHROMIUM = '/usr/bin/chromium'
const PAGE = join(ROOT, 'packages/editor/dist/index.html')

/** Times for one flow size, in ms (medians over rounds). */
export interface EditorTimes {
  nodes: number
  openMs: number
  layoutMs: number
  renderMs: number
  totalMs: number
}

/** The editor page with the hook exists, and so does Chromium. */
export function isEditorReady(): boolean {
  return existsSync(PAGE) && existsSync(CHROMIUM)
}

/** Not written yet: it needs the editor's `window.phonetreeEditor.open` hook (see above). */
export async function measureEditor(_nodes: number, _mode: Mode): Promise<EditorTimes | undefined> {
  return undefined
}

export async function run(mode: Mode, log: (line: string) => void): Promise<SectionOutput> {
  const measured: EditorTimes[] = []
  if (isEditorReady()) {
    for (const nodes of EDITOR_SIZES) {
      const times = await measureEditor(nodes, mode)
      if (times !== undefined) measured.push(times)
    }
  }
  const rows = EDITOR_SIZES.map((nodes) => {
    const t = measured.find((m) => m.nodes === nodes)
    return t === undefined
      ? [nodes.toLocaleString('en-US'), 'not measured yet: the editor is being built', '', '', '']
      : [nodes.toLocaleString('en-US'), String(t.openMs), String(t.layoutMs), String(t.renderMs), String(t.totalMs)]
  })
  log(measured.length === 0 ? 'not measured yet: the editor is being built' : `${measured.length} sizes measured`)
  const targets: Target[] = EDITOR_SIZES.map((nodes) => ({
    name: `editor: open, lay out and render ${nodes.toLocaleString('en-US')} nodes`,
    goal: 'measured in headless Chromium',
    actual: measured.some((m) => m.nodes === nodes) ? 'measured' : 'not measured yet: the editor is being built',
    met: undefined,
  }))
  const body = [
    '**Not measured yet: the editor is being built.** The harness hook is in `bench/editor.ts`: the editor page exposes `window.phonetreeEditor.open(yaml)` and marks `editor:parsed`, `editor:laid-out` and `editor:rendered`; the benchmark opens generated flows (`bench/lib/flowgen.ts`) of each size in headless Chromium (playwright-core, `/usr/bin/chromium`) and reports the marks.',
    table(['nodes', 'open ms', 'layout ms', 'render ms', 'total ms'], rows),
  ]
  return { body: body.join('\n\n'), targets, data: measured }
}
