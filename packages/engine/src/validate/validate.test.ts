import { describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatProblem, PROBLEM_CODES } from '../errors.ts'
import type { FlowProblem, ProblemCode } from '../errors.ts'
import { flowIdFromFile, loadFlow } from './validate.ts'
import type { LoadedFlow } from './validate.ts'
import { mutate, mutation } from './text-mutations.ts'

// Helpers -------------------------------------------------------------------------------------

/**
 * A YAML flow written inline: the common indentation is stripped and the first (empty) line
 * dropped, so line 1 is the first line of the YAML and line numbers can be read off the test.
 */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  // A multi-line value keeps the indentation of its placeholder on every line.
  const raw = strings.reduce((text, part, i) => {
    const before = text + part
    if (i >= values.length) return before
    const indent = /(?:^|\n)([ ]*)[^\n]*$/.exec(before)?.[1] ?? ''
    return before + String(values[i]).replace(/\n/g, `\n${indent}`)
  }, '')
  const lines = raw.replace(/^[ \t]*\n/, '').replace(/\n[ \t]*$/, '').split('\n')
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length)
  const strip = Math.min(...indents)
  return `${lines.map((l) => l.slice(strip)).join('\n')}\n`
}

const FILE = 'flows/t.yaml'
const load = (text: string, file = FILE): LoadedFlow => loadFlow(text, file)
const listing = (r: LoadedFlow): string => r.problems.map(formatProblem).join('\n') || '(no problems)'
const codes = (r: LoadedFlow): ProblemCode[] => r.problems.map((p) => p.code)
const withCode = (r: LoadedFlow, code: ProblemCode): FlowProblem[] => r.problems.filter((p) => p.code === code)

interface Expected {
  code: ProblemCode
  severity: 'error' | 'warning'
  line: number
  col: number
  /** Substrings the message must contain: the node, key, target, suggestion… */
  mentions?: string[]
  /** The `node` field, when the problem belongs to a node. */
  node?: string
}

/** Exactly one problem with this code at this position, with this severity and message. */
function expectProblem(r: LoadedFlow, e: Expected): FlowProblem {
  const found = r.problems.filter((p) => p.code === e.code && p.line === e.line && p.col === e.col)
  expect(found, `want ${e.code} at ${e.line}:${e.col}; got:\n${listing(r)}`).toHaveLength(1)
  const p = found[0]!
  expect(p.severity, formatProblem(p)).toBe(e.severity)
  expect(p.file).toBe(r.file)
  for (const m of e.mentions ?? []) expect(p.message, formatProblem(p)).toContain(m)
  if (e.node !== undefined) expect(p.node, formatProblem(p)).toBe(e.node)
  return p
}

function expectNo(r: LoadedFlow, code: ProblemCode): void {
  expect(withCode(r, code), listing(r)).toEqual([])
}

const FLOWS_DIR = fileURLToPath(new URL('../../../../flows/', import.meta.url))
const EXAMPLES = readdirSync(FLOWS_DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(`${FLOWS_DIR}${name}`, 'utf8') }))

describe('yaml (test helper)', () => {
  it('strips the common indentation and the first empty line', () => {
    expect(yaml`
      a:
        b: 1
    `).toBe('a:\n  b: 1\n')
  })

  it('indents every line of a multi-line value like its placeholder', () => {
    const inner = 'x: 1\ny: 2'
    expect(yaml`
      a:
        ${inner}
    `).toBe('a:\n  x: 1\n  y: 2\n')
  })
})

// One case per problem code -------------------------------------------------------------------

interface Case extends Expected {
  text: string
  file?: string
}

