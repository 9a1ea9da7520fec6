import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileFlow, coverage, formatProblem, loadFlow, loadTests, runScenario } from '@phonetree/engine'
import type { CompiledFlow, ScenarioFailure, ScenarioResult } from '@phonetree/engine'
import { expandPaths } from '../cli/files.ts'
import { isTestFile } from './files.ts'

export interface FlowTestOptions {
  /** Fail when a flow's transition coverage is below this percentage. */
  minCoverage?: number
}

/**
 * Turns every `*.test.yaml` under the given folders into vitest tests: one `describe` per
 * file, one `it` per scenario, and a coverage check per flow. Put this in any test file:
 *
 * @example
 * // flows.test.ts
 * import { flowTests } from '@phonetree/server/vitest'
 * flowTests('flows', { minCoverage: 100 })
 */
export function flowTests(paths: string | string[], options: FlowTestOptions = {}): void {
  const files = expandPaths(Array.isArray(paths) ? paths : [paths], isTestFile).filter(isTestFile)
  for (const file of files) {
    describe(file, () => {
      const loaded = loadTests(readFileSync(file, 'utf8'), file)
      if (!loaded.ok || loaded.tests === undefined) {
        it('is a valid test file', () => expect.fail(loaded.problems.map(formatProblem).join('\n')))
        return
      }
      const flowFile = join(dirname(file), `${loaded.tests.flow}.yaml`)
      let compiled: CompiledFlow | undefined
      const flow = () => {
        if (compiled === undefined) {
          const flowLoaded = loadFlow(readFileSync(flowFile, 'utf8'), flowFile)
          if (!flowLoaded.ok) expect.fail(flowLoaded.problems.map(formatProblem).join('\n'))
          compiled = compileFlow(flowLoaded)
        }
        return compiled
      }
      const results: ScenarioResult[] = []
      for (const scenario of loaded.tests.tests) {
        it(scenario.name, async () => {
          const result = await runScenario(flow(), scenario)
          results.push(result)
          if (result.failure) expect.fail(failureText(result.failure))
        })
      }
      if (options.minCoverage !== undefined) {
        const minimum = options.minCoverage
        it(`covers at least ${minimum}% of ${loaded.tests.flow}'s transitions`, () => {
          const c = coverage(flow(), results.map((r) => r.taken))
          if (c.percent < minimum) expect.fail(`${c.percent}% of transitions taken; not taken:\n${c.missed.join('\n')}`)
        })
      }
    })
  }
}

function failureText(f: ScenarioFailure): string {
  return `step ${f.step} (${f.label}): expected ${f.expected}, but ${f.actual}\nat node "${f.node}"; the caller last heard: "${f.heard.join(' ')}"`
}
