import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import Ajv2020 from 'ajv/dist/2020'
import type { ErrorObject } from 'ajv'
import { flowJsonSchema } from './json-schema.ts'
import { FlowSchema, NODE_TYPES } from './flow.ts'

const FLOWS_DIR = fileURLToPath(new URL('../../../../flows/', import.meta.url))
const SCHEMA_FILE = `${FLOWS_DIR}flow.schema.json`
const EXAMPLES = readdirSync(FLOWS_DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(`${FLOWS_DIR}${name}`, 'utf8') }))

const ajv = new Ajv2020({ allErrors: true, strict: false })
const validate = ajv.compile(flowJsonSchema())

/** Ajv's verdict on a flow written in YAML, with its errors. */
function check(text: string): { valid: boolean; errors: ErrorObject[] } {
  const valid = validate(parseYaml(text))
  return { valid, errors: validate.errors ?? [] }
}
const show = (errors: ErrorObject[]) => ajv.errorsText(errors, { separator: '\n' })

const minimal = (node: string) => `flow: t\nstart: a\nnodes:\n  a:\n${node}\n  b:\n    type: hangup\n`

describe('flows/flow.schema.json', () => {
  it('is what flowJsonSchema() generates', () => {
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))
    expect(committed, 'flows/flow.schema.json is stale: run `npm run schema` and commit the result').toEqual(flowJsonSchema())
  })

  it('is written the way `npm run schema` writes it (two-space JSON and a final newline)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'run `npm run schema`').toBe(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`)
  })

  it('is a draft 2020-12 schema with an id and a title', () => {
    const schema = flowJsonSchema()
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe('https://phonetree.dev/schema/flow.schema.json')
    expect(schema.title).toBe('Phonetree flow')
    expect(schema.type).toBe('object')
    expect(schema.required).toEqual(expect.arrayContaining(['flow', 'start', 'nodes']))
  })

  it('is named by every example flow for YAML editors', () => {
    for (const { name, text } of EXAMPLES) {
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=./flow.schema.json')
    }
  })
})

describe('the JSON Schema in a YAML editor (ajv)', () => {
  for (const { name, text } of EXAMPLES) {
    it(`accepts ${name}`, () => {
      const { valid, errors } = check(text)
      expect(valid, show(errors)).toBe(true)
    })
  }

  it('accepts a node that leaves out every key with a default', () => {
    const { valid, errors } = check(minimal('    type: menu\n    prompt: Press 1.\n    choices: { "1": b }\n    onFailure: b'))
    expect(valid, show(errors)).toBe(true)
  })

  it('rejects a misspelt key in a node, naming it', () => {
    const { valid, errors } = check(minimal('    type: say\n    promt: Hi.\n    prompt: Hi.\n    next: b'))
    expect(valid).toBe(false)
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: '/nodes/a', keyword: 'additionalProperties', params: { additionalProperty: 'promt' } }))
  })

  it('rejects a misspelt top-level key', () => {
    const { valid, errors } = check('flow: t\nstrat: a\nstart: a\nnodes:\n  a:\n    type: hangup\n')
    expect(valid).toBe(false)
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'strat' } }))
  })

  it('rejects a misspelt key inside a prompt part', () => {
    const { valid, errors } = check(minimal('    type: say\n    prompt:\n      - sya: Hi.\n    next: b'))
    expect(valid).toBe(false)
    expect(errors.some((e) => e.instancePath === '/nodes/a/prompt/0' && e.keyword === 'additionalProperties')).toBe(true)
  })

  it('rejects an unknown node type, offering the real ones', () => {
    const { valid, errors } = check(minimal('    type: mneu\n    prompt: Hi.'))
    expect(valid).toBe(false)
    const allowed = errors.filter((e) => e.instancePath === '/nodes/a/type' && e.keyword === 'const').map((e) => (e.params as { allowedValue: string }).allowedValue)
    expect(allowed.sort()).toEqual([...NODE_TYPES].sort())
  })

  it('rejects a value of the wrong type', () => {
    const { valid, errors } = check(minimal('    type: say\n    prompt: Hi.\n    repeat: twice\n    next: b'))
    expect(valid).toBe(false)
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: '/nodes/a/repeat', keyword: 'type', params: { type: 'integer' } }))
  })

  it('rejects a missing required key', () => {
    const { valid, errors } = check(minimal('    type: menu\n    prompt: Press 1.\n    onFailure: b'))
    expect(valid).toBe(false)
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: '/nodes/a', keyword: 'required', params: { missingProperty: 'choices' } }))
  })

  it('rejects numbers out of range, bad ids and bad enum values', () => {
    const cases: Array<[string, string, string]> = [
      [minimal('    type: http\n    url: https://x.example/\n    timeout: 30\n    next: b'), '/nodes/a/timeout', 'maximum'],
      [minimal('    type: menu\n    prompt: Hi.\n    input: voice\n    choices: { "1": b }\n    onFailure: b'), '/nodes/a/input', 'enum'],
      [minimal('    type: say\n    prompt: Hi.\n    next: "main menu"'), '/nodes/a/next', 'pattern'],
      ['flow: Bad_Id\nstart: a\nnodes:\n  a:\n    type: hangup\n', '/flow', 'pattern'],
      [minimal('    type: set\n    vars:\n      first-name: Ada\n    next: b'), '/nodes/a/vars', 'propertyNames'],
    ]
    for (const [text, instancePath, keyword] of cases) {
      const { valid, errors } = check(text)
      expect(valid, text).toBe(false)
      expect(errors.some((e) => e.instancePath.startsWith(instancePath) && e.keyword === keyword), `${text}\n${show(errors)}`).toBe(true)
    }
  })

  it('rejects a node id the validator rejects', () => {
    const { valid } = check('flow: t\nstart: a\nnodes:\n  a:\n    type: hangup\n  main menu:\n    type: hangup\n')
    expect(valid).toBe(false)
  })
})

