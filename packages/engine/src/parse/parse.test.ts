import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { findPair, locate, locateInText, nodeAt, parseSource } from './parse.ts'
import type { DocPath, SourceDocument } from './parse.ts'

const parse = (text: string): SourceDocument => parseSource(text, 'flows/t.yaml').source
/** "line:col" of a path, so expectations read like an editor's status bar. */
const at = (source: SourceDocument, path: DocPath, prefer?: 'key' | 'value'): string => {
  const { line, col } = locate(source, path, prefer)
  return `${line}:${col}`
}

// Columns are easy to count here: every line starts at column 1 and keys are one level deep.
const FLOW = [
  'flow: t', //                                   1
  'start: welcome', //                            2
  'nodes:', //                                    3
  '  welcome:', //                                4
  '    type: menu', //                            5
  '    prompt:', //                               6
  '      - say: Hello', //                        7
  '      - pause: 1', //                          8
  '    choices:', //                              9
  '      1: sales', //                            10
  '      "2": support', //                        11
  "      '*': welcome", //                        12
  '      "#": { goto: sales, words: [buy] }', //  13
  '  sales: { type: say, next: bye }', //         14
  '  bye:', //                                    15
  '    type: hangup', //                          16
  '',
].join('\n')

describe('parseSource', () => {
  it('parses well-formed YAML without problems and keeps the text', () => {
    const { source, problems } = parseSource(FLOW, 'flows/t.yaml')
    expect(problems).toEqual([])
    expect(source.text).toBe(FLOW)
    expect(source.file).toBe('flows/t.yaml')
    expect(source.doc.toJS()).toMatchObject({ flow: 't', nodes: { sales: { type: 'say', next: 'bye' } } })
  })

  it('reports syntax errors with their position, file and YAML error name', () => {
    const { problems } = parseSource('a: 1\nb: c: d\n', 'x.yaml')
    expect(problems.length).toBeGreaterThan(0)
    expect(problems[0]).toMatchObject({ code: 'YAML_SYNTAX', severity: 'error', file: 'x.yaml', line: 2, col: 4 })
    expect(problems[0]!.message).toMatch(/\([A-Z_]+\)$/)
    expect(problems[0]!.message).not.toMatch(/at line \d+, column \d+/)
  })

  it('reports a tab used for indentation at its line', () => {
    const { problems } = parseSource('a:\n\tb: 1\n', 'x.yaml')
    expect(problems[0]).toMatchObject({ code: 'YAML_SYNTAX', severity: 'error', line: 2, col: 1 })
    expect(problems[0]!.message).toContain('TAB_AS_INDENT')
  })

  it('reports a repeated key at the repetition as YAML_DUPLICATE_KEY', () => {
    const { problems } = parseSource('a: 1\nb: 2\na: 3\n', 'x.yaml')
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_DUPLICATE_KEY', severity: 'error', line: 3, col: 1, message: 'key "a" is given twice (first on line 1)' })])
  })

  it('finds repeated keys at any depth, in block and flow mappings, comparing values as YAML does', () => {
    const { problems } = parseSource('a:\n  b: { c: 1, c: 2 }\n  d: 1\n  d: 2\n01: x\n1: y\n', 'x.yaml')
    expect(problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual(['2:14 YAML_DUPLICATE_KEY', '4:3 YAML_DUPLICATE_KEY', '6:1 YAML_DUPLICATE_KEY'])
  })

  it('sees 1 and "1" as different keys (the validator checks menu keys itself)', () => {
    expect(parseSource('1: a\n"1": b\n', 'x.yaml').problems).toEqual([])
  })

  it('reports a second document, at its marker', () => {
    const { source, problems } = parseSource('a: 1\n---\nb: 2\n', 'x.yaml')
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_SYNTAX', severity: 'error', line: 2, col: 1 })])
    // The first document is still there to point into.
    expect(at(source, ['a'])).toBe('1:4')
  })

  it('reports a second document in words, without yaml\'s API advice', () => {
    const { problems } = parseSource('a: 1\n---\nb: 2\n', 'x.test.yaml')
    expect(problems[0]!.message).toMatch(/^a test file holds one YAML document: remove the `---` line/)
  })

  it('reports an unclosed quote where it opens', () => {
    const { problems } = parseSource('a: 1\nb: "two\nc: 3\n', 'x.yaml')
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_SYNTAX', line: 2, col: 4, message: expect.stringContaining('never closed') })])
  })

  it('counts lines itself, so a problem inside a broken plain scalar stays on its line', () => {
    const { problems } = parseSource('a\n#\nb: c\n  d:', 'x.yaml')
    expect(problems.map((p) => `${p.line}:${p.col}`)).toContain('4:4')
    const lines = 'a\n#\nb: c\n  d:'.split('\n')
    for (const p of problems) expect(p.col).toBeLessThanOrEqual(lines[p.line - 1]!.length + 1)
  })

  it('reports aliases that name no anchor, or the value they are in', () => {
    const { problems } = parseSource('a: *nothing\nb: &b [1, *b]\n', 'x.yaml')
    expect(problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual(['1:4 YAML_SYNTAX', '2:11 YAML_SYNTAX'])
    expect(problems[0]!.message).toContain('*nothing')
  })

  it('reports keys that are lists, mappings or aliases', () => {
    const { problems } = parseSource('? [a]\n: 1\n? { b: c }\n: 2\nd: &d x\n*d : 3\n', 'x.yaml')
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '1:3 a key must be text, not a list',
      '3:3 a key must be text, not a mapping',
      '6:1 a key must be text, not an alias (write the key itself)',
    ])
  })

  it('reports very deep nesting as a problem instead of throwing', () => {
    const deep = `a: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`
    const { problems } = parseSource(deep, 'x.yaml')
    expect(problems.some((p) => p.severity === 'error')).toBe(true)
  })

  it('never throws, and points every problem at a line of the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const { problems } = parseSource(text, 'x.yaml')
      for (const p of problems) {
        expect(p.line).toBeGreaterThanOrEqual(1)
        expect(p.col).toBeGreaterThanOrEqual(1)
        expect(p.line).toBeLessThanOrEqual(text.split('\n').length)
      }
    }), { numRuns: 300 })
  })
})

