import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadFlow } from '@phonetree/engine'
import { importCommand } from './import.ts'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }
}

const fixtures = new URL('../../../../test/studio/fixtures/', import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'phonetree-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('phonetree import studio', () => {
  it('writes <id>.yaml and <id>.layout.json into the current directory and prints the warnings', async () => {
    const cwd = join(dir, 'here')
    mkdirSync(cwd)
    copyFileSync(new URL('unsupported.json', fixtures), join(cwd, 'clinic.json'))
    const run = io()
    expect(await importCommand(['studio', 'clinic.json'], run.io, cwd)).toBe(0)
    expect(run.err).toEqual([])
    expect(run.out[0]).toBe('wrote clinic-line-needs-work.yaml and clinic-line-needs-work.layout.json: 7 nodes from 6 Studio widgets')
    expect(run.out[1]).toBe('7 warnings (see docs/migrating-from-studio.md):')
    expect(run.out[2]).toBe('  Trigger (trigger): its incomingMessage transition (to "send_sms_receipt") is not converted: Phonetree flows answer calls')
    expect(run.out.some((l) => /^ {2}function_lookup \(run-function\): not converted/.test(l))).toBe(true)
    // The validator's warnings follow, located in the written file.
    expect(run.out.some((l) => l.startsWith('clinic-line-needs-work.yaml:') && l.includes('UNREACHABLE_NODE'))).toBe(true)
    const text = readFileSync(join(cwd, 'clinic-line-needs-work.yaml'), 'utf8')
    expect(loadFlow(text, 'clinic-line-needs-work.yaml').ok).toBe(true)
    expect(JSON.parse(readFileSync(join(cwd, 'clinic-line-needs-work.layout.json'), 'utf8'))).toMatchObject({ nodes: { check_time: { x: 0, y: 200 } } })
  })

  it('--out writes elsewhere (creating the folder), --id names the flow, and the schema line appears beside a schema', async () => {
    const out = join(dir, 'flows')
    mkdirSync(out)
    writeFileSync(join(out, 'flow.schema.json'), '{}')
    const run = io()
    expect(await importCommand(['studio', new URL('ivr-tutorial.json', fixtures).pathname, '--out', out, '--id', 'main-ivr'], run.io, dir)).toBe(0)
    expect(run.out[0]).toBe('wrote flows/main-ivr.yaml and flows/main-ivr.layout.json: 5 nodes from 7 Studio widgets')
    const text = readFileSync(join(out, 'main-ivr.yaml'), 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./flow.schema.json')
    expect(text).toContain('\nflow: main-ivr\n')
    const nested = io()
    expect(await importCommand(['studio', new URL('sales-busy.json', fixtures).pathname, '--out', join(dir, 'new/deeper')], nested.io, dir)).toBe(0)
    expect(existsSync(join(dir, 'new/deeper/sales-line-with-voicemail.layout.json'))).toBe(true)
    expect(nested.out).toContain('every widget was converted')
    expect(readFileSync(join(dir, 'new/deeper/sales-line-with-voicemail.yaml'), 'utf8')).not.toContain('yaml-language-server')
  })

  it('says "replaced" when the flow file was already there', async () => {
    const cwd = join(dir, 'twice')
    mkdirSync(cwd)
    const file = new URL('retry-counter.json', fixtures).pathname
    expect(await importCommand(['studio', file], io().io, cwd)).toBe(0)
    const again = io()
    expect(await importCommand(['studio', file], again.io, cwd)).toBe(0)
    expect(again.out[0]).toMatch(/^replaced survey-with-retries\.yaml and/)
  })

  it('exits 1 for a file that is not a Studio flow, and 2 for bad usage', async () => {
    writeFileSync(join(dir, 'not-json.json'), '{ nope')
    writeFileSync(join(dir, 'flow.json'), JSON.stringify({ flow: 'x', nodes: {} }))
    const notJson = io()
    expect(await importCommand(['studio', 'not-json.json'], notJson.io, dir)).toBe(1)
    expect(notJson.err[0]).toMatch(/^not-json\.json is not a Studio flow: it is not JSON/)
    const other = io()
    expect(await importCommand(['studio', 'flow.json'], other.io, dir)).toBe(1)
    expect(other.err[0]).toMatch(/^flow\.json is not a Studio flow: not a Studio flow definition/)
    const missing = io()
    expect(await importCommand(['studio', 'nowhere.json'], missing.io, dir)).toBe(1)
    expect(await importCommand(['studio'], io().io, dir)).toBe(2)
    expect(await importCommand(['voiceflow', 'x.json'], io().io, dir)).toBe(2)
    expect(await importCommand(['studio', 'flow.json', '--id', 'Bad Id'], io().io, dir)).toBe(2)
    expect(await importCommand(['studio', 'flow.json', '--nope'], io().io, dir)).toBe(2)
  })
})