/** Typed by ProblemCode, so adding a code to errors.ts without a test here does not compile. */
const EVERY_CODE: Record<ProblemCode, Case> = {
  YAML_SYNTAX: {
    text: 'flow: t\nstart: a\nnodes:\n  a:\n\ttype: hangup\n',
    code: 'YAML_SYNTAX', severity: 'error', line: 5, col: 1, mentions: ['Tab'],
  },
  YAML_DUPLICATE_KEY: {
    text: yaml`
      flow: t
      start: a
      start: b
      nodes:
        a:
          type: hangup
    `,
    code: 'YAML_DUPLICATE_KEY', severity: 'error', line: 3, col: 1, mentions: ['key "start" is given twice (first on line 2)'],
  },
  NOT_A_MAPPING: {
    text: yaml`
      - flow: t
      - start: a
    `,
    code: 'NOT_A_MAPPING', severity: 'error', line: 1, col: 1, mentions: ['mapping'],
  },
  MISSING_KEY: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          onFailure: m
    `,
    code: 'MISSING_KEY', severity: 'error', line: 4, col: 3, mentions: ['"m"', '"choices"', 'menu'], node: 'm',
  },
  UNKNOWN_KEY: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          promt: Press 1.
          choices:
            "1": m
          onFailure: m
    `,
    code: 'UNKNOWN_KEY', severity: 'error', line: 6, col: 5, mentions: ['"promt"', 'did you mean "prompt"'], node: 'm',
  },
  INVALID_TYPE: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          repeat: twice
          next: b
        b:
          type: hangup
    `,
    code: 'INVALID_TYPE', severity: 'error', line: 7, col: 13, mentions: ['"repeat"', 'a number', '"twice"'], node: 'a',
  },
  INVALID_VALUE: {
    text: yaml`
      flow: t
      start: lookup
      onError: b
      nodes:
        lookup:
          type: http
          url: https://crm.example.com/x
          timeout: 30
          next: b
        b:
          type: hangup
    `,
    code: 'INVALID_VALUE', severity: 'error', line: 8, col: 14, mentions: ['"timeout"', 'at most 10'], node: 'lookup',
  },
  UNKNOWN_NODE_TYPE: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: mneu
          prompt: Press 1.
    `,
    code: 'UNKNOWN_NODE_TYPE', severity: 'error', line: 5, col: 11, mentions: ['"mneu" is not a node type', 'did you mean "menu"'], node: 'a',
  },
  FLOW_ID_MISMATCH: {
    text: yaml`
      flow: sales
      start: a
      nodes:
        a:
          type: hangup
    `,
    file: 'flows/support.yaml',
    code: 'FLOW_ID_MISMATCH', severity: 'error', line: 1, col: 7, mentions: ['"sales"', '"support"'],
  },
  UNKNOWN_TARGET: {
    text: yaml`
      flow: t
      start: welcome
      nodes:
        welcome:
          type: say
          prompt: Hi.
          next: goodbye
        goodby:
          type: hangup
    `,
    code: 'UNKNOWN_TARGET', severity: 'error', line: 7, col: 11, mentions: ['"welcome"', '"goodbye"', 'did you mean "goodby"'], node: 'welcome',
  },
  UNREACHABLE_NODE: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
        orphan:
          type: hangup
    `,
    code: 'UNREACHABLE_NODE', severity: 'warning', line: 6, col: 3, mentions: ['"orphan"', '"a"'], node: 'orphan',
  },
  BAD_KEY: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices:
            "1": b
            "a": b
          onFailure: b
        b:
          type: hangup
    `,
    code: 'BAD_KEY', severity: 'error', line: 9, col: 7, mentions: ['"a"', 'keypad'], node: 'm',
  },
  DUPLICATE_KEY: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices:
            1: b
            "1": b
          onFailure: b
        b:
          type: hangup
    `,
    code: 'DUPLICATE_KEY', severity: 'error', line: 9, col: 7, mentions: ['"1"', 'twice'], node: 'm',
  },
  AMBIGUOUS_KEY: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1 or 12.
          choices:
            "1": b
            "12": b
          onFailure: b
        b:
          type: hangup
    `,
    code: 'AMBIGUOUS_KEY', severity: 'error', line: 8, col: 7, mentions: ['"1"', '"12"'], node: 'm',
  },
  NO_FAILURE_EDGE: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices:
            "1": b
        b:
          type: hangup
    `,
    code: 'NO_FAILURE_EDGE', severity: 'error', line: 4, col: 3, mentions: ['menu "m"', 'onFailure'], node: 'm',
  },
  INPUT_FREE_CYCLE: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          next: a
    `,
    code: 'INPUT_FREE_CYCLE', severity: 'error', line: 7, col: 11, mentions: ['a → a'], node: 'a',
  },
  UNSET_VARIABLE: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: "Goodbye, {{ vars.name }}."
    `,
    code: 'UNSET_VARIABLE', severity: 'warning', line: 6, col: 13, mentions: ['"vars.name"', '"prompt"'], node: 'a',
  },
  UNKNOWN_ROOT: {
    text: yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: "Hi {{ caller.x }}"
    `,
    code: 'UNKNOWN_ROOT', severity: 'error', line: 6, col: 13, mentions: ['"caller.x"', 'call.', '"prompt"'], node: 'a',
  },
  BAD_TEMPLATE: {
    text: yaml`
      flow: t
      start: a
      vars:
        x: "1"
      nodes:
        a:
          type: hangup
          prompt: "{{ vars.x | nosuchfilter }}"
    `,
    code: 'BAD_TEMPLATE', severity: 'error', line: 8, col: 26, mentions: ['nosuchfilter', '"prompt"'], node: 'a',
  },
  BAD_REGEX: {
    text: yaml`
      flow: t
      start: i
      nodes:
        i:
          type: input
          prompt: Enter your code.
          saveAs: code
          pattern: "[0-9"
          onFailure: b
          next: b
        b:
          type: hangup
    `,
    code: 'BAD_REGEX', severity: 'error', line: 8, col: 14, mentions: ['pattern', '[0-9'], node: 'i',
  },
  BAD_TIMEZONE: {
    text: yaml`
      flow: t
      start: h
      nodes:
        h:
          type: hours
          timezone: Mars/Olympus
          hours:
            mon-fri: "08:00-18:00"
          open: b
          closed: b
        b:
          type: hangup
    `,
    code: 'BAD_TIMEZONE', severity: 'error', line: 6, col: 15, mentions: ['"Mars/Olympus"'], node: 'h',
  },
  BAD_HOURS: {
    text: yaml`
      flow: t
      start: h
      nodes:
        h:
          type: hours
          timezone: America/Chicago
          hours:
            mon-fri: "8 to 6"
          open: b
          closed: b
        b:
          type: hangup
    `,
    code: 'BAD_HOURS', severity: 'error', line: 8, col: 16, mentions: ['"8 to 6"'], node: 'h',
  },
  BAD_DIGIT_RANGE: {
    text: yaml`
      flow: t
      start: i
      nodes:
        i:
          type: input
          prompt: Enter your account number.
          saveAs: account
          minDigits: 8
          maxDigits: 4
          onFailure: b
          next: b
        b:
          type: hangup
    `,
    code: 'BAD_DIGIT_RANGE', severity: 'error', line: 8, col: 16, mentions: ['minDigits (8)', 'maxDigits (4)'], node: 'i',
  },
  NO_SPEECH_WORDS: {
    text: yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Say sales or support.
          input: speech
          choices:
            "1": { goto: b, words: [sales] }
            "2": b
          onFailure: b
        b:
          type: hangup
    `,
    code: 'NO_SPEECH_WORDS', severity: 'error', line: 10, col: 7, mentions: ['"m"', 'choice "2"'], node: 'm',
  },
  NO_ERROR_ROUTE: {
    text: yaml`
      flow: t
      start: lookup
      nodes:
        lookup:
          type: http
          url: https://crm.example.com/x
          next: b
        b:
          type: hangup
    `,
    code: 'NO_ERROR_ROUTE', severity: 'warning', line: 4, col: 3, mentions: ['"lookup"', 'onError'], node: 'lookup',
  },
}

describe('every problem code', () => {
  it('has a case here for each code in PROBLEM_CODES', () => {
    expect(Object.keys(EVERY_CODE).sort()).toEqual(Object.keys(PROBLEM_CODES).sort())
  })

  for (const [code, c] of Object.entries(EVERY_CODE)) {
    it(`${code}: ${PROBLEM_CODES[code as ProblemCode]}`, () => {
      const r = load(c.text, c.file)
      expectProblem(r, c)
      // Only warnings leave the flow usable.
      expect(r.ok, listing(r)).toBe(c.severity === 'warning' && r.problems.every((p) => p.severity === 'warning'))
    })
  }
})

// YAML ----------------------------------------------------------------------------------------

describe('YAML syntax', () => {
  it('reports bad indentation on the misindented line', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
         prompt: Hi.
          next: a
    `)
    expect(r.ok).toBe(false)
    expect(r.flow).toBeUndefined()
    expect(r.problems.length).toBeGreaterThan(0)
    expect(r.problems.every((p) => p.code === 'YAML_SYNTAX' && p.severity === 'error'), listing(r)).toBe(true)
    expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 6, col: 1, mentions: ['same column'] })
  })

  it('reports a tab used as indentation', () => {
    const r = load('flow: t\nstart: a\nnodes:\n  a:\n    type: say\n\tprompt: Hi.\n    next: a\n')
    expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 6, col: 1, mentions: ['Tabs'] })
  })

  it('reports an unclosed quote, not at the top of the file', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: "Hi.
          next: a
    `)
    expect(r.ok).toBe(false)
    expect(r.flow).toBeUndefined()
    // At the quote that opens the text, not at the end of the file where yaml notices.
    expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 6, col: 13, mentions: ['quote'] })
  })

  it('does not go on to check the schema of a file that is not well-formed', () => {
    const r = load('flow: t\nstart: a\npromt: [\n')
    expect(codes(r).length).toBeGreaterThan(0)
    expect(new Set(codes(r)), listing(r)).toEqual(new Set(['YAML_SYNTAX']))
  })

  it('reports a repeated node id with its position', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
        a:
          type: hangup
    `)
    expectProblem(r, { code: 'YAML_DUPLICATE_KEY', severity: 'error', line: 6, col: 3, mentions: ['key "a" is given twice (first on line 4)'] })
    expect(r.ok).toBe(false)
  })

  it('reports a second document', () => {
    const r = load('flow: t\nstart: a\nnodes:\n  a:\n    type: hangup\n---\nflow: u\n')
    const p = expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 6, col: 1, mentions: ['a flow file holds one YAML document', '`---`'] })
    expect(p.message).not.toContain('parseAllDocuments')
  })

  it('names a repeated key and the line it was first given on', () => {
    const r = load(EVERY_CODE.YAML_DUPLICATE_KEY.text)
    expect(withCode(r, 'YAML_DUPLICATE_KEY'), listing(r)).toHaveLength(1)
    expectProblem(r, { code: 'YAML_DUPLICATE_KEY', severity: 'error', line: 3, col: 1, mentions: ['key "start" is given twice (first on line 2)'] })
  })

  it('reports a key repeated far apart in a large mapping, once per repetition', () => {
    const nodes = Array.from({ length: 2_000 }, (_, i) => `  n${i}: { type: hangup }`).join('\n')
    const r = load(`flow: t\nstart: n0\nnodes:\n${nodes}\n  n5: { type: hangup }\n  n5: { type: hangup }\n`)
    expect(withCode(r, 'YAML_DUPLICATE_KEY').map((p) => [p.line, p.message]), listing(r).slice(0, 500)).toEqual([
      [2004, 'key "n5" is given twice (first on line 9)'],
      [2005, 'key "n5" is given twice (first on line 9)'],
    ])
  })

  it('keeps every syntax problem on its own line, even where yaml recovers from a broken scalar', () => {
    const text = 'a\n#\nb: c\n  d:'
    const r = load(text)
    checkInvariants(text, r)
    expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 4, col: 4 })
  })

  it('reports a list or mapping used as a key, without a warning from yaml', () => {
    const warn = vi.spyOn(process, 'emitWarning')
    try {
      const r = load('flow: t\nstart: a\nnodes:\n  ? [a]\n  : { type: hangup }\n')
      expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 4, col: 5, mentions: ['key', 'a list'] })
      expect(r.ok).toBe(false)
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })

  it('reads files with Windows line endings and a byte-order mark', () => {
    const text = `\ufeff${EXAMPLES.find((e) => e.name === 'support.yaml')!.text.replace(/\n/g, '\r\n')}`
    const r = load(text, 'flows/support.yaml')
    expect(r.problems, listing(r)).toEqual([])
    expect(r.ok).toBe(true)
  })

  it('locates problems correctly in a file with Windows line endings', () => {
    const r = load('flow: t\r\nstart: a\r\nnodes:\r\n  a:\r\n    type: hangup\r\n    promt: Bye.\r\n')
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 6, col: 5, mentions: ['"promt"'] })
  })

  it('accepts anchors and aliases', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: &sorry Sorry, something went wrong.
          next: b
        b:
          type: hangup
          prompt: *sorry
    `)
    expect(r.problems, listing(r)).toEqual([])
    expect(r.flow?.nodes.b).toMatchObject({ type: 'hangup', prompt: 'Sorry, something went wrong.' })
  })
})

describe('anchors and aliases', () => {
  it('reports an alias to a missing anchor at the alias, naming it, instead of throwing', () => {
    const text = yaml`
      flow: t
      start: *welcome
      nodes:
        welcome:
          type: hangup
    `
    expect(() => load(text)).not.toThrow()
    expectProblem(load(text), { code: 'YAML_SYNTAX', severity: 'error', line: 2, col: 8, mentions: ['welcome'] })
  })

  it('reports an alias used before its anchor', () => {
    const r = load('flow: t\nstart: *a\nnodes:\n  a: &a { type: hangup }\n')
    expectProblem(r, { code: 'YAML_SYNTAX', severity: 'error', line: 2, col: 8, mentions: ['*a'] })
  })

  it('reports an alias inside the value it names instead of looping', () => {
    const text = yaml`
      flow: t
      start: a
      nodes:
        a:
          type: branch
          cases:
            - when: &w { not: *w }
              goto: a
          else: a
    `
    expect(() => load(text)).not.toThrow()
    expectProblem(load(text), { code: 'YAML_SYNTAX', severity: 'error', line: 7, col: 25, mentions: ['*w'] })
  })

  it('accepts one anchor used more than 100 times (a shared prompt)', () => {
    const nodes = Array.from({ length: 101 }, (_, i) => `  n${i}: { type: hangup, prompt: *sorry }`).join('\n')
    const text = `flow: t\nstart: a\nnodes:\n  a: { type: hangup, prompt: &sorry Sorry. }\n${nodes}\n`
    expect(() => load(text)).not.toThrow()
    const r = load(text)
    expect(codes(r), listing(r).slice(0, 500)).toHaveLength(101)
    expect(codes(r).every((c) => c === 'UNREACHABLE_NODE'), listing(r).slice(0, 500)).toBe(true)
    expect(r.flow?.nodes.n100).toMatchObject({ prompt: 'Sorry.' })
  })

  it('accepts a shared list of choices in many menus', () => {
    const menus = Array.from({ length: 150 }, (_, i) => `  m${i}: { type: menu, prompt: Choose., choices: *keys, onFailure: b }`).join('\n')
    const text = `flow: t\nstart: m0\nnodes:\n  b: { type: hangup }\n  first: { type: menu, prompt: Choose., choices: &keys { "1": b, "2": b, "3": b }, onFailure: b }\n${menus}\n`
    const r = load(text)
    expect(new Set(codes(r)), listing(r).slice(0, 500)).toEqual(new Set(['UNREACHABLE_NODE']))
  })

  it('reports an alias bomb as a problem instead of expanding it', () => {
    const ten = (item: string) => `[${Array.from({ length: 10 }, () => item).join(', ')}]`
    const text = `a: &a ${ten('x')}\nb: &b ${ten('*a')}\nc: &c ${ten('*b')}\n`
    expect(() => load(text)).not.toThrow()
    const r = load(text)
    expect(r.ok).toBe(false)
    expect(codes(r), listing(r)).toEqual(['YAML_SYNTAX'])
    expect(r.problems[0]!.message).toContain('alias bomb')
  })

  it('refuses a billion laughs quickly', () => {
    const levels = ['a: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`)
    const r = load(`${levels.join('\n')}\n`)
    expect(r.ok).toBe(false)
    expect(codes(r), listing(r)).toEqual(['YAML_SYNTAX'])
  })
})

