import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { convertStudioFlow, readStudioFlow, studioFlowYaml } from '../../packages/engine/src/studio/index.ts'

// Flows get completion and errors in editors through the YAML language server: each flow's
// first line names the schema, or VS Code's yaml.schemas setting maps the files to it.

const root = fileURLToPath(new URL('../../', import.meta.url))
const flowsDir = join(root, 'flows')
const flowFiles = readdirSync(flowsDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')).sort()
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/

describe('the schema line of the example flows', () => {
  it('is the first line of every example flow, and names a schema file that exists beside it', () => {
    expect(flowFiles.length).toBeGreaterThan(0)
    for (const name of flowFiles) {
      const first = readFileSync(join(flowsDir, name), 'utf8').split('\n')[0]!
      expect(first, name).toBe('# yaml-language-server: $schema=./flow.schema.json')
      const target = resolve(dirname(join(flowsDir, name)), MODELINE.exec(first)![1]!)
      expect(existsSync(target), target).toBe(true)
      expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' })
    }
  })

  it('is not in the flow tests, which have their own format', () => {
    for (const name of readdirSync(flowsDir).filter((f) => f.endsWith('.test.yaml'))) {
      expect(readFileSync(join(flowsDir, name), 'utf8'), name).not.toMatch(/yaml-language-server/)
    }
  })

  it('is what an imported Studio flow starts with, and the editor finds no errors in it', () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(flowsDir, 'flow.schema.json'), 'utf8')))
    const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
    for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.json'))) {
      const read = readStudioFlow(JSON.parse(readFileSync(join(fixtures, name), 'utf8')))
      if (!read.ok) throw new Error(read.reason)
      const text = studioFlowYaml(convertStudioFlow(read.source), { schema: './flow.schema.json' })
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./flow.schema.json')
      expect(validate(parseYaml(text)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
  })
})

describe('the VS Code setting in docs/editors.md', () => {
  const doc = readFileSync(join(root, 'docs/editors.md'), 'utf8')
  const block = /```jsonc\n([\s\S]*?)```/.exec(doc)?.[1]
  const settings = JSON.parse(block ?? '{}') as { 'yaml.schemas'?: Record<string, string[]> }

  // The YAML language server's matching: each pattern also matches under any folder, `!`
  // excludes, and the last pattern that matches decides.
  const globRegex = (glob: string) => new RegExp(`(^|/)${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}$`)
  const matches = (patterns: string[], file: string) => patterns.reduce((match, p) => (globRegex(p.replace(/^!/, '')).test(file) ? !p.startsWith('!') : match), false)

  it('maps the flows to the schema file, which exists relative to the workspace', () => {
    const entries = Object.entries(settings['yaml.schemas'] ?? {})
    expect(entries).toHaveLength(1)
    const [schema, patterns] = entries[0]!
    expect(existsSync(join(root, schema))).toBe(true)
    for (const name of flowFiles) expect(matches(patterns, `flows/${name}`), name).toBe(true)
  })

  it('leaves the flow tests and other YAML out', () => {
    const patterns = Object.values(settings['yaml.schemas'] ?? {})[0] ?? []
    expect(matches(patterns, 'flows/support.test.yaml')).toBe(false)
    expect(matches(patterns, '.github/workflows/ci.yaml')).toBe(false)
  })
})