describe('locate', () => {
  const source = parse(FLOW)

  it('points at a value by default and at the key when asked', () => {
    expect(at(source, ['start'])).toBe('2:8')
    expect(at(source, ['start'], 'value')).toBe('2:8')
    expect(at(source, ['start'], 'key')).toBe('2:1')
    expect(at(source, ['nodes', 'bye', 'type'])).toBe('16:11')
    expect(at(source, ['nodes', 'bye', 'type'], 'key')).toBe('16:5')
  })

  it('points at the first line of a mapping value, or at its key', () => {
    expect(at(source, ['nodes', 'welcome'])).toBe('5:5')
    expect(at(source, ['nodes', 'welcome'], 'key')).toBe('4:3')
  })

  it('finds an unquoted numeric key by its text or by its number', () => {
    expect(at(source, ['nodes', 'welcome', 'choices', '1'], 'key')).toBe('10:7')
    expect(at(source, ['nodes', 'welcome', 'choices', 1], 'key')).toBe('10:7')
    expect(at(source, ['nodes', 'welcome', 'choices', '1'])).toBe('10:10')
  })

  it('finds double- and single-quoted keys, pointing at the quote', () => {
    expect(at(source, ['nodes', 'welcome', 'choices', '2'], 'key')).toBe('11:7')
    expect(at(source, ['nodes', 'welcome', 'choices', 2], 'value')).toBe('11:12')
    expect(at(source, ['nodes', 'welcome', 'choices', '*'], 'key')).toBe('12:7')
    expect(at(source, ['nodes', 'welcome', 'choices', '*'])).toBe('12:12')
  })

  it('walks into sequences by index', () => {
    expect(at(source, ['nodes', 'welcome', 'prompt', 0])).toBe('7:9')
    expect(at(source, ['nodes', 'welcome', 'prompt', 1, 'pause'])).toBe('8:16')
    expect(at(source, ['nodes', 'welcome', 'prompt', 1, 'pause'], 'key')).toBe('8:9')
  })

  it('points at a sequence item, not at the key above it, even when asked for a key', () => {
    expect(at(source, ['nodes', 'welcome', 'prompt', 1], 'key')).toBe('8:9')
  })

  it('walks into flow-style mappings and sequences', () => {
    expect(at(source, ['nodes', 'sales', 'next'])).toBe('14:29')
    expect(at(source, ['nodes', 'sales', 'next'], 'key')).toBe('14:23')
    expect(at(source, ['nodes', 'sales', 'type'])).toBe('14:18')
    expect(at(source, ['nodes', 'sales'])).toBe('14:10')
    expect(at(source, ['nodes', 'welcome', 'choices', '#', 'goto'])).toBe('13:20')
    expect(at(source, ['nodes', 'welcome', 'choices', '#', 'words', 0])).toBe('13:35')
  })

  it('points at the deepest key that exists when the path goes further', () => {
    // A missing key in a node belongs at the node's key.
    expect(at(source, ['nodes', 'bye', 'next'])).toBe('15:3')
    expect(at(source, ['nodes', 'bye', 'next'], 'value')).toBe('15:3')
    // Several missing levels.
    expect(at(source, ['nodes', 'nowhere', 'next', 0])).toBe('3:1')
    // Past a scalar.
    expect(at(source, ['nodes', 'welcome', 'choices', '1', 'goto'])).toBe('10:7')
    // Past the end of a sequence: the key that holds it.
    expect(at(source, ['nodes', 'welcome', 'prompt', 5])).toBe('6:5')
    // A key on a sequence, an index on a mapping.
    expect(at(source, ['nodes', 'welcome', 'prompt', 'say'])).toBe('6:5')
    expect(at(source, ['nodes', 'welcome', 'choices', 7])).toBe('9:5')
    // Missing at the top.
    expect(at(source, ['title'])).toBe('1:1')
  })

  it('points at the item of a sequence when a key inside that item is missing', () => {
    expect(at(source, ['nodes', 'welcome', 'prompt', 0, 'voice'])).toBe('7:9')
  })

  it('points at the start of the document for the empty path', () => {
    expect(at(source, [])).toBe('1:1')
    expect(at(parse('\n\n  a: 1\n'), [])).toBe('3:3')
  })

  it('handles empty, comment-only and non-mapping documents', () => {
    for (const text of ['', '# nothing\n', '\n\n', 'just text\n', '- a\n- b\n']) {
      expect(() => at(parse(text), ['nodes', 'a'])).not.toThrow()
      expect(at(parse(text), ['nodes', 'a'])).toBe('1:1')
    }
    expect(at(parse('- a\n- b\n'), [1])).toBe('2:3')
  })

  it('uses only the first document of several', () => {
    const multi = parse('a: 1\n---\nb: 2\n')
    expect(at(multi, ['a'])).toBe('1:4')
    expect(at(multi, ['b'])).toBe('1:1')
  })

  it('counts Windows line endings as one line break', () => {
    const crlf = parse(FLOW.replace(/\n/g, '\r\n'))
    expect(at(crlf, ['nodes', 'bye', 'type'])).toBe('16:11')
    expect(at(crlf, ['nodes', 'sales', 'next'])).toBe('14:29')
  })

  it('points at block scalars and aliases where they start, and at an anchored value itself', () => {
    const s = parse('a: &x hello\nb: *x\nc: |\n  text\n')
    expect(at(s, ['b'])).toBe('2:4')
    expect(at(s, ['c'])).toBe('3:4')
    expect(at(s, ['a'])).toBe('1:7')
  })

  it('points at the key of a value that is empty', () => {
    expect(locate(parse('a:\n  b:\n'), ['a', 'b'])).toEqual({ line: 2, col: 3 })
    expect(at(parse('a:\n  b: ~\n'), ['a', 'b'])).toBe('2:6')
    expect(at(parse('a: { b: }\n'), ['a', 'b'])).toBe('1:6')
  })

  it('points at the value a repeated key leaves in the data (the last)', () => {
    expect(at(parse('m:\n  "1": b\n  1: bb\n'), ['m', '1'])).toBe('3:6')
  })

  it('points inside a value that is on the line after its key', () => {
    expect(at(parse('a:\n  b:\n    c\n'), ['a', 'b'])).toBe('3:5')
  })

  it('always lands on a line and column that exist', () => {
    const lines = FLOW.split('\n')
    const segment = fc.oneof(fc.constantFrom('nodes', 'welcome', 'choices', 'prompt', 'sales', 'bye', 'type', 'next', '1', '*', 'x'), fc.nat({ max: 4 }))
    fc.assert(fc.property(fc.array(segment, { maxLength: 6 }), fc.constantFrom('key' as const, 'value' as const), (path, prefer) => {
      const { line, col } = locate(source, path, prefer)
      expect(line).toBeGreaterThanOrEqual(1)
      expect(line).toBeLessThanOrEqual(lines.length)
      expect(col).toBeGreaterThanOrEqual(1)
      expect(col).toBeLessThanOrEqual(lines[line - 1]!.length + 1)
    }), { numRuns: 300 })
  })
})