describe('documents that are not a mapping', () => {
  for (const [name, text] of [['an empty file', ''], ['only comments', '# nothing yet\n'], ['a list', '- a\n- b\n'], ['a scalar', 'hello\n']] as const) {
    it(`rejects ${name}`, () => {
      const r = load(text)
      expect(codes(r), listing(r)).toEqual(['NOT_A_MAPPING'])
      expectProblem(r, { code: 'NOT_A_MAPPING', severity: 'error', line: 1, col: 1 })
      expect(r.ok).toBe(false)
      expect(r.flow).toBeUndefined()
    })
  }
})

// Menu keys in YAML ---------------------------------------------------------------------------

describe('menu keys', () => {
  const menu = (choices: string) => yaml`
    flow: t
    start: m
    nodes:
      m:
        type: menu
        prompt: Choose.
        choices:
          ${choices}
        onFailure: b
      b:
        type: hangup
  `

  it('treats 1: and "1": as the same key', () => {
    const r = load(menu('"1": b\n2: b'))
    expect(r.problems, listing(r)).toEqual([])
    expect(Object.keys(r.flow!.nodes.m as object)).toContain('choices')
    const m = r.flow!.nodes.m
    expect(m?.type === 'menu' ? Object.keys(m.choices).sort() : []).toEqual(['1', '2'])
  })

  it('reports 1: followed by "1": at the second key (YAML alone sees two different keys)', () => {
    const r = load(menu('1: b\n"1": b'))
    expectProblem(r, { code: 'DUPLICATE_KEY', severity: 'error', line: 9, col: 7, mentions: ['"1"'], node: 'm' })
    expectNo(r, 'YAML_DUPLICATE_KEY')
    expect(r.ok).toBe(false)
  })

  it('reports "2": followed by 2: as well', () => {
    const r = load(menu('"2": b\n2: b'))
    expectProblem(r, { code: 'DUPLICATE_KEY', severity: 'error', line: 9, col: 7, mentions: ['"2"'] })
  })

  it('reports a key that YAML reads as a different number, asking for quotes', () => {
    const r = load(menu('01: b\n0x3: b'))
    expectProblem(r, { code: 'BAD_KEY', severity: 'error', line: 8, col: 7, mentions: ['01', 'quotes'], node: 'm' })
    expectProblem(r, { code: 'BAD_KEY', severity: 'error', line: 9, col: 7, mentions: ['0x3', 'quotes'] })
    expect(r.ok).toBe(false)
  })

  it('does not report 01 as a clash with "1": quoting it keeps them apart', () => {
    const r = load(menu('01: b\n"1": b'))
    expect(codes(r), listing(r)).toEqual(['BAD_KEY'])
  })

  it('locates the target of a repeated choice key at the entry YAML keeps (the last)', () => {
    const r = load(menu('"1": b\n1: bb'))
    expectProblem(r, { code: 'DUPLICATE_KEY', severity: 'error', line: 9, col: 7, mentions: ['"1"'] })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 9, col: 10, mentions: ['"bb"'] })
  })

  it('reports a choice key or a node id named __proto__ instead of dropping it', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Choose.
          choices:
            __proto__: b
            "1": b
          onFailure: b
        __proto__:
          type: hangup
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'BAD_KEY', severity: 'error', line: 8, col: 7, mentions: ['__proto__'], node: 'm' })
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 11, col: 3, mentions: ['__proto__', 'node id'] })
    expect(r.ok).toBe(false)
  })

  it('reports __proto__ as a variable name rather than dropping it', () => {
    const r = load(yaml`
      flow: t
      start: s
      nodes:
        s:
          type: set
          vars:
            __proto__: x
          next: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 7, mentions: ['__proto__'] })
    expect(r.ok).toBe(false)
  })

  it('accepts every keypad key, *, # and multi-digit keys', () => {
    const r = load(menu('"0": b\n"*": b\n"#": b\n"12": b\n"34": b'))
    expect(r.problems, listing(r)).toEqual([])
    expect(r.ok).toBe(true)
  })

  it('rejects letters and empty keys', () => {
    const r = load(menu('"a": b\n"1 ": b'))
    expectProblem(r, { code: 'BAD_KEY', severity: 'error', line: 8, col: 7, mentions: ['"a"'] })
    expectProblem(r, { code: 'BAD_KEY', severity: 'error', line: 9, col: 7, mentions: ['"1 "'] })
  })

  it('reports an ambiguous key once, at the shorter key, naming the longer', () => {
    const r = load(menu('"12": b\n"1": b\n"2": b'))
    expect(withCode(r, 'AMBIGUOUS_KEY'), listing(r)).toHaveLength(1)
    expectProblem(r, { code: 'AMBIGUOUS_KEY', severity: 'error', line: 9, col: 7, mentions: ['"1"', '"12"'] })
  })

  it('sees * as the start of *1', () => {
    const r = load(menu('"*": b\n"*1": b'))
    expectProblem(r, { code: 'AMBIGUOUS_KEY', severity: 'error', line: 8, col: 7, mentions: ['"*"', '"*1"'] })
  })

  it('reports the same spoken word in two choices at the second use, ignoring case', () => {
    const r = load(menu('"1": { goto: b, words: [sales, buy] }\n"2": { goto: b, words: [support, Sales] }'))
    expectProblem(r, { code: 'DUPLICATE_KEY', severity: 'error', line: 9, col: 40, mentions: ['"Sales"', '"1"', '"2"'] })
  })

  it('does not report a word repeated inside one choice', () => {
    const r = load(menu('"1": { goto: b, words: [sales, sales] }'))
    expectNo(r, 'DUPLICATE_KEY')
  })

  it('reports a speech-only choice without words at its key', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Say sales or support.
          input: speech
          choices:
            "1": { goto: b, words: [sales] }
            "2": { goto: b }
            "3": b
          onFailure: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'NO_SPEECH_WORDS', severity: 'error', line: 10, col: 7, mentions: ['"2"'] })
    expectProblem(r, { code: 'NO_SPEECH_WORDS', severity: 'error', line: 11, col: 7, mentions: ['"3"'] })
    expect(withCode(r, 'NO_SPEECH_WORDS')).toHaveLength(2)
  })

  it('does not ask for words when keys can be pressed too', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press or say 1.
          input: dtmf speech
          choices:
            "1": { goto: b, words: [sales] }
            "2": b
          onFailure: b
        b:
          type: hangup
    `)
    expect(r.problems, listing(r)).toEqual([])
  })

  it('rejects an empty words list', () => {
    const r = load(menu('"1": { goto: b, words: [] }'))
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 8, col: 30, mentions: ['"words"', 'at least 1'] })
  })
})

