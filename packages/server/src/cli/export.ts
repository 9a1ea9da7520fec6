import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { flowToDot, flowToMermaid, formatProblem, loadFlow } from '@phonetree/engine'
import type { Output } from './validate.ts'

export const EXPORT_USAGE = 'usage: phonetree export [--format mermaid|dot] FLOW.yaml'

const FORMATS = { mermaid: flowToMermaid, dot: flowToDot } as const

/**
 * `phonetree export --format mermaid|dot FLOW`: prints a diagram of a valid flow to standard
 * output (Mermaid by default). A flow with errors is not drawn: its problems are printed, as
 * `phonetree validate` would, and the exit code is 1.
 *
 * @example await exportCommand(['--format', 'mermaid', 'flows/support.yaml'], io) // 0, and io.out('flowchart TD\n…')
 */
export async function exportCommand(argv: readonly string[], io: Output): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${EXPORT_USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const format = values.format ?? 'mermaid'
  if (!(format in FORMATS) || positionals.length !== 1) {
    io.err(format in FORMATS ? EXPORT_USAGE : `unknown format "${format}": use mermaid or dot\n${EXPORT_USAGE}`)
    return 2
  }
  const file = positionals[0]!
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    io.err(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
  const loaded = loadFlow(text, file)
  if (!loaded.ok || loaded.flow === undefined) {
    for (const problem of loaded.problems) io.err(formatProblem(problem))
    io.err(`${file} has errors; fix them (phonetree validate ${file}) to draw it`)
    return 1
  }
  io.out(FORMATS[format as keyof typeof FORMATS](loaded.flow).trimEnd())
  return 0
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: { format: { type: 'string', short: 'f' } } })
}