// Ajv and zod must agree ----------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Path = Array<string | number>

function paths(value: Json, prefix: Path = []): Path[] {
  const here = [prefix]
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))]
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
  return here
}

type Edit = { kind: 'delete' } | { kind: 'replace'; value: Json } | { kind: 'rename'; key: string } | { kind: 'add'; key: string; value: Json }

/** Applies one edit at a path of a deep copy; paths that no longer exist are left alone. */
function edit(data: Json, path: Path, e: Edit): Json {
  const copy = structuredClone(data)
  if (path.length === 0) return e.kind === 'replace' ? e.value : copy
  let parent: Json = copy
  for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[segment]!
  const last = path[path.length - 1]!
  const container = parent as Record<string | number, Json>
  if (Array.isArray(parent) && typeof last === 'number') {
    if (e.kind === 'delete') parent.splice(last, 1)
    else if (e.kind === 'replace') parent[last] = e.value
    return copy
  }
  switch (e.kind) {
    case 'delete': delete container[last]; break
    case 'replace': container[last] = e.value; break
    case 'rename': { const v = container[last]!; delete container[last]; container[e.key] = v; break }
    case 'add': {
      const target = container[last]
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[e.key] = e.value
      break
    }
  }
  return copy
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, 1, -1, 2.5, 11, 61, 1000, '', 'b', 'say', 'menu', 'goodbye', '#', '1', '08:00-18:00', 'America/Chicago', '{{ vars.x }}', [], {}, ['b'], { goto: 'b' }, { say: 'Hi' }),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -5, max: 100 }),
)
const anEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.constant<Edit>({ kind: 'delete' }),
  jsonValue.map<Edit>((value) => ({ kind: 'replace', value })),
  fc.constantFrom('promt', 'type', 'next', 'nxt', 'words', 'goto', 'timeout', '2', 'x y', 'onFailure').map<Edit>((key) => ({ kind: 'rename', key })),
  fc.tuple(fc.constantFrom('promt', 'timeout', 'repeat', 'onError', 'voice', 'description', '9', 'say', 'pause'), jsonValue).map<Edit>(([key, value]) => ({ kind: 'add', key, value })),
)

describe('ajv and the zod schema', () => {
  const examples = EXAMPLES.map((e) => parseYaml(e.text) as Json)

  it('agree on random edits of the example flows (an editor shows an error exactly when the validator has a schema error)', () => {
    fc.assert(fc.property(fc.nat({ max: examples.length - 1 }), fc.array(fc.tuple(fc.nat(), anEdit), { minLength: 1, maxLength: 3 }), (which, edits) => {
      let data: Json = examples[which]!
      for (const [pick, e] of edits) {
        const all = paths(data)
        data = edit(data, all[pick % all.length]!, e)
      }
      const zod = FlowSchema.safeParse(data)
      const json = validate(data)
      // Zod's one refinement JSON Schema cannot express: exactly one operator per comparison.
      const onlyRefinement = !zod.success && zod.error.issues.every((i) => i.code === 'custom')
      if (zod.success) expect(json, `ajv rejects what zod accepts:\n${JSON.stringify(data)}\n${show(validate.errors ?? [])}`).toBe(true)
      else if (!onlyRefinement) expect(json, `ajv accepts what zod rejects:\n${JSON.stringify(data)}\n${JSON.stringify(zod.error.issues)}`).toBe(false)
    }), { numRuns: 400 })
  })

  it('the edit harness really changes flows (it is not vacuous)', () => {
    const support = examples.find((_, i) => EXAMPLES[i]!.name === 'support.yaml')!
    const broken = edit(support, ['nodes', 'welcome', 'next'], { kind: 'rename', key: 'nxt' })
    expect(FlowSchema.safeParse(broken).success).toBe(false)
    expect(validate(broken)).toBe(false)
    expect(FlowSchema.safeParse(support).success).toBe(true)
  })
})
