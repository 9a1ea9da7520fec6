/**
 * One size of the compile benchmark, in a fresh process so its peak memory is its own: warms
 * up on a small flow, then parses, validates and compiles a generated flow of N nodes `reps`
 * times (each with different content, so the compile cache never hits), and prints JSON.
 *
 * Usage: node --import tsx bench/compile-child.ts <nodes> <reps>
 */
import { compileFlow, flowVersion, loadFlow, parseSource } from '@phonetree/engine'
import { generateFlow } from './lib/flowgen.ts'
import { nowNs } from './lib/stats.ts'

export interface CompileSample {
  nodes: number
  yamlBytes: number
  /** Per repetition, ms: loadFlow (parse + validate), compileFlow (hash + XState machine), both. */
  loadMs: number[]
  /** The parts, timed separately after the measured run: YAML parse, and the content hash. */
  parseMs: number[]
  hashMs: number[]
  compileMs: number[]
  totalMs: number[]
  /** CPU time (user + system, all threads) of each repetition, ms: steadier than wall time on a busy machine. */
  cpuMs: number[]
  /** Resident set before the first measured compile, and its high-water mark after it (MiB). */
  rssBeforeMiB: number
  peakRssMiB: number
}

const nodes = Number(process.argv[2])
const reps = Number(process.argv[3] ?? 3)
if (!Number.isInteger(nodes) || !Number.isInteger(reps) || reps < 1) throw new Error('usage: compile-child.ts <nodes> <reps>')

// Warm-up: load modules and let the JIT see every stage (flows small enough that the
// high-water mark of memory stays below that of the measured run).
for (let i = 0; i < 8; i++) compileFlow(loadFlow(generateFlow(i < 4 ? 100 : 300, 'warm', ` warm ${i}`).yaml, 'warm.yaml'))

const texts = Array.from({ length: reps }, (_, i) => generateFlow(nodes, `gen-${nodes}`, ` rep ${i}`).yaml)
globalThis.gc?.()
const rssBefore = process.memoryUsage().rss
const sample: CompileSample = { nodes, yamlBytes: Buffer.byteLength(texts[0]!), loadMs: [], parseMs: [], hashMs: [], compileMs: [], totalMs: [], cpuMs: [], rssBeforeMiB: rssBefore / 2 ** 20, peakRssMiB: 0 }
for (const [i, text] of texts.entries()) {
  const cpu = process.cpuUsage()
  const begin = nowNs()
  const loaded = loadFlow(text, `gen-${nodes}.yaml`)
  const parsed = nowNs()
  if (!loaded.ok) throw new Error(`the generated flow of ${nodes} nodes does not load: ${loaded.problems.slice(0, 3).map((p) => p.message).join('; ')}`)
  compileFlow(loaded)
  const done = nowNs()
  const used = process.cpuUsage(cpu)
  sample.cpuMs.push((used.user + used.system) / 1000)
  sample.loadMs.push((parsed - begin) / 1e6)
  sample.compileMs.push((done - parsed) / 1e6)
  sample.totalMs.push((done - begin) / 1e6)
  // maxRSS is the process's high-water mark (KiB); read it after the first, uncached compile.
  if (i === 0) sample.peakRssMiB = process.resourceUsage().maxRSS / 1024
  // The breakdown, after the peak was read: parseSource again on its own, and the hash.
  const parseBegin = nowNs()
  parseSource(text, `gen-${nodes}.yaml`)
  const hashBegin = nowNs()
  flowVersion(loaded.flow!)
  sample.parseMs.push((hashBegin - parseBegin) / 1e6)
  sample.hashMs.push((nowNs() - hashBegin) / 1e6)
}
process.stdout.write(`${JSON.stringify(sample)}\n`)
