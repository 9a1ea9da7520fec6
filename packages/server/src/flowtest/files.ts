import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { compileFlow, coverage, loadFlow, loadTests, runScenario } from '@phonetree/engine'
import type { CompiledFlow, Coverage, FlowProblem, ScenarioResult } from '@phonetree/engine'
import { expandPaths, isFlowFile } from '../cli/files.ts'

/** One test file's outcome. */
export interface TestFileRun {
  file: string
  flow?: string
  /** Problems in the test file or its flow; any error fails the file. */
  problems: FlowProblem[]
  results: ScenarioResult[]
}

export interface TestRun {
  files: TestFileRun[]
  /** Per flow: the transitions its tests took. Flows found without tests have 0 %. */
  coverage: Coverage[]
  passed: number
  failed: number
}

export const isTestFile = (name: string): boolean => /\.test\.ya?ml$/.test(name)

/**
 * Runs every `*.test.yaml` under the given paths against `<flow>.yaml` beside it, and measures
 * transition coverage per flow. Flow files found in folders without any test count as 0 %.
 *
 * @example const run = await runTestFiles(['flows']); run.failed // 0
 */
export async function runTestFiles(paths: readonly string[]): Promise<TestRun> {
  const inputs = paths.length > 0 ? paths : ['flows']
  const testFiles = expandPaths(inputs, isTestFile).filter(isTestFile)
  const flowFiles = expandPaths(inputs, isFlowFile).filter(isFlowFile)
  const files: TestFileRun[] = []
  const taken = new Map<string, { compiled: CompiledFlow; runs: ScenarioResult['taken'][] }>()
  for (const file of testFiles) {
    const run = await runTestFile(file)
    files.push(run.file)
    if (run.compiled !== undefined) {
      const entry = taken.get(run.compiled.flow.flow) ?? { compiled: run.compiled, runs: [] }
      entry.runs.push(...run.file.results.map((r) => r.taken))
      taken.set(run.compiled.flow.flow, entry)
    }
  }
  for (const file of flowFiles) {
    const loaded = loadFlow(readFileSync(file, 'utf8'), file)
    if (loaded.ok && !taken.has(loaded.flow!.flow)) taken.set(loaded.flow!.flow, { compiled: compileFlow(loaded), runs: [] })
  }
  const failed = files.reduce((n, f) => n + f.results.filter((r) => !r.ok).length + (f.problems.some((p) => p.severity === 'error') ? 1 : 0), 0)
  const passed = files.reduce((n, f) => n + f.results.filter((r) => r.ok).length, 0)
  const cover = [...taken.values()].map(({ compiled, runs }) => coverage(compiled, runs)).sort((a, b) => a.flow.localeCompare(b.flow))
  return { files, coverage: cover, passed, failed }
}

/**
 * Runs one test file. The flow is `<flow>.yaml` in the same folder.
 *
 * @example (await runTestFile('flows/verify.test.yaml')).file.results.every((r) => r.ok)
 */
export async function runTestFile(file: string): Promise<{ file: TestFileRun; compiled?: CompiledFlow }> {
  const loaded = loadTests(readFileSync(file, 'utf8'), file)
  if (!loaded.ok || loaded.tests === undefined) return { file: { file, problems: loaded.problems, results: [] } }
  const flowFile = join(dirname(file), `${loaded.tests.flow}.yaml`)
  if (!existsSync(flowFile)) {
    return { file: { file, flow: loaded.tests.flow, problems: [...loaded.problems, { code: 'UNKNOWN_TARGET', message: `no flow file ${flowFile} for flow "${loaded.tests.flow}"`, file, line: 1, col: 1, severity: 'error' }], results: [] } }
  }
  const flow = loadFlow(readFileSync(flowFile, 'utf8'), flowFile)
  if (!flow.ok) return { file: { file, flow: loaded.tests.flow, problems: [...loaded.problems, ...flow.problems], results: [] } }
  const compiled = compileFlow(flow)
  const results: ScenarioResult[] = []
  for (const scenario of loaded.tests.tests) results.push(await runScenario(compiled, scenario))
  return { file: { file, flow: compiled.flow.flow, problems: loaded.problems, results }, compiled }
}
