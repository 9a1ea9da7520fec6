import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkParsed } from '../validate/validate.ts'
import { mutate, mutation } from '../validate/text-mutations.ts'
import { parseSource, parseWithYaml } from './parse.ts'
import { quickRead } from './quick-read.ts'

const FILE = 'flows/t.yaml'
const FLOWS_DIR = fileURLToPath(new URL('../../../../flows/', import.meta.url))
/** Every example flow and flow test file. */
const EXAMPLES = readdirSync(FLOWS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(`${FLOWS_DIR}${name}`, 'utf8') }))

/**
 * The reader's promise: when it reads a text, yaml reads the same data from it and neither yaml
 * nor parseSource's own checks find a problem. Returns whether the text was read.
 */
function agreesWithYaml(text: string): boolean {
  const quick = quickRead(text)
  if (quick === undefined) return false
  const { source, problems } = parseWithYaml(text, FILE)
  expect(problems, text).toEqual([])
  expect(quick.data, text).toStrictEqual(source.doc.toJS({ maxAliasCount: -1 }))
  return true
}

/** loadFlow's result, with the Document made on demand and made up front: the same problems at the same places. */
function sameLoad(text: string, file = FILE): void {
  const lazy = checkParsed(parseSource(text, file))
  const eager = checkParsed(parseWithYaml(text, file))
  expect(lazy.problems, text).toStrictEqual(eager.problems)
  expect(lazy.flow, text).toStrictEqual(eager.flow)
  expect(lazy.ok).toBe(eager.ok)
}

describe('quickRead', () => {
  it.each([
    ['mappings, lists and comments', '# a flow\nflow: t   # id\nnodes:\n  a:\n    type: say\n\n    # the words\n    prompt:\n      - say: Hi\n        voice: alice\n      - pause: 1\n',
      { flow: 't', nodes: { a: { type: 'say', prompt: [{ say: 'Hi', voice: 'alice' }, { pause: 1 }] } } }],
    ['a list at its key\'s indentation', 'a:\n- x: 1\n  y:\n  - 2\nb: 3\n', { a: [{ x: 1, y: [2] }], b: 3 }],
    ['empty values and items', 'a:\nb:   \nc:\n  - \n  -\n  - d\ne: # nothing\n', { a: null, b: null, c: [null, null, 'd'], e: null }],
    ['quoted text', `a: "x # y: z"\nb: 'it''s'\n"c d": ''\n'#': "{{ vars.x }}"\n`, { a: 'x # y: z', b: "it's", 'c d': '', '#': '{{ vars.x }}' }],
    ['plain text with punctuation', 'a: b#c, {d} [e] f:g\nb: -x\nc: Hello {{ vars.name }}, press 1.\ne: it\'s "fine"\n',
      { a: 'b#c, {d} [e] f:g', b: '-x', c: 'Hello {{ vars.name }}, press 1.', e: 'it\'s "fine"' }],
    ['flow collections', 'a: { b: c, d: [1, "2", e f, { g: [] }], h: {} }\nb: [ x , \'y\' ]\n', { a: { b: 'c', d: [1, '2', 'e f', { g: [] }], h: {} }, b: ['x', 'y'] }],
    ['scalars of the core schema', 'a: ~\nb: null\nc: True\nd: FALSE\ne: -12\nf: 0o17\ng: 0x1F\nh: 1.50\ni: .inf\nj: -.Inf\nk: 1e3\nl: .5\nm: yes\nn: 1.2.3\no: "1"\n',
      { a: null, b: null, c: true, d: false, e: -12, f: 15, g: 31, h: 1.5, i: Infinity, j: -Infinity, k: 1000, l: 0.5, m: 'yes', n: '1.2.3', o: '1' }],
    ['keys that are numbers written plainly', 'choices:\n  1: a\n  "2": b\n  \'*\': c\n  "#": d\n', { choices: { 1: 'a', 2: 'b', '*': 'c', '#': 'd' } }],
    ['compact mappings in lists', 'cases:\n  -   when: { var: x, equals: "3" }\n      goto: v\n  - when: y\n    goto: w\n', { cases: [{ when: { var: 'x', equals: '3' }, goto: 'v' }, { when: 'y', goto: 'w' }] }],
    ['comments at any indentation', 'a:\n  b: 1\n# c\n      # d\n  c: 2\n', { a: { b: 1, c: 2 } }],
    ['no final line break', 'a: 1', { a: 1 }],
  ])('reads %s as yaml does', (_name, text, data) => {
    expect(quickRead(text)?.data).toStrictEqual(data)
    expect(agreesWithYaml(text)).toBe(true)
  })

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['plain text over several lines', 'a: one\n  two\n'],
    ['a scalar under its key', 'a:\n  text\n'],
    ['quoted text over several lines', 'a: "one\n  two"\n'],
    ['escapes', 'a: "\\u00e9"\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['carriage returns', 'a: 1\r\nb: 2\r\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['documents', '---\na: 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['keys that read the same', 'c:\n  1: a\n  "1": b\n'],
    ['a repeated key in braces', 'a: { b: 1, b: 2 }\n'],
    ['keys that are numbers written otherwise', 'c:\n  01: a\n'],
    ['keys that are null or booleans', 'true: 1\n'],
    ['__proto__', 'a:\n  __proto__: 1\n'],
    ['explicit keys', '? a\n: 1\n'],
    ['mappings as keys', '{ a: 1 }: 2\n'],
    ['a nested mapping on a value\'s line', 'a: b: c\n'],
    ['text after quotes', 'a: "b" c\n'],
    ['a comment right after quotes', 'a: "b"#c\n'],
    ['a key with a space before its colon', 'a : 1\n'],
    ['a line indented more than its mapping', 'a: 1\n  b: 2\n'],
    ['a line indented between levels', 'a:\n    b: 1\n  c: 2\n'],
    ['a list item among keys', 'a: 1\n- b\n'],
    ['a root that is not a mapping', '- a\n'],
    ['an indented root', '  a: 1\n'],
    ['an empty file', '# nothing\n'],
    ['braces over several lines', 'a: { b: 1,\n  c: 2 }\n'],
    ['a comment inside brackets', 'a: [1, # one\n  2]\n'],
    ['a trailing comma', 'a: [1, 2, ]\n'],
    ['a mapping inside brackets', 'a: [b: c]\n'],
    ['a key without a value in braces', 'a: { b }\n'],
    ['braces written as a template', 'a: {{ vars.x }}\n'],
    ['a value starting with an indicator', 'a: @x\n'],
    ['a very long key', `${'k'.repeat(1_100)}: 1\n`],
    ['very deep nesting', `a: ${'['.repeat(500)}${']'.repeat(500)}\n`],
  ])('leaves %s to yaml', (_name, text) => {
    expect(quickRead(text)).toBeUndefined()
  })

  it('reads every example flow and flow test as yaml does', () => {
    expect(EXAMPLES.length).toBeGreaterThan(5)
    for (const { name, text } of EXAMPLES) expect(agreesWithYaml(text), name).toBe(true)
  })

  it('reads only what yaml reads the same way, for random edits of the examples', () => {
    let read = 0
    const runs = 1_500
    fc.assert(fc.property(fc.constantFrom(...EXAMPLES.map((e) => e.text)), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
      if (agreesWithYaml(mutate(text, mutations))) read++
    }), { numRuns: runs })
    // Not vacuous: many edits (of text, or harmless ones) stay inside the subset.
    expect(read).toBeGreaterThan(runs / 5)
  })

  it('reads only what yaml reads the same way, for text made of YAML fragments', () => {
    const fragment = fc.constantFrom('a: 1\n', 'b: x y\n', 'c:\n', '  d: 2\n', '  - e\n', '- f: 3\n', '  ', '    ', '- ', ': ', '{ g: h }', '[i, "j"]', '"k"', "'l'", '# m\n',
      '\n', '1', 'n', '~', '#', ',', '{', '}', '[', ']', '"', "'", ':', '-', '0x1', '1.0', '&a ', '*a', 'o: p: q\n')
    let read = 0
    const runs = 1_500
    fc.assert(fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
      if (agreesWithYaml(parts.join(''))) read++
    }), { numRuns: runs })
    // Most such texts are not YAML at all; some are, and are read.
    expect(read).toBeGreaterThan(runs / 100)
  })
})