// Schema --------------------------------------------------------------------------------------

describe('schema problems', () => {
  it('suggests the key meant by a misspelt top-level key', () => {
    const r = load(yaml`
      flow: t
      strat: a
      nodes:
        a:
          type: hangup
    `)
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 2, col: 1, mentions: ['"strat"', 'did you mean "start"'] })
    expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 1, col: 1, mentions: ['"start"'] })
  })

  it('does not suggest anything for a key that is nothing like a known one', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          colour: blue
    `)
    const p = expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 6, col: 5, mentions: ['"colour"'] })
    expect(p.message).not.toContain('did you mean')
  })

  it('reports a key that belongs to another node type (say has no choices)', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          choices:
            "1": a
          next: a
    `)
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 7, col: 5, mentions: ['"choices"'] })
  })

  it('reports a misspelt key deep inside a prompt list at that line', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt:
            - say: Your code is
            - sya: hi
          next: b
        b:
          type: hangup
    `)
    expect(codes(r), listing(r)).toEqual(['UNKNOWN_KEY'])
    const p = expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 8, col: 9, mentions: ['"sya"', 'did you mean "say"'], node: 'a' })
    expect(p.path).toEqual(['nodes', 'a', 'prompt', 1, 'sya'])
  })

  it('reports a misspelt key inside a count-indexed noInput list', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices: { "1": b }
          noInput: ["Sorry?", { sya: Press 1 now. }]
          onFailure: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 8, col: 27, mentions: ['"sya"', 'did you mean "say"'] })
  })

  it('reports a wrong type deep inside a prompt part at its value', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt:
            - say: Please hold.
            - pause: two
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 8, col: 16, mentions: ['"pause"', 'a number', '"two"'] })
  })

  it('reports a number out of range inside a prompt part', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt:
            - pause: 100
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 16, mentions: ['"pause"', 'at most 60'] })
  })

  it('reports a prompt of the wrong kind', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: 5
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 6, col: 13, mentions: ['"prompt"'] })
  })

  it('reports an empty prompt list', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: []
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 6, col: 13, mentions: ['"prompt"', 'at least 1'] })
  })

  it('reports an unknown node type with a suggestion at the type value', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangpu
    `)
    expect(codes(r), listing(r)).toEqual(['UNKNOWN_NODE_TYPE'])
    expectProblem(r, { code: 'UNKNOWN_NODE_TYPE', severity: 'error', line: 5, col: 11, mentions: ['hangpu', 'did you mean "hangup"', 'say, menu'] })
  })

  it('lists the node types when a node has no type, at the node key', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          prompt: Hi.
    `)
    expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 4, col: 3, mentions: ['node "a" needs "type"', 'say', 'redirect'], node: 'a' })
  })

  it('reports a menu without a prompt at the node key, naming the key', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          choices:
            "1": m
          onFailure: m
    `)
    expect(r.problems, listing(r)).toHaveLength(1)
    const p = expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 4, col: 3, mentions: ['menu node "m" needs "prompt"'], node: 'm' })
    expect(p.path).toEqual(['nodes', 'm', 'prompt'])
  })

  it('reports a say or input without a prompt as a missing key, naming the node', () => {
    for (const [type, extra] of [['say', 'next: m'], ['input', 'saveAs: x\nnext: m\nonFailure: m']] as const) {
      const r = load(yaml`
        flow: t
        start: m
        nodes:
          m:
            type: ${type}
            ${extra}
      `)
      expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 4, col: 3, mentions: [`${type} node "m" needs "prompt"`] })
      expectNo(r, 'INVALID_TYPE')
    }
  })

  it('names an unknown node type without doubled quotes', () => {
    const r = load(EVERY_CODE.UNKNOWN_NODE_TYPE.text)
    expect(withCode(r, 'UNKNOWN_NODE_TYPE')[0]!.message).toMatch(/^"mneu" is not a node type \(did you mean "menu"\?\)/)
    const list = load('flow: t\nstart: a\nnodes:\n  a:\n    type: [menu]\n')
    const p = expectProblem(list, { code: 'UNKNOWN_NODE_TYPE', severity: 'error', line: 5, col: 11 })
    expect(p.message).toMatch(/^a list is not a node type; use one of/)
  })

  it('names the node and the choice when a choice mapping has no goto, and suggests it', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Choose.
          choices:
            "1": { go: b }
          onFailure: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 8, col: 7, mentions: ['"m"', 'choice "1"', 'needs "goto"'], node: 'm' })
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 8, col: 14, mentions: ['"go"', 'did you mean "goto"'], node: 'm' })
  })

  it('suggests the key meant inside a prompt part', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt:
            - { say: Goodbye., vocie: Polly.Joanna }
    `)
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 7, col: 26, mentions: ['"vocie"', 'did you mean "voice"'] })
  })

  it('names a list item by its list and index, with its value', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: [hello]
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 6, col: 14, mentions: ['prompt[0] should be a mapping, not "hello"'] })
  })

  it('explains an unquoted # that YAML reads as a comment', () => {
    const r = load(yaml`
      flow: t
      start: i
      nodes:
        i:
          type: input
          prompt: Your number, then pound.
          saveAs: n
          finishOnKey: #
          onFailure: b
          next: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 8, col: 5, mentions: ['"finishOnKey"', 'comment', 'write "#" in quotes'] })
  })

  it('suggests quotes for a number where text is expected', () => {
    const r = load(yaml`
      flow: t
      start: 1
      nodes:
        "1":
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 2, col: 8, mentions: ['"start" should be text, not 1', 'quotes ("1")'] })
  })

  it('reports an empty node at its key', () => {
    const r = load('flow: t\nstart: a\nnodes:\n  a:\n')
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 4, col: 3, mentions: ['"a"', 'a mapping'] })
  })

  it('reports a missing edge at the node key, naming the node', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
    `)
    expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 4, col: 3, mentions: ['say node "a"', '"next"'], node: 'a' })
  })

  it('reports a missing goto in a branch case at that case', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: branch
          cases:
            - when: { var: call.from, exists: true }
          else: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'MISSING_KEY', severity: 'error', line: 7, col: 9, mentions: ['branch node "a", cases[0] needs "goto"'], node: 'a' })
  })

  it('reports a node that is not a mapping', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a: hangup
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 4, col: 6, mentions: ['"a"', 'a mapping', '"hangup"'] })
  })

  it('reports nodes written as a list', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        - a
    `)
    expectProblem(r, { code: 'INVALID_TYPE', severity: 'error', line: 4, col: 3, mentions: ['"nodes"', 'a mapping', 'a list'] })
  })

  it('reports values outside an enum and lists the allowed ones', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Say sales.
          input: voice
          choices: { "1": m }
          onFailure: m
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 12, mentions: ['"input"', '"dtmf"', '"speech"', '"dtmf speech"'] })
  })

  it('reports numbers below their minimum', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices: { "1": m }
          maxNoInput: 0
          onFailure: m
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 8, col: 17, mentions: ['"maxNoInput"', 'at least 1'] })
  })

  it('reports a flow id that is not lower-case', () => {
    const r = load(yaml`
      flow: Support_Line
      start: a
      nodes:
        a:
          type: hangup
    `, 'flows/Support_Line.yaml')
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 1, col: 7, mentions: ['"flow"', 'lower-case'] })
  })

  it('reports a node id with a space at the key, and an edge naming one at the value', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          next: "main menu"
        main menu:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 11, mentions: ['"next"', 'node id'] })
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 8, col: 3, mentions: ['"main menu"', 'node id'] })
  })

  it('reports a set variable with a bad name at its key', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: set
          vars:
            first-name: Ada
          next: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 7, mentions: ['"first-name"', 'variable name'] })
  })

  it('reports a holiday that is not written YYYY-MM-DD', () => {
    const r = load(yaml`
      flow: t
      start: h
      nodes:
        h:
          type: hours
          timezone: UTC
          hours: { daily: "08:00-18:00" }
          holidays: ["25/12/2026"]
          open: b
          closed: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 8, col: 16, mentions: ['holidays[0] "25/12/2026" is not a date as YYYY-MM-DD'] })
  })

  it('reports a condition with two operators at the condition', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: branch
          cases:
            - when: { var: input.digits, equals: "1", startsWith: "2" }
              goto: b
          else: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 15, mentions: ['"when": has equals and startsWith; give exactly one of equals, notEquals'] })
  })

  it('reports a condition with no operator', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: branch
          cases:
            - when: { var: input.digits }
              goto: b
          else: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INVALID_VALUE', severity: 'error', line: 7, col: 15, mentions: ['"when": has no comparison; give exactly one of'] })
  })

  it('reports an unknown key inside a condition at that key', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: branch
          cases:
            - when: { var: call.from, equal: "+1555" }
              goto: b
          else: b
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'UNKNOWN_KEY', severity: 'error', line: 7, col: 33, mentions: ['"equal"', 'did you mean "equals"'] })
  })

  it('reports every schema problem in the file, not only the first', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          nxt: b
        b:
          type: menu
          prompt: Press 1.
          choices: { "1": a }
          timeout: 600
          onFailure: a
        c:
          type: mneu
    `)
    expect(codes(r), listing(r)).toEqual(['MISSING_KEY', 'UNKNOWN_KEY', 'INVALID_VALUE', 'UNKNOWN_NODE_TYPE'])
    expect(r.problems.map((p) => `${p.line}:${p.col}`)).toEqual(['4:3', '7:5', '12:14', '15:11'])
    expect(r.flow).toBeUndefined()
  })

  it('attaches the document path and the node id to schema problems', () => {
    const r = load(EVERY_CODE.UNKNOWN_KEY.text)
    const p = withCode(r, 'UNKNOWN_KEY')[0]!
    expect(p.path).toEqual(['nodes', 'm', 'promt'])
    expect(p.node).toBe('m')
  })
})

// The flow id ---------------------------------------------------------------------------------

describe('flow id and file name', () => {
  const text = yaml`
    flow: sales
    start: a
    nodes:
      a:
        type: hangup
  `

  it('reports a mismatch at the flow value, keeping the parsed flow', () => {
    const r = load(text, 'flows/support.yaml')
    expectProblem(r, { code: 'FLOW_ID_MISMATCH', severity: 'error', line: 1, col: 7, mentions: ['"sales"', '"support"'] })
    expect(r.flow?.flow).toBe('sales')
    expect(r.ok).toBe(false)
  })

  it('accepts a matching .yaml or .yml file name, in any folder, with either slash', () => {
    for (const file of ['flows/sales.yaml', 'sales.yml', '/srv/ivr/flows/sales.yaml', 'C:\\flows\\sales.yaml']) {
      const r = load(text, file)
      expect(r.problems, `${file}: ${listing(r)}`).toEqual([])
      expect(r.problems.every((p) => p.file === file)).toBe(true)
    }
  })

  it('skips the check for names that are not YAML files', () => {
    expect(load(text, '<stdin>').problems).toEqual([])
    expect(flowIdFromFile('<stdin>')).toBeUndefined()
    expect(flowIdFromFile('flows/support.yaml')).toBe('support')
    expect(flowIdFromFile('flows\\support.yml')).toBe('support')
  })

  it('puts the file name on every problem', () => {
    const r = load(EVERY_CODE.UNKNOWN_TARGET.text, 'somewhere/else/t.yaml')
    expect(r.problems.length).toBeGreaterThan(0)
    expect(r.problems.every((p) => p.file === 'somewhere/else/t.yaml')).toBe(true)
  })
})

// The graph -----------------------------------------------------------------------------------

describe('edges', () => {
  it('reports every kind of edge to a missing node at its value, with a suggestion', () => {
    const r = load(yaml`
      flow: t
      start: welcom
      onError: sory
      nodes:
        welcome:
          type: menu
          prompt: Press 1.
          choices:
            "1": { goto: sals, words: [sales] }
            "2": sales
          onFailure: operater
          onNoInput: sales
        sales:
          type: branch
          cases:
            - when: { var: call.from, exists: true }
              goto: nowhere-at-all
          else: sorry
        sorry:
          type: hours
          timezone: UTC
          hours: { daily: "08:00-18:00" }
          open: welcome
          closed: goodbey
        goodbye:
          type: hangup
    `)
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 2, col: 8, mentions: ['"start"', '"welcom"', 'did you mean "welcome"'] })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 3, col: 10, mentions: ['"onError"', '"sory"', 'did you mean "sorry"'] })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 9, col: 20, mentions: ['"welcome"', '"sals"', 'did you mean "sales"'], node: 'welcome' })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 11, col: 16, mentions: ['"onFailure"', '"operater"'], node: 'welcome' })
    const far = expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 17, col: 15, mentions: ['"sales"', '"nowhere-at-all"'], node: 'sales' })
    expect(far.message).not.toContain('did you mean')
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 24, col: 13, mentions: ['"closed"', '"goodbey"', 'did you mean "goodbye"'], node: 'sorry' })
    expect(withCode(r, 'UNKNOWN_TARGET'), listing(r)).toHaveLength(6)
    // The flow parsed: graph problems keep it, so an editor can still draw it.
    expect(r.flow).toBeDefined()
    expect(r.ok).toBe(false)
  })

  it('checks http onError, dial onNoAnswer and input next', () => {
    const r = load(yaml`
      flow: t
      start: i
      nodes:
        i:
          type: input
          prompt: Enter it.
          saveAs: n
          onFailure: d
          next: h
        h:
          type: http
          url: https://x.example/
          next: d
          onError: oops
        d:
          type: dial
          number: "+15551234567"
          next: e
          onNoAnswer: voicemial
        e:
          type: hangup
    `)
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 14, col: 14, mentions: ['"oops"'], node: 'h' })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 19, col: 17, mentions: ['"voicemial"'], node: 'd' })
    expect(withCode(r, 'UNKNOWN_TARGET')).toHaveLength(2)
  })
})

describe('edges named after JavaScript built-ins', () => {
  it('reports start: constructor and next: toString as unknown targets', () => {
    const r = load(yaml`
      flow: t
      start: constructor
      nodes:
        a:
          type: say
          prompt: Hi.
          next: toString
    `)
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 2, col: 8, mentions: ['"constructor"'] })
    expectProblem(r, { code: 'UNKNOWN_TARGET', severity: 'error', line: 7, col: 11, mentions: ['"toString"'], node: 'a' })
    expect(r.ok).toBe(false)
  })

  it('still finds the loop through a node named like a built-in when it exists', () => {
    const r = load('flow: t\nstart: constructor\nnodes:\n  constructor:\n    type: say\n    prompt: Hi.\n    next: constructor\n')
    expect(codes(r), listing(r)).toEqual(['INPUT_FREE_CYCLE'])
  })
})

describe('reachability', () => {
  it('does not call every node unreachable when start names no node', () => {
    expect(codes(load('flow: t\nstart: welcom\nnodes:\n  welcome:\n    type: hangup\n'))).toEqual(['UNKNOWN_TARGET'])
  })

  it('warns about unreachable nodes only, and leaves the flow usable', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: Hi.
          next: b
        b:
          type: hangup
        island:
          type: say
          prompt: Nobody hears this.
          next: island-2
        island-2:
          type: hangup
    `)
    expectProblem(r, { code: 'UNREACHABLE_NODE', severity: 'warning', line: 10, col: 3, mentions: ['"island"'], node: 'island' })
    expectProblem(r, { code: 'UNREACHABLE_NODE', severity: 'warning', line: 14, col: 3, mentions: ['"island-2"'], node: 'island-2' })
    expect(r.problems).toHaveLength(2)
    expect(r.ok).toBe(true)
    expect(r.flow).toBeDefined()
  })

  it('counts the flow onError node and what it leads to as reachable', () => {
    const r = load(yaml`
      flow: t
      start: a
      onError: sorry
      nodes:
        a:
          type: hangup
        sorry:
          type: say
          prompt: Sorry.
          next: bye
        bye:
          type: hangup
    `)
    expect(r.problems, listing(r)).toEqual([])
  })

  it('follows every kind of edge', () => {
    const r = load(yaml`
      flow: t
      start: m
      nodes:
        m:
          type: menu
          prompt: Press 1.
          choices:
            "1": { goto: br, words: [one] }
          onNoInput: i
          onNoMatch: h
        i:
          type: input
          prompt: Digits.
          saveAs: d
          onFailure: end
          next: end
        h:
          type: http
          url: https://x.example/
          next: end
          onError: dial
        dial:
          type: dial
          number: "+15551234567"
          next: end
          onNoAnswer: hrs
        hrs:
          type: hours
          timezone: UTC
          hours: { daily: "08:00-18:00" }
          open: end
          closed: closed
        br:
          type: branch
          cases:
            - when: { var: call.from, exists: true }
              goto: case-target
          else: end
        case-target:
          type: hangup
        closed:
          type: hangup
        end:
          type: hangup
    `)
    expect(r.problems, listing(r)).toEqual([])
  })
})

