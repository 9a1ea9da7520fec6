import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runTestFiles } from './files.ts'
import { main } from '../cli/main.ts'

const FLOWS = new URL('../../../../flows', import.meta.url).pathname
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function copy(...ids: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'phonetree-flowtest-'))
  dirs.push(dir)
  for (const id of ids) for (const suffix of ['.yaml', '.test.yaml']) copyFileSync(join(FLOWS, id + suffix), join(dir, id + suffix))
  return dir
}

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }
}

describe('phonetree test', () => {
  it('passes the example flows at 100 % transition coverage', async () => {
    const run = capture()
    expect(await main(['test', FLOWS, '--min-coverage', '100'], run.io)).toBe(0)
    expect(run.out.at(-1)).toMatch(/^Tests: \d+ passed, 0 failed$/)
    expect(run.out.filter((l) => /^\s+\S+\s+\d+\/\d+\s+100%$/.test(l))).toHaveLength(5)
  })

  it('fails a deliberately broken flow, naming the step, the expected node and the actual node', async () => {
    const dir = copy('support')
    const file = join(dir, 'support.yaml')
    // Choice 1 now leads to the operator instead of sales.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"1": sales', '"1": operator'))
    const run = capture()
    expect(await main(['test', dir], run.io)).toBe(1)
    const text = run.out.join('\n')
    expect(text).toContain('✗ a caller reaches sales during office hours')
    expect(text).toContain('step 4 (expect node)')
    expect(text).toContain('expected: node "sales"')
    expect(text).toContain('actual:   the call is at "operator"')
    expect(text).toContain('the caller last heard: "Please hold for an operator."')
    expect(run.out.at(-1)).toMatch(/^Tests: \d+ passed, [1-9]\d* failed$/)
    // The transition the tests relied on is now never taken.
    expect(text).toContain('not taken: sales --next--> goodbye')
  })

  it('reports a mistyped key or step with file, line and column', async () => {
    const dir = copy('verify')
    writeFileSync(join(dir, 'verify.test.yaml'), 'flow: verify\ntests:\n  - name: typo\n    steps:\n      - pres: "1"\n      - expect: { nod: read-code }\n')
    const run = await runTestFiles([dir])
    expect(run.failed).toBe(1)
    expect(run.files[0]!.problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.message}`)).toEqual([
      '5:9 UNKNOWN_KEY unknown key "pres" (did you mean "press"?); expected one of: expect, press, speak, noInput, dial, record, queue, hangup',
      '6:19 UNKNOWN_KEY unknown key "nod" (did you mean "node"?)',
    ])
  })

  it('fails below --min-coverage and names the transitions no test took', async () => {
    const dir = copy('verify')
    writeFileSync(join(dir, 'verify.test.yaml'), 'flow: verify\ntests:\n  - name: only silence\n    steps:\n      - noInput: true\n      - expect: { hangup: true }\n')
    const run = capture()
    expect(await main(['test', dir, '--min-coverage', '90'], run.io)).toBe(1)
    expect(run.out).toContain('      not taken: read-code --choice:1--> read-code')
    expect(run.err).toContain('1 flow below the minimum coverage of 90%')
  })

  it('counts a flow without any test file as 0 % covered', async () => {
    const dir = copy('verify')
    copyFileSync(join(FLOWS, 'secretary.yaml'), join(dir, 'secretary.yaml'))
    const run = await runTestFiles([dir])
    expect(run.coverage.find((c) => c.flow === 'secretary')).toMatchObject({ covered: 0, percent: 0 })
  })

  it('says which http node needs a mock', async () => {
    const dir = copy('fan-voicemail')
    writeFileSync(join(dir, 'fan-voicemail.test.yaml'), 'flow: fan-voicemail\ntests:\n  - name: no mock\n    steps:\n      - press: "2"\n')
    const run = await runTestFiles([dir])
    expect(run.files[0]!.results[0]!.failure).toMatchObject({ step: 1, label: 'press "2"', expected: 'a mock for http node "tour-dates" (GET https://api.nightowls.example/shows?limit=3) in mocks.http.tour-dates' })
  })
})
