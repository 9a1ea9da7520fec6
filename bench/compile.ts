/**
 * Benchmark 3, compile: parse + validate (`loadFlow`) and compile (`compileFlow`) of generated
 * flows from 100 to 20,000 nodes, each size in a child process of its own for its peak memory,
 * and the growth exponent from a log-log fit of time against size.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { bytes, fmt, table } from './lib/format.ts'
import { ROOT, cleanEnv } from './lib/processes.ts'
import type { Mode, SectionOutput, Target } from './lib/section.ts'
import { growthExponent, median } from './lib/stats.ts'
import type { CompileSample } from './compile-child.ts'

const run$ = promisify(execFile)

interface Plan {
  sizes: number[]
  reps: (nodes: number) => number
}

const PLANS: Record<Mode, Plan> = {
  quick: { sizes: [100, 1000, 2000], reps: () => 3 },
  full: { sizes: [100, 1000, 2000, 10000, 20000], reps: (n) => (n >= 10000 ? 3 : 7) },
}

/** The targets, by size: total ms. */
const TIME_GOALS: Record<number, number> = { 2000: 300, 20000: 5000 }
/** "Near-linear": the fitted exponent of time against size. */
const MAX_EXPONENT = 1.2

export async function run(mode: Mode, log: (line: string) => void): Promise<SectionOutput> {
  const plan = PLANS[mode]
  const samples: CompileSample[] = []
  for (const nodes of plan.sizes) {
    const { stdout } = await run$(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/compile-child.ts', String(nodes), String(plan.reps(nodes))], {
      cwd: ROOT, env: cleanEnv(), timeout: 5 * 60_000, maxBuffer: 1 << 20,
    })
    const sample = JSON.parse(stdout.trim().split('\n').pop()!) as CompileSample
    samples.push(sample)
    log(`${nodes} nodes: ${fmt(median(sample.totalMs))} ms (load ${fmt(median(sample.loadMs))}, compile ${fmt(median(sample.compileMs))}), peak RSS ${fmt(sample.peakRssMiB)} MiB`)
  }
  return report(samples)
}

function report(samples: CompileSample[]): SectionOutput {
  const sizes = samples.map((s) => s.nodes)
  const total = samples.map((s) => median(s.totalMs))
  const exponent = growthExponent(sizes, total)
  const loadExponent = growthExponent(sizes, samples.map((s) => median(s.loadMs)))
  const compileExponent = growthExponent(sizes, samples.map((s) => median(s.compileMs)))
  const rows = samples.map((s, i) => [
    s.nodes.toLocaleString('en-US'), bytes(s.yamlBytes), fmt(median(s.parseMs)), fmt(median(s.loadMs) - median(s.parseMs)), fmt(median(s.hashMs)), fmt(median(s.compileMs) - median(s.hashMs)), fmt(total[i]!), fmt(median(s.cpuMs)), fmt(total[i]! / s.nodes * 1000),
    `${fmt(s.peakRssMiB)} MiB`, `${fmt(s.peakRssMiB - s.rssBeforeMiB)} MiB`, String(s.totalMs.length),
  ])
  const targets: Target[] = [
    ...samples.filter((s) => TIME_GOALS[s.nodes] !== undefined).map((s) => {
      const ms = median(s.totalMs)
      return { name: `parse + validate + compile, ${s.nodes.toLocaleString('en-US')} nodes`, goal: `< ${fmt(TIME_GOALS[s.nodes]!)} ms`, actual: `${fmt(ms)} ms`, met: ms < TIME_GOALS[s.nodes]! }
    }),
    { name: `growth exponent (${sizes[0]}–${sizes[sizes.length - 1]!.toLocaleString('en-US')} nodes)`, goal: `near-linear (≤ ${MAX_EXPONENT})`, actual: fmt(exponent), met: exponent <= MAX_EXPONENT },
  ]
  const body = [
    'Generated flows (`bench/lib/flowgen.ts`: chains of menus, says, branches and sets) as YAML text. **total** is `loadFlow(text)` (YAML parse, then validation: schema, graph, templates) followed by `compileFlow(loaded)` (content hash, then the XState machine). The parts: **parse** is `parseSource(text)` timed on its own (the generated flows are in the plain subset of YAML that `parse/quick-read.ts` reads straight to data; yaml\'s Document, with positions, is only built when a problem must be placed), **validate** the rest of `loadFlow`, **hash** `flowVersion(flow)` timed on its own, **build machine** the rest of `compileFlow`. **Total CPU** is the process\'s CPU time over the same span (all threads, so the garbage collector\'s helpers count): on a busy shared machine it is the steadier figure; the targets are judged on wall time. '
    + 'Each size runs in a fresh process: warm-up on small flows, then the listed repetitions, each with different content so the compile cache never hits; times are medians. Peak RSS is the process\'s high-water mark (`process.resourceUsage().maxRSS`) after the first repetition; the increase is over the RSS just before it (Node and the modules take the rest).',
    table(['nodes', 'YAML', 'parse ms', 'validate ms', 'hash ms', 'build machine ms', 'total ms', 'total CPU ms', 'µs per node', 'peak RSS', 'RSS increase', 'reps'], rows),
    `Growth exponent (least-squares fit of log time on log size): total ${fmt(exponent)}, loadFlow ${fmt(loadExponent)}, compileFlow ${fmt(compileExponent)}; 1 is linear, 2 quadratic.`,
  ]
  return { body: body.join('\n\n'), targets, data: { samples, exponent, loadExponent, compileExponent } }
}
