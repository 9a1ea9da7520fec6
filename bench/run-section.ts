/**
 * Runs one benchmark section in this (fresh) process and writes its result as JSON.
 *
 * Usage: node --import tsx bench/run-section.ts <section id> <quick|full> <result.json>
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { SECTIONS } from './lib/section.ts'
import type { Mode, SectionModule, SectionResult } from './lib/section.ts'

const [id, mode, out] = process.argv.slice(2)
const section = SECTIONS.find((s) => s.id === id)
if (section === undefined || (mode !== 'quick' && mode !== 'full') || out === undefined) {
  throw new Error(`usage: run-section.ts <${SECTIONS.map((s) => s.id).join('|')}> <quick|full> <result.json>`)
}
const started = performance.now()
const load = loadavg()[0]!
const log = (line: string) => process.stderr.write(`  [${id}] ${line}\n`)
let result: SectionResult
try {
  const module = (await import(section.module)) as SectionModule
  const output = await module.run(mode as Mode, log)
  result = { id: section.id, title: section.title, seconds: (performance.now() - started) / 1000, load, ...output }
} catch (error) {
  const message = error instanceof Error ? error.stack ?? error.message : String(error)
  log(`failed: ${message}`)
  result = { id: section.id, title: section.title, seconds: (performance.now() - started) / 1000, load, body: '', targets: [], data: null, error: message }
}
writeFileSync(out, JSON.stringify(result))
// Open handles (a Redis client, an agent) must not keep a finished section alive.
process.exit(0)