describe('locateInText', () => {
  const text = parse('a: "Hi {{ x }}"\nb: Hi {{ x }}\nc: "\\"Hi\\" {{ x }}"\nd: |\n  Hi {{ x }}\ne: Hi\n  {{ x }}\n')

  it('points at a character of a quoted or plain one-line value', () => {
    expect(locateInText(text, ['a'], 3)).toEqual({ line: 1, col: 8 })
    expect(locateInText(text, ['b'], 3)).toEqual({ line: 2, col: 7 })
  })

  it('points at the start of a value whose text differs from how it is written', () => {
    expect(locateInText(text, ['c'], 5)).toEqual(locate(text, ['c']))
    expect(locateInText(text, ['d'], 3)).toEqual(locate(text, ['d']))
    expect(locateInText(text, ['e'], 3)).toEqual(locate(text, ['e']))
    expect(locateInText(text, ['nothing'], 3)).toEqual(locate(text, ['nothing']))
  })
})

describe('nodeAt', () => {
  const source = parse(FLOW)

  it('says how far the path exists', () => {
    expect(nodeAt(source, ['nodes', 'welcome', 'choices', '2']).depth).toBe(4)
    expect(nodeAt(source, ['nodes', 'welcome', 'nothing', 'deeper']).depth).toBe(2)
    expect(nodeAt(source, []).depth).toBe(0)
  })

  it('gives the pair whose key led to the node, and no pair for a sequence item', () => {
    const found = nodeAt(source, ['nodes', 'welcome', 'choices', '1'])
    expect(found.pair?.key).toMatchObject({ value: 1 })
    expect(found.node).toMatchObject({ value: 'sales' })
    expect(nodeAt(source, ['nodes', 'welcome', 'prompt', 0]).pair).toBeUndefined()
  })
})

describe('findPair', () => {
  it('matches keys by their text, so 1 and "1" are the same', () => {
    const doc = parse('1: a\nb: c\n').doc
    expect(findPair(doc.contents, '1')?.value).toMatchObject({ value: 'a' })
    expect(findPair(doc.contents, 1)?.value).toMatchObject({ value: 'a' })
    expect(findPair(doc.contents, 'nope')).toBeUndefined()
  })

  it('returns the last of repeated keys, whose value the data keeps', () => {
    const doc = parse('1: a\n"1": b\n').doc
    expect(findPair(doc.contents, '1')?.value).toMatchObject({ value: 'b' })
  })

  it('returns undefined for anything that is not a mapping', () => {
    expect(findPair(parse('- a\n').doc.contents, 0)).toBeUndefined()
    expect(findPair(null, 'a')).toBeUndefined()
    expect(findPair('text', 'a')).toBeUndefined()
  })
})
