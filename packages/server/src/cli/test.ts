import { parseArgs } from 'node:util'
import { formatProblem } from '@phonetree/engine'
import type { ScenarioFailure } from '@phonetree/engine'
import { runTestFiles } from '../flowtest/files.ts'
import type { Output } from './validate.ts'

/**
 * `phonetree test [paths…] [--min-coverage N]`: runs flow tests, prints each test and the
 * transition coverage of each flow (naming the transitions no test took), and returns 1 on any
 * failure or when a flow's coverage is below N %.
 *
 * @example await testCommand(['flows', '--min-coverage', '100'], io) // 0
 */
export async function testCommand(argv: readonly string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { 'min-coverage': { type: 'string' } } })
  const minimum = values['min-coverage'] !== undefined ? Number(values['min-coverage']) : undefined
  if (minimum !== undefined && !(minimum >= 0 && minimum <= 100)) {
    io.err(`--min-coverage takes a percentage from 0 to 100, not "${values['min-coverage']}"`)
    return 2
  }
  const run = await runTestFiles(positionals)
  for (const file of run.files) {
    io.out(`${file.file}${file.flow !== undefined ? ` (${file.flow})` : ''}`)
    for (const problem of file.problems) io.out(`  ${formatProblem(problem)}`)
    for (const result of file.results) {
      io.out(`  ${result.ok ? '✓' : '✗'} ${result.name}`)
      if (result.failure) io.out(describeFailure(result.failure))
    }
  }
  io.out('')
  io.out('Transition coverage')
  const width = Math.max(4, ...run.coverage.map((c) => c.flow.length))
  let below = 0
  for (const c of run.coverage) {
    const low = minimum !== undefined && c.percent < minimum
    if (low) below++
    io.out(`  ${c.flow.padEnd(width)}  ${`${c.covered}/${c.total}`.padStart(7)}  ${String(c.percent).padStart(3)}%${low ? `  below ${minimum}%` : ''}`)
    for (const missed of c.missed) io.out(`      not taken: ${missed}`)
  }
  io.out('')
  if (below > 0) io.err(`${below} flow${below === 1 ? '' : 's'} below the minimum coverage of ${minimum}%`)
  io.out(`Tests: ${run.passed} passed, ${run.failed} failed`)
  return run.failed > 0 || below > 0 || run.files.length === 0 ? 1 : 0
}

function describeFailure(f: ScenarioFailure): string {
  const lines = [
    `      step ${f.step} (${f.label})`,
    `        expected: ${f.expected}`,
    `        actual:   ${f.actual}`,
    `        at node "${f.node}"${f.heard.length > 0 ? `, the caller last heard: "${f.heard.join(' ')}"` : ''}`,
  ]
  return lines.join('\n')
}
