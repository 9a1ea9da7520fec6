/**
 * Phonetree's benchmarks: `npm run bench` (quick, about a minute) or `npm run bench -- --full`
 * (every size and concurrency, under ten minutes, for the record in BENCHMARKS.md).
 *
 *   --quick            small sizes, few rounds (default); the report goes to a temp file
 *   --full             all sizes and concurrencies; the report goes to BENCHMARKS.md
 *   --only a,b         only these sections: webhook, step, compile, state, startup, editor
 *   --out FILE         write the Markdown report here instead
 *   --json FILE        also write the raw measurements as JSON (for before/after comparisons)
 *   --from FILE        measure nothing: render the report again from a --json file (e.g. after
 *                      editing bench/notes.md)
 *
 * Each section runs in a fresh child process, one after another, so no benchmark shares a heap,
 * a JIT or the CPU with another. Benchmarks never fail `npm test`: they only measure and report.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { verdict, table } from './lib/format.ts'
import { machineInfo } from './lib/machine.ts'
import type { MachineInfo } from './lib/machine.ts'
import { ROOT, cleanEnv } from './lib/processes.ts'
import { SECTIONS } from './lib/section.ts'
import type { Mode, SectionResult } from './lib/section.ts'

/** A section that runs longer than this is stopped and reported as failed. */
const SECTION_TIMEOUT_MS = 12 * 60_000

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    from: { type: 'string' },
  },
})
interface SavedRun {
  mode: Mode
  machine: MachineInfo
  startedAt: string
  results: SectionResult[]
}
const saved = values.from !== undefined ? (JSON.parse(readFileSync(values.from, 'utf8')) as SavedRun) : undefined
const mode: Mode = saved?.mode ?? (values.full ? 'full' : 'quick')
const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '')
const unknown = only?.filter((id) => !SECTIONS.some((s) => s.id === id)) ?? []
if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}: choose from ${SECTIONS.map((s) => s.id).join(', ')}`)
const chosen = SECTIONS.filter((s) => only === undefined || only.includes(s.id))

const machine = saved?.machine ?? machineInfo()
const startedAt = saved !== undefined ? new Date(saved.startedAt) : new Date()
process.stderr.write(`Phonetree benchmarks, ${mode} mode, on ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, load ${machine.loadAtStart.toFixed(2)}\n`)

const work = await mkdtemp(join(tmpdir(), 'phonetree-bench-'))
const results: SectionResult[] = saved?.results ?? []
try {
  for (const section of saved !== undefined ? [] : chosen) {
    process.stderr.write(`${section.title}…\n`)
    const out = join(work, `${section.id}.json`)
    const result = await runSection(section.id, out)
    process.stderr.write(`${section.title}: ${result.error !== undefined ? 'FAILED' : 'done'} in ${result.seconds.toFixed(1)} s\n`)
    results.push(result)
  }
} finally {
  await rm(work, { recursive: true, force: true })
}

const markdown = render(mode, machine, startedAt, results)
const outFile = values.out ?? (mode === 'full' ? join(ROOT, 'BENCHMARKS.md') : join(tmpdir(), 'phonetree-bench-quick.md'))
writeFileSync(outFile, markdown)
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify({ mode, machine, startedAt, results }, null, 1))
process.stdout.write(`${markdown}\n`)
process.stderr.write(`Report written to ${outFile}\n`)

function runSection(id: string, out: string): Promise<SectionResult> {
  const started = performance.now()
  const title = SECTIONS.find((s) => s.id === id)!.title
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run-section.ts', id, mode, out], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'inherit', 'inherit'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), SECTION_TIMEOUT_MS)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')) as SectionResult)
      } catch {
        resolve({ id, title, seconds: (performance.now() - started) / 1000, load: Number.NaN, body: '', targets: [], data: null, error: `the section's process ended (${signal ?? code}) without a result` })
      }
    })
  })
}

function render(mode: Mode, machine: MachineInfo, at: Date, sections: SectionResult[]): string {
  const all = sections.flatMap((s) => s.targets.map((t) => ({ section: s.title, ...t })))
  const met = all.filter((t) => t.met === true).length
  const missed = all.filter((t) => t.met === false).length
  const notes = readNotes()
  return [
    '# Phonetree benchmarks',
    '',
    `Written by \`${mode === 'full' ? 'npm run bench -- --full' : 'npm run bench'}\` (\`bench/run.ts\`) on ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${mode} mode. These are benchmarks, not tests: nothing here fails \`npm test\`. This file is regenerated by each full run; the notes at the end come from \`bench/notes.md\`.`,
    '',
    '## Machine',
    '',
    table(['cores', 'memory', 'CPU', 'Node', 'load average at start'], [[String(machine.cores), `${machine.memoryGiB} GiB`, machine.cpuModel, machine.node, machine.loadAtStart.toFixed(2)]]),
    '',
    `The machine is shared with other work (its load average is above), so every comparison interleaves both sides in one run, over several rounds, and reports medians and ratios rather than absolute best times.`,
    '',
    '## Targets',
    '',
    `${met} met, ${missed} not met${all.some((t) => t.met === undefined) ? `, ${all.filter((t) => t.met === undefined).length} not measured` : ''}.`,
    '',
    table(['benchmark', 'what', 'target', 'measured', 'verdict'], all.map((t) => [t.section, t.name, t.goal, t.actual, verdict(t.met)])),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.error !== undefined ? `**This benchmark failed:**\n\n\`\`\`\n${s.error.slice(0, 2000)}\n\`\`\`` : s.body, '', `<sub>${s.seconds.toFixed(0)} s; load average ${s.load.toFixed(2)} when it began</sub>`, '']),
    ...(notes !== undefined ? [notes.trim(), ''] : []),
  ].join('\n')
}

function readNotes(): string | undefined {
  try {
    return readFileSync(join(ROOT, 'bench', 'notes.md'), 'utf8')
  } catch {
    return undefined
  }
}