describe('failure edges', () => {
  const node = (type: 'menu' | 'input', edges: string) => yaml`
    flow: t
    start: n
    nodes:
      n:
        type: ${type}
        prompt: Go on.
        ${type === 'menu' ? 'choices: { "1": b }' : 'saveAs: x\nnext: b'}
        ${edges}
      b:
        type: hangup
  `

  it('requires onFailure on a menu', () => {
    const r = load(node('menu', ''))
    expectProblem(r, { code: 'NO_FAILURE_EDGE', severity: 'error', line: 4, col: 3, mentions: ['menu "n"', '"onFailure"'], node: 'n' })
  })

  it('requires onFailure on an input', () => {
    const r = load(node('input', ''))
    expectProblem(r, { code: 'NO_FAILURE_EDGE', severity: 'error', line: 4, col: 3, mentions: ['input "n"', '"onFailure"'], node: 'n' })
  })

  it('says which one is set when only onNoInput or only onNoMatch is given', () => {
    const a = load(node('menu', 'onNoInput: b'))
    expectProblem(a, { code: 'NO_FAILURE_EDGE', severity: 'error', line: 4, col: 3, mentions: ['only onNoInput is set'] })
    const b = load(node('input', 'onNoMatch: b'))
    expectProblem(b, { code: 'NO_FAILURE_EDGE', severity: 'error', line: 4, col: 3, mentions: ['only onNoMatch is set'] })
  })

  it('accepts onFailure, or onNoInput with onNoMatch', () => {
    for (const type of ['menu', 'input'] as const) {
      for (const edges of ['onFailure: b', 'onNoInput: b\nonNoMatch: b', 'onNoInput: b\nonFailure: b']) {
        const r = load(node(type, edges))
        expect(r.problems, `${type} with ${edges}: ${listing(r)}`).toEqual([])
      }
    }
  })
})

