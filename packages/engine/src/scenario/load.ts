import { isMap } from 'yaml'
import type { FlowProblem } from '../errors.ts'
import { hasErrors } from '../errors.ts'
import { parseSource } from '../parse/parse.ts'
import type { SourceDocument } from '../parse/parse.ts'
import { schemaProblems } from '../validate/schema-problems.ts'
import { readData } from '../validate/validate.ts'
import { ExpectSchema, ScenarioSchema, TestFileSchema } from './schema.ts'
import type { TestFile } from './schema.ts'

export interface LoadedTests {
  file: string
  source: SourceDocument
  tests?: TestFile
  problems: FlowProblem[]
  ok: boolean
}

const STEP_KEYS = ['expect', 'press', 'speak', 'noInput', 'dial', 'record', 'queue', 'hangup']

/**
 * Parses a `*.test.yaml` file, reporting mistyped keys and steps with file, line and column,
 * exactly like flow files.
 *
 * @example loadTests(text, 'flows/support.test.yaml').tests?.tests[0].name
 */
export function loadTests(text: string, file: string): LoadedTests {
  const { source, problems } = parseSource(text, file)
  const done = (tests?: TestFile): LoadedTests => {
    problems.sort((a, b) => a.line - b.line || a.col - b.col)
    return { file, source, ...(tests ? { tests } : {}), problems, ok: tests !== undefined && !hasErrors(problems) }
  }
  if (hasErrors(problems)) return done()
  if (!isMap(source.doc.contents)) {
    problems.push({ code: 'NOT_A_MAPPING', message: 'a test file is a mapping with flow and tests', file, line: 1, col: 1, severity: 'error' })
    return done()
  }
  const read = readData(source)
  if ('problem' in read) {
    problems.push(read.problem)
    return done()
  }
  const { data } = read
  const parsed = TestFileSchema.safeParse(data)
  if (!parsed.success) {
    problems.push(...schemaProblems(source, parsed.error.issues, data, testKeysAt))
    return done()
  }
  return done(parsed.data)
}

/** Keys allowed at a path of a test file, for "did you mean" hints on typos. */
function testKeysAt(path: readonly (string | number)[]): readonly string[] {
  if (path.length === 0) return Object.keys(TestFileSchema.shape)
  if (path.length === 2 && path[0] === 'tests') return Object.keys(ScenarioSchema.shape)
  if (path.length === 4 && path[2] === 'steps') return STEP_KEYS
  if (path.length === 5 && path[2] === 'steps' && path[4] === 'expect') return Object.keys(ExpectSchema.shape)
  return []
}