describe('problems of a file read without the Document', () => {
  const support = EXAMPLES.find((e) => e.name === 'support.yaml')!.text

  it.each([
    ['an unknown target', (t: string) => t.replace(/next: \S+/, 'next: nowhere')],
    ['an unknown key', (t: string) => t.replace(/\n(\s+)type: menu/, '\n$1type: menu\n$1colour: red')],
    ['a wrong type', (t: string) => t.replace(/type: menu/, 'type: menus')],
    ['a template that does not parse', (t: string) => t.replace(/prompt: (\w+)/, 'prompt: $1 {{ vars.x')],
    ['a flow id that differs from the file name', (t: string) => t.replace(/^flow: \S+/m, 'flow: other')],
  ])('are the same as with the Document made first: %s', (_name, edit) => {
    const text = edit(support)
    expect(text).not.toBe(support)
    expect(quickRead(text)).toBeDefined()
    sameLoad(text, 'flows/support.yaml')
    expect(checkParsed(parseSource(text, 'flows/support.yaml')).problems.length).toBeGreaterThan(0)
  })

  it('are the same for random edits of the examples', () => {
    fc.assert(fc.property(fc.constantFrom(...EXAMPLES.filter((e) => !e.name.endsWith('.test.yaml'))), fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ name, text }, mutations) => {
      sameLoad(mutate(text, mutations), `flows/${name}`)
    }), { numRuns: 300 })
  })

  it('build the Document only when asked', () => {
    const { source } = parseSource(support, 'flows/support.yaml')
    expect(source.data).toBeDefined()
    expect(source.doc.toJS()).toStrictEqual(source.data)
  })
})