describe('loops that never wait for the caller', () => {
  it('reports a say node that leads to itself', () => {
    const r = load(EVERY_CODE.INPUT_FREE_CYCLE.text)
    const p = expectProblem(r, EVERY_CODE.INPUT_FREE_CYCLE)
    expect(p.message).toContain('never waits for the caller')
    expect(p.path).toEqual(['nodes', 'a', 'next'])
  })

  it('reports a say → set → branch loop once, naming the loop, at its first edge', () => {
    const r = load(yaml`
      flow: t
      start: intro
      nodes:
        intro:
          type: say
          prompt: Hello.
          next: count
        count:
          type: set
          vars:
            n: "{{ vars.n | plus: 1 }}"
          next: check
        check:
          type: branch
          cases:
            - when: { var: vars.n, lessThan: 3 }
              goto: intro
          else: intro
    `)
    expect(withCode(r, 'INPUT_FREE_CYCLE'), listing(r)).toHaveLength(1)
    expectProblem(r, { code: 'INPUT_FREE_CYCLE', severity: 'error', line: 7, col: 11, mentions: ['intro → count → check → intro'], node: 'intro' })
    expect(r.ok).toBe(false)
    expect(r.flow).toBeDefined()
  })

  it('reports a loop through an http node (a request does not wait for the caller)', () => {
    const r = load(yaml`
      flow: t
      start: poll
      nodes:
        poll:
          type: http
          url: https://jobs.example/status
          next: wait
          onError: wait
        wait:
          type: say
          prompt: Still working.
          next: poll
    `)
    expect(withCode(r, 'INPUT_FREE_CYCLE'), listing(r)).toHaveLength(1)
    expectProblem(r, { code: 'INPUT_FREE_CYCLE', severity: 'error', line: 7, col: 11, mentions: ['poll → wait → poll'], node: 'poll' })
  })

  it('reports an hours node that leads to itself', () => {
    const r = load(yaml`
      flow: t
      start: h
      nodes:
        h:
          type: hours
          timezone: UTC
          hours: { daily: "08:00-18:00" }
          open: b
          closed: h
        b:
          type: hangup
    `)
    expectProblem(r, { code: 'INPUT_FREE_CYCLE', severity: 'error', line: 9, col: 13, mentions: ['h → h'], node: 'h' })
  })

  it('reports separate loops separately', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: A.
          next: a
        b:
          type: say
          prompt: B.
          next: c
        c:
          type: say
          prompt: C.
          next: b
    `)
    expect(withCode(r, 'INPUT_FREE_CYCLE').map((p) => p.line), listing(r)).toEqual([7, 11])
  })

  it('does not report a loop through a menu', () => {
    const r = load(yaml`
      flow: t
      start: intro
      nodes:
        intro:
          type: say
          prompt: Welcome.
          next: main
        main:
          type: menu
          prompt: Press 1 to hear this again.
          choices:
            "1": intro
          onFailure: intro
    `)
    expect(r.problems, listing(r)).toEqual([])
    expect(r.ok).toBe(true)
  })

  it('does not report loops through input, dial, record or enqueue nodes', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: say
          prompt: A.
          next: i
        i:
          type: input
          prompt: Digits.
          saveAs: d
          onFailure: a
          next: d
        d:
          type: dial
          number: "+15551234567"
          next: a
          onNoAnswer: r
        r:
          type: record
          next: q
        q:
          type: enqueue
          queue: support
          next: a
    `)
    expectNo(r, 'INPUT_FREE_CYCLE')
    expect(r.ok, listing(r)).toBe(true)
  })

  it('finds a long loop in a large flow without overflowing the stack', { timeout: 60_000 }, () => {
    const n = 20_000
    const nodes = Array.from({ length: n }, (_, i) => `  s${i}:\n    type: say\n    prompt: "${i}"\n    next: s${(i + 1) % n}\n`).join('')
    const r = load(`flow: t\nstart: s0\nnodes:\n${nodes}`)
    expect(withCode(r, 'INPUT_FREE_CYCLE'), listing(r).slice(0, 500)).toHaveLength(1)
    expect(r.problems).toHaveLength(1)
  })
})

describe('NO_ERROR_ROUTE', () => {
  const flow = (flowOnError: string, nodeOnError: string) => yaml`
    flow: t
    start: lookup
    ${flowOnError}
    nodes:
      lookup:
        type: http
        url: https://crm.example/x
        next: b
        ${nodeOnError}
      b:
        type: hangup
  `

  it('warns when neither the http node nor the flow has onError', () => {
    const r = load(flow('', ''))
    expectProblem(r, { code: 'NO_ERROR_ROUTE', severity: 'warning', line: 5, col: 3, mentions: ['"lookup"'], node: 'lookup' })
    expect(r.ok).toBe(true)
  })

  it('is quiet when the flow has onError', () => {
    const r = load(flow('onError: b', ''))
    expect(r.problems, listing(r)).toEqual([])
  })

  it('is quiet when the node has onError', () => {
    const r = load(flow('', 'onError: b'))
    expect(r.problems, listing(r)).toEqual([])
  })
})

// Templates, conditions, patterns and hours ---------------------------------------------------

