import { readFileSync } from 'node:fs'
import { formatProblem, loadFlow } from '@phonetree/engine'
import { expandPaths, isFlowFile } from './files.ts'

export interface Output {
  out: (line: string) => void
  err: (line: string) => void
}

/**
 * `phonetree validate [paths…]`: prints `file:line:col: CODE message` for every problem in
 * every flow, then a summary; returns 1 when any flow has an error.
 *
 * @example await validateCommand(['flows'], console) // 0 when every flow is valid
 */
export function validateCommand(paths: readonly string[], io: Output): number {
  const files = expandPaths(paths.length > 0 ? paths : ['flows'], isFlowFile)
  let errors = 0
  let warnings = 0
  for (const file of files) {
    const loaded = loadFlow(readFileSync(file, 'utf8'), file)
    for (const problem of loaded.problems) {
      if (problem.severity === 'error') errors++
      else warnings++
      io.out(formatProblem(problem))
    }
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const summary = `${plural(files.length, 'flow')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`
  ;(errors > 0 ? io.err : io.out)(summary)
  return errors > 0 ? 1 : 0
}