describe('templates', () => {
  const hangup = (prompt: string, extra = '') => yaml`
    flow: t
    start: a
    ${extra}
    nodes:
      a:
        type: hangup
        prompt: ${prompt}
  `

  it('reports an unknown filter at the template', () => {
    const r = load(hangup('"Hi {{ call.from | nosuchfilter }}"'))
    // The column is the filter's: the quote is at 13, the filter 18 characters into the text.
    expectProblem(r, { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 32, mentions: ['nosuchfilter', '"prompt"'], node: 'a' })
    expect(r.flow).toBeDefined()
  })

  it('points at the filter that fails and names the field', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: "Hi {{ call.from | nosuchfilter }}"
    `)
    expectProblem(r, { code: 'BAD_TEMPLATE', severity: 'error', line: 6, col: 32, mentions: ['nosuchfilter', '"prompt"'] })
  })

  it('points at the failing filter in a plain value, and at the start of a value with escapes', () => {
    const plain = load(hangup('Hi {{ call.from | nosuchfilter }}'))
    expectProblem(plain, { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 31, mentions: ['nosuchfilter'] })
    const escaped = load(hangup('"\\"Hi\\" {{ call.from | nosuchfilter }}"'))
    expectProblem(escaped, { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 13, mentions: ['nosuchfilter'] })
  })

  it('names the field of a template inside a list or a mapping', () => {
    const r = load(yaml`
      flow: t
      start: h
      onError: b
      nodes:
        h:
          type: http
          url: "https://x.example/{{ caller.id }}"
          headers:
            x-token: "{{ vars.token | nosuchfilter }}"
          next: b
        b:
          type: hangup
          prompt:
            - say: Bye.
            - digits: "{{ vars.code }}"
    `)
    expectProblem(r, { code: 'UNKNOWN_ROOT', severity: 'error', line: 7, col: 10, mentions: ['"url"', '"caller.id"'] })
    expectProblem(r, { code: 'BAD_TEMPLATE', severity: 'error', line: 9, col: 33, mentions: ['"headers.x-token"', 'nosuchfilter'] })
    expectProblem(r, { code: 'UNSET_VARIABLE', severity: 'warning', line: 15, col: 17, mentions: ['"prompt[1].digits"', '"vars.code"'] })
  })

  it('reports an unclosed tag and an unclosed output', () => {
    expectProblem(load(hangup('"{% if call.from %}yes"')), { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 14, mentions: ['not closed'] })
    expectProblem(load(hangup('"Hi {{ call.from"')), { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 17, mentions: ['not closed'] })
  })

  it('rejects tags that would read files', () => {
    expectProblem(load(hangup(`"{% include 'header' %}"`)), { code: 'BAD_TEMPLATE', severity: 'error', line: 7, col: 14, mentions: ['include'] })
  })

  it('reports a path outside call., vars., input. and flow.', () => {
    const r = load(hangup('"Hi {{ caller.x }}"'))
    expectProblem(r, { code: 'UNKNOWN_ROOT', severity: 'error', line: 7, col: 13, mentions: ['"caller.x"'] })
  })

  it('accepts the four roots, locals of for loops and assigned names', () => {
    const r = load(hangup('"{{ call.from }} {{ input.digits }} {{ flow.now | time: \'UTC\' }} {% for x in vars.list %}{{ x.name }}{% endfor %}{% assign y = 1 %}{{ y }}"', 'vars: { list: [] }'))
    expect(r.problems, listing(r)).toEqual([])
  })

  it('warns about a vars. path that nothing sets, and still loads the flow', () => {
    const r = load(hangup('"Bye {{ vars.y.name }}"'))
    expectProblem(r, { code: 'UNSET_VARIABLE', severity: 'warning', line: 7, col: 13, mentions: ['"vars.y"'] })
    expect(r.ok).toBe(true)
  })

  it('does not warn about a variable the flow starts with', () => {
    expect(load(hangup('"Bye {{ vars.y }}"', 'vars: { y: friend }')).problems).toEqual([])
  })

  it('does not warn about variables set by set, or saved by input, http or record', () => {
    const prompt = '"{{ vars.tier }} {{ vars.account }} {{ vars.customer.name }} {{ vars.message.url }}"'
    const r = load(yaml`
      flow: t
      start: s
      onError: bye
      nodes:
        s:
          type: set
          vars:
            tier: gold
          next: i
        i:
          type: input
          prompt: Account number?
          saveAs: account
          onFailure: bye
          next: h
        h:
          type: http
          url: https://crm.example/{{ vars.account }}
          saveAs: customer
          next: r
        r:
          type: record
          saveAs: message
          next: bye
        bye:
          type: hangup
          prompt: ${prompt}
    `)
    expect(r.problems, listing(r)).toEqual([])
    // The same flow without the set node's variable warns: the check does look at the prompt.
    const without = load(r.source.text.replace('tier: gold', 'level: gold'))
    expectProblem(without, { code: 'UNSET_VARIABLE', severity: 'warning', line: 27, col: 13, mentions: ['"vars.tier"'] })
  })

  it('checks templates in every place a node has them, at that place', () => {
    const r = load(yaml`
      flow: t
      start: s
      onError: bye
      nodes:
        s:
          type: set
          vars:
            greeting: "{{ vars.v1 }}"
          next: h
        h:
          type: http
          method: POST
          url: "https://x.example/{{ vars.v2 }}"
          headers:
            x-token: "{{ vars.v3 }}"
          body:
            nested: { deep: "{{ vars.v4 }}" }
          next: m
        m:
          type: menu
          prompt:
            - say: Hello
            - digits: "{{ vars.v5 }}"
          reprompt: "{{ vars.v6 }}"
          choices: { "1": d }
          noInput: ["Hello?", { play: "{{ vars.v7 }}" }]
          noMatch: "{{ vars.v8 }}"
          onFailure: d
        d:
          type: dial
          number: ["+15551230000", "{{ vars.v9 }}"]
          callerId: "{{ vars.v10 }}"
          next: q
        q:
          type: enqueue
          queue: "{{ vars.v11 }}"
          next: red
        red:
          type: redirect
          url: "https://x.example/{{ vars.v12 }}"
        bye:
          type: hangup
          prompt: "{{ vars.greeting }}"
    `)
    const unset = withCode(r, 'UNSET_VARIABLE')
    expect(unset.map((p) => /"vars\.(v\d+)"/.exec(p.message)?.[1]), listing(r)).toEqual(
      ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11', 'v12'])
    expect(unset.map((p) => `${p.line}:${p.col}`)).toEqual(
      ['8:17', '13:10', '15:16', '17:23', '23:17', '24:15', '26:33', '27:14', '31:30', '32:15', '36:12', '40:10'])
    expect(unset.every((p) => p.severity === 'warning')).toBe(true)
  })

  it('does not treat voice names or audio loops as templates', () => {
    const r = load(hangup('\n  - say: "Hi"\n    voice: "{{ nope }}"'))
    expect(r.problems, listing(r)).toEqual([])
  })
})

describe('conditions', () => {
  const branch = (when: string) => yaml`
    flow: t
    start: a
    nodes:
      a:
        type: branch
        cases:
          - when: ${when}
            goto: b
        else: b
      b:
        type: hangup
  `

  it('reports a matches regex that does not compile, at the regex', () => {
    const r = load(branch('{ var: input.speech, matches: "(sales" }'))
    expectProblem(r, { code: 'BAD_REGEX', severity: 'error', line: 7, col: 45, mentions: ['(sales'], node: 'a' })
  })

  it('finds a bad regex inside all / any / not', () => {
    const r = load(branch('{ all: [{ var: call.from, startsWith: "+1" }, { not: { var: input.speech, matches: "[" } }] }'))
    expectProblem(r, { code: 'BAD_REGEX', severity: 'error', line: 7, col: 98, mentions: ['['] })
  })

  it('reports unknown roots and unset variables at the var', () => {
    const r = load(branch('{ any: [{ var: calls.from, exists: true }, { var: vars.tier, equals: gold }] }'))
    expectProblem(r, { code: 'UNKNOWN_ROOT', severity: 'error', line: 7, col: 30, mentions: ['"calls.from"'] })
    expectProblem(r, { code: 'UNSET_VARIABLE', severity: 'warning', line: 7, col: 65, mentions: ['"vars.tier"'] })
  })

  it('accepts a well-formed condition of every operator', () => {
    for (const when of ['{ var: call.from, equals: "+1" }', '{ var: call.from, notEquals: "+1" }', '{ var: input.digits, in: ["1", 2] }',
      '{ var: call.from, startsWith: "+81" }', '{ var: input.speech, matches: "^sales?$" }', '{ var: input.digits, greaterThan: 3 }',
      '{ var: input.digits, lessThan: 3 }', '{ var: input.digits, exists: false }', '{ not: { var: call.from, exists: true } }']) {
      const r = load(branch(when))
      expect(r.problems, `${when}: ${listing(r)}`).toEqual([])
    }
  })
})

describe('input nodes', () => {
  const input = (lines: string) => yaml`
    flow: t
    start: i
    nodes:
      i:
        type: input
        prompt: Enter your account number.
        saveAs: account
        ${lines}
        onFailure: b
        next: b
      b:
        type: hangup
  `

  it('reports a pattern that does not compile at the pattern', () => {
    const r = load(input('pattern: "^[0-9{6}$"'))
    expectProblem(r, { code: 'BAD_REGEX', severity: 'error', line: 8, col: 14, mentions: ['pattern'], node: 'i' })
  })

  it('reports minDigits > maxDigits at minDigits, also against the default maximum', () => {
    expectProblem(load(input('minDigits: 8\nmaxDigits: 4')), { code: 'BAD_DIGIT_RANGE', severity: 'error', line: 8, col: 16, mentions: ['(8)', '(4)'] })
    expectProblem(load(input('minDigits: 30')), { code: 'BAD_DIGIT_RANGE', severity: 'error', line: 8, col: 16, mentions: ['(30)', '(20)'] })
  })

  it('accepts minDigits = maxDigits and a good pattern', () => {
    expect(load(input('minDigits: 6\nmaxDigits: 6\npattern: "^[0-9]{6}$"')).problems).toEqual([])
  })
})

describe('hours nodes', () => {
  const hours = (lines: string) => yaml`
    flow: t
    start: h
    nodes:
      h:
        type: hours
        ${lines}
        open: b
        closed: b
      b:
        type: hangup
  `

  it('reports an unknown zone at the zone', () => {
    expectProblem(load(hours('timezone: America/Chicagoo\nhours: { daily: "09:00-17:00" }')),
      { code: 'BAD_TIMEZONE', severity: 'error', line: 6, col: 15, mentions: ['"America/Chicagoo"'] })
  })

  it('reports a bad day key on its line, naming it', () => {
    const r = load(hours('timezone: UTC\nhours:\n  mon-fry: "08:00-18:00"'))
    const bad = withCode(r, 'BAD_HOURS')
    expect(bad, listing(r)).toHaveLength(1)
    expect(bad[0]).toMatchObject({ severity: 'error', line: 8, col: 7, node: 'h', path: ['nodes', 'h', 'hours', 'mon-fry'] })
    expect(bad[0]!.message).toContain('"mon-fry"')
  })

  it('reports an unreadable window at the window, also inside a list', () => {
    const r = load(hours('timezone: UTC\nhours:\n  sat: "8 to 6"\n  sun: ["10:00-12:00", "25:00-26:00"]'))
    expectProblem(r, { code: 'BAD_HOURS', severity: 'error', line: 8, col: 12, mentions: ['"8 to 6"'] })
    expectProblem(r, { code: 'BAD_HOURS', severity: 'error', line: 9, col: 28, mentions: ['25:00'] })
    expect(withCode(r, 'BAD_HOURS')).toHaveLength(2)
  })

  it('reports a holiday that is not a calendar date at that date', () => {
    const r = load(hours('timezone: UTC\nhours: { daily: "09:00-17:00" }\nholidays: ["2026-12-25", "2026-02-30"]'))
    expectProblem(r, { code: 'BAD_HOURS', severity: 'error', line: 8, col: 30, mentions: ['"2026-02-30"'] })
  })

  it('accepts ranges, lists, daily and overnight windows', () => {
    const r = load(hours('timezone: Asia/Tokyo\nhours:\n  mon-fri: ["08:00-12:00", "13:00-18:00"]\n  "sat,sun": "10:00-14:00"\n  fri: "22:00-02:00"\nholidays: ["2027-01-01"]'))
    expect(r.problems, listing(r)).toEqual([])
  })
})

// The whole result ----------------------------------------------------------------------------

describe('the result', () => {
  const messy = yaml`
    flow: t
    start: welcome
    nodes:
      welcome:
        type: say
        prompt: "Hi {{ caller.name }}"
        next: menu
      menu:
        type: menu
        prompt: Press 1.
        choices:
          "a": sales
          "1": salse
      sales:
        type: hangup
      loop:
        type: say
        prompt: Again.
        next: loop
      account:
        type: input
        prompt: "{{ vars.nobody }}"
        saveAs: acct
        minDigits: 9
        maxDigits: 3
        onFailure: sales
        next: sales
  `

  it('returns every problem, sorted by line and column', () => {
    const r = load(messy)
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.code}`), listing(r)).toEqual([
      '6:13 UNKNOWN_ROOT',
      '8:3 NO_FAILURE_EDGE',
      '12:7 BAD_KEY',
      '13:12 UNKNOWN_TARGET',
      '16:3 UNREACHABLE_NODE',
      '19:11 INPUT_FREE_CYCLE',
      '20:3 UNREACHABLE_NODE',
      '22:13 UNSET_VARIABLE',
      '24:16 BAD_DIGIT_RANGE',
    ])
    const positions = r.problems.map((p) => p.line * 10_000 + p.col)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
  })

  it('is not ok with errors, but keeps the flow when the schema accepted it', () => {
    const r = load(messy)
    expect(r.ok).toBe(false)
    expect(r.flow?.nodes.loop?.type).toBe('say')
    expect(r.source.text).toBe(messy)
  })

  it('is ok with only warnings', () => {
    const r = load(yaml`
      flow: t
      start: a
      nodes:
        a:
          type: hangup
          prompt: "Bye {{ vars.who }}"
        b:
          type: hangup
    `)
    expect(r.problems.map((p) => p.severity)).toEqual(['warning', 'warning'])
    expect(r.ok).toBe(true)
    expect(r.flow).toBeDefined()
  })

  it('has no flow when the schema rejected the file', () => {
    const r = load(EVERY_CODE.UNKNOWN_KEY.text)
    expect(r.flow).toBeUndefined()
    expect(r.ok).toBe(false)
  })

  it('applies the schema defaults to the flow', () => {
    const r = load(EVERY_CODE.NO_ERROR_ROUTE.text)
    expect(r.flow?.nodes.lookup).toMatchObject({ type: 'http', method: 'GET', timeout: 5 })
  })
})

describe('the example flows', () => {
  it('are all here', () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual(expect.arrayContaining(['support.yaml', 'verify.yaml']))
  })

  for (const { name, text } of EXAMPLES) {
    it(`${name} loads with no problems`, () => {
      const r = load(text, `flows/${name}`)
      expect(r.problems, listing(r)).toEqual([])
      expect(r.ok).toBe(true)
      expect(r.flow?.flow).toBe(name.replace(/\.yaml$/, ''))
    })
  }
})

// Robustness ----------------------------------------------------------------------------------

/** The properties every result must have, whatever the input. */
function checkInvariants(text: string, r: LoadedFlow): void {
  const lines = text.split('\n')
  for (const p of r.problems) {
    expect(Object.keys(PROBLEM_CODES)).toContain(p.code)
    expect(['error', 'warning']).toContain(p.severity)
    expect(p.file).toBe(FILE)
    expect(p.message.length).toBeGreaterThan(0)
    expect(Number.isInteger(p.line) && Number.isInteger(p.col)).toBe(true)
    expect(p.line, formatProblem(p)).toBeGreaterThanOrEqual(1)
    expect(p.col, formatProblem(p)).toBeGreaterThanOrEqual(1)
    expect(p.line, formatProblem(p)).toBeLessThanOrEqual(lines.length)
    expect(p.col, formatProblem(p)).toBeLessThanOrEqual(lines[p.line - 1]!.length + 1)
  }
  const positions = r.problems.map((p) => p.line * 1_000_000 + p.col)
  expect(positions).toEqual([...positions].sort((a, b) => a - b))
  expect(r.ok).toBe(r.flow !== undefined && r.problems.every((p) => p.severity === 'warning'))
}

describe('loadFlow never throws', () => {
  it('for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      checkInvariants(text, load(text))
    }), { numRuns: 400 })
  })

  it('for text made of YAML and flow fragments', () => {
    const fragment = fc.constantFrom('flow: t\n', 'start: a\n', 'nodes:\n', '  a:\n', '    type: say\n', '    type: menu\n', '    prompt: hi\n',
      '    next: a\n', '    choices:\n', '      "1": a\n', '      1: a\n', '- ', '  ', ': ', '{', '}', '[', ']', ',', '"', "'", '#', '&x ', '*x ',
      '!!str ', '? ', '|\n', '---\n', '\t', '\n', 'x', '1', '{{ vars.x }}', '{%', 'onFailure: a\n')
    fc.assert(fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
      const text = parts.join('')
      checkInvariants(text, load(text))
    }), { numRuns: 400 })
  })

  it('for random mutations of the example flows', () => {
    fc.assert(fc.property(fc.constantFrom(...EXAMPLES.map((e) => e.text)), fc.array(mutation, { minLength: 1, maxLength: 5 }), (text, mutations) => {
      const mutated = mutate(text, mutations)
      checkInvariants(mutated, load(mutated))
    }), { numRuns: 500 })
  })

  it('leaves an unmutated example alone (the mutation harness is not vacuous)', () => {
    const support = EXAMPLES.find((e) => e.name === 'support.yaml')!.text
    expect(mutate(support, [])).toBe(support)
    const broken = mutate(support, [{ kind: 'insert', a: 0, b: 0, text: '  ' }])
    expect(broken).not.toBe(support)
  })

  it('for very deep nesting', () => {
    const text = `flow: t\nstart: a\nnodes: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`
    const r = load(text)
    expect(r.ok).toBe(false)
    checkInvariants(text, r)
  })
})
