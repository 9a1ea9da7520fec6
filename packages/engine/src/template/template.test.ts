import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Liquid, analyzeSync } from 'liquidjs'
import { PATH_ROOTS, TemplateError, checkTemplate, readPath, renderTemplate } from './template.ts'
import type { Scope } from './template.ts'

function makeScope(vars: Record<string, unknown> = {}, call: Scope['call'] = {}): Scope {
  return {
    call: { sid: 'CA123', from: '+15551234567', to: '+15557654321', ...call },
    vars,
    input: { digits: '42', speech: 'sales please', confidence: 0.9 },
    flow: { id: 'support', title: 'Acme support', now: '2026-03-07T12:05:00Z' },
  }
}

describe('renderTemplate', () => {
  it('renders paths from every root', () => {
    const scope = makeScope({ customer: { tier: 'gold' } })
    expect(renderTemplate('{{ call.from }} {{ vars.customer.tier }} {{ input.digits }} {{ flow.id }}', scope))
      .toBe('+15551234567 gold 42 support')
  })

  it('returns text without placeholders as is', () => {
    expect(renderTemplate('Thanks for calling Acme.', makeScope())).toBe('Thanks for calling Acme.')
    expect(renderTemplate('', makeScope())).toBe('')
  })

  it('renders undefined variables as empty text', () => {
    expect(renderTemplate('[{{ vars.missing.deep }}][{{ nothing }}]', makeScope())).toBe('[][]')
  })

  it('does not escape HTML: the output is speech', () => {
    expect(renderTemplate('{{ vars.name }}', makeScope({ name: 'Tom & Jerry <3 "quoted"' })))
      .toBe('Tom & Jerry <3 "quoted"')
  })

  it('supports standard filters', () => {
    const scope = makeScope({ name: 'ada', n: 4, list: ['a', 'b', 'c'] })
    expect(renderTemplate('{{ vars.name | upcase }} {{ vars.name | append: "!" }} {{ vars.n | plus: 1 }} {{ vars.list | size }}', scope))
      .toBe('ADA ada! 5 3')
    expect(renderTemplate('Hello {{ vars.nobody | default: "there" }}', scope)).toBe('Hello there')
    expect(renderTemplate('{{ vars.list | join: ", " }}', scope)).toBe('a, b, c')
  })

  it('uses JavaScript truthiness in tags', () => {
    const render = (vars: Record<string, unknown>) => renderTemplate('{% if vars.x %}yes{% else %}no{% endif %}', makeScope(vars))
    expect(render({ x: '' })).toBe('no')
    expect(render({ x: 0 })).toBe('no')
    expect(render({ x: 'a' })).toBe('yes')
    expect(render({})).toBe('no')
  })

  it('renders objects and arrays as JSON, also through raw', () => {
    const scope = makeScope({ customer: { tier: 'gold', id: 7 }, list: [1, 'x'] })
    expect(renderTemplate('{{ vars.customer }}', scope)).toBe('{"tier":"gold","id":7}')
    expect(renderTemplate('{{ vars.list }}', scope)).toBe('[1,"x"]')
    expect(renderTemplate('{{ vars.customer | raw }}', scope)).toBe('{"tier":"gold","id":7}')
    expect(renderTemplate('{{ vars.flag }} {{ vars.n }} {{ vars.none }}', makeScope({ flag: true, n: 1.5, none: null }))).toBe('true 1.5 ')
  })

  it('never renders "[object Object]" for an object with a cycle', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(renderTemplate('<{{ vars.c }}>', makeScope({ c: cyclic }))).toBe('<>')
  })

  it('inserts caller-controlled values literally and never evaluates them', () => {
    const scope = makeScope(
      { name: '{{ call.from }}', tag: '{% raw %}', loop: '{% for i in (1..9) %}x{% endfor %}' },
      { callerName: '{{ vars.secret }}' },
    )
    expect(renderTemplate('Hi {{ vars.name }}', scope)).toBe('Hi {{ call.from }}')
    expect(renderTemplate('{{ vars.tag }} and {{ vars.loop }}', scope)).toBe('{% raw %} and {% for i in (1..9) %}x{% endfor %}')
    expect(renderTemplate('{{ call.callerName | upcase }}', scope)).toBe('{{ VARS.SECRET }}')
  })

  it('reads only own properties of the scope', () => {
    expect(renderTemplate('[{{ vars.constructor }}][{{ vars.toString }}][{{ call.__proto__ }}]', makeScope())).toBe('[][][]')
  })

  it('reads "now" in the date filters from flow.now, not the machine clock', () => {
    const scope = makeScope()
    expect(renderTemplate('{{ "now" | date: "%Y-%m-%d %H:%M" }}', scope)).toBe('2026-03-07 12:05')
    expect(renderTemplate('{{ "today" | date: "%A" }}', scope)).toBe('Saturday')
    expect(renderTemplate('{{ flow.now | date: "%H:%M" }}', scope)).toBe('12:05')
  })

  it('throws a TemplateError with an offset for a source that does not parse', () => {
    expect(() => renderTemplate('Hi {{ vars.name | shout }}', makeScope())).toThrow(TemplateError)
    try {
      renderTemplate('Hi {{ vars.name | shout }}', makeScope())
    } catch (error) {
      expect((error as TemplateError).index).toBe(18)
    }
  })

  it('turns a runaway render into empty text instead of stalling or throwing', () => {
    const source = '{% for i in (1..100000000) %}{{ i }}{% endfor %}'
    expect(checkTemplate(source).ok).toBe(true)
    expect(renderTemplate(source, makeScope())).toBe('')
  })

})

describe('custom filters', () => {
  const render = (source: string, vars: Record<string, unknown> = {}) => renderTemplate(source, makeScope(vars))

  it('digits: one character at a time with a short pause between, dropping separators', () => {
    expect(render('{{ "12 34-5" | digits }}')).toBe('1, 2, 3, 4, 5')
    expect(render('{{ vars.code | digits }}', { code: 90210 })).toBe('9, 0, 2, 1, 0')
    expect(render('{{ "ab-12" | digits }}')).toBe('A, B, 1, 2')
  })

  it('time: the local clock time in a zone, spoken naturally', () => {
    expect(render('{{ flow.now | time: "Asia/Tokyo" }}')).toBe('9:05 PM')
    expect(render('{{ flow.now | time: "America/Chicago" }}')).toBe('6:05 AM')
    expect(render('{{ "2026-07-01T00:00:00Z" | time: "Europe/London" }}')).toBe('1:00 AM')
    expect(render('{{ flow.now | time }}')).toBe('12:05 PM')
    expect(render('{{ "now" | time: "Asia/Tokyo" }} on {{ "now" | weekday: "Asia/Tokyo" }}')).toBe('9:05 PM on Saturday')
    expect(render('{{ vars.t | time: "UTC" }}', { t: 1_772_885_100 })).toBe('12:05 PM')
    expect(render('{{ flow.now | time: "Europe/Paris", "fr-FR" }}')).toBe('13:05')
  })

  it('time and weekday: invalid zones, locales and dates give the input unchanged', () => {
    expect(render('{{ flow.now | time: "Mars/Olympus" }}')).toBe('2026-03-07T12:05:00Z')
    expect(render('{{ flow.now | weekday: "Mars/Olympus" }}')).toBe('2026-03-07T12:05:00Z')
    expect(render('{{ flow.now | time: "UTC", "not a locale!" }}')).toBe('2026-03-07T12:05:00Z')
    expect(render('{{ "yesterday" | time: "UTC" }}')).toBe('yesterday')
  })

  it('weekday: the local day name in a zone', () => {
    expect(render('{{ flow.now | weekday: "Asia/Tokyo" }}')).toBe('Saturday')
    expect(render('{{ "2026-03-07T23:30:00Z" | weekday: "Asia/Tokyo" }}')).toBe('Sunday')
    expect(render('{{ "2026-03-07T03:30:00Z" | weekday: "America/Los_Angeles" }}')).toBe('Friday')
  })

  it('phone: North American numbers in groups, others digit by digit', () => {
    expect(render('{{ call.from | phone }}')).toBe('5 5 5, 1 2 3, 4 5 6 7')
    expect(render('{{ "(555) 123-4567" | phone }}')).toBe('5 5 5, 1 2 3, 4 5 6 7')
    expect(render('{{ "+442079460958" | phone }}')).toBe('4 4 2 0 7 9 4 6 0 9 5 8')
    expect(render('{{ vars.n | phone }}', { n: 5551234567 })).toBe('5 5 5, 1 2 3, 4 5 6 7')
  })

  it('never throw on odd input', () => {
    const odd = { u: undefined, n: null, o: { a: 1 }, l: [1, [2]], b: true, x: Number.NaN }
    for (const filter of ['digits', 'phone', 'time: "UTC"', 'weekday: "UTC"', 'time: 42', 'weekday']) {
      for (const key of Object.keys(odd)) {
        expect(() => render(`{{ vars.${key} | ${filter} }}`, odd)).not.toThrow()
      }
    }
    expect(render('[{{ vars.u | digits }}][{{ vars.o | phone }}][{{ vars.o | time: "UTC" }}]', odd)).toBe('[][][{"a":1}]')
  })

  it('standard filters given odd input leave the rest of the prompt intact', () => {
    const odd = { u: undefined, n: null, o: { a: 1 }, l: [1, { b: 2 }], s: 'text', num: 3, pct: '%' }
    // base64_decode, url_decode and the *_exp filters (generators inside liquidjs) throw on these.
    const filters = ['where_exp: "x", "x | nope"', 'has_exp: "x", ")"', 'find_exp: "x", "{{"', 'split: ","', 'join: 1', 'where: "a", 1', 'map: "a"', 'sort', 'sort_natural', 'sum', 'date: "%Y"', 'divided_by: 0',
      'modulo: 0', 'truncate: -1', 'slice: "x"', 'replace: 1, 2', 'base64_decode', 'url_decode', 'group_by: "a"', 'uniq', 'first', 'size']
    fc.assert(fc.property(fc.constantFrom(...Object.keys(odd)), fc.constantFrom(...filters), (key, filter) => {
      expect(render(`before {{ vars.${key} | ${filter} }} after`, odd)).toMatch(/^before [\s\S]* after$/)
    }))
  })
})

describe('checkTemplate', () => {
  it('lists every path a template reads, in source order, once each', () => {
    expect(checkTemplate('{{ vars.customer.tier | default: call.from }}'))
      .toEqual({ ok: true, paths: [['vars', 'customer', 'tier'], ['call', 'from']] })
    expect(checkTemplate('{{ vars.a }} {{ vars.a }} {{ input.digits }}'))
      .toEqual({ ok: true, paths: [['vars', 'a'], ['input', 'digits']] })
    expect(checkTemplate('plain text')).toEqual({ ok: true, paths: [] })
  })

  it('finds variables inside tags and filter arguments', () => {
    const result = checkTemplate('{% if vars.tier == "gold" %}{{ input.digits }}{% elsif flow.title %}x{% endif %}{{ "now" | date: vars.format }}')
    expect(result).toEqual({ ok: true, paths: [['vars', 'tier'], ['input', 'digits'], ['flow', 'title'], ['vars', 'format']] })
  })

  it('leaves out variables the template assigns itself', () => {
    const result = checkTemplate('{% assign x = vars.q %}{{ x.y }}{% for item in vars.items %}{{ item.name }}{{ forloop.index }}{% endfor %}')
    expect(result).toEqual({ ok: true, paths: [['vars', 'q'], ['vars', 'items']] })
  })

  it('reports indexes as segments and dynamic indexes as their own paths', () => {
    expect(checkTemplate('{{ vars.items[0].name }} {{ vars.list[vars.i] }} {{ vars["a b"] }}')).toEqual({
      ok: true,
      paths: [['vars', 'items', '0', 'name'], ['vars', 'list'], ['vars', 'i'], ['vars', 'a b']],
    })
  })

  it('reports paths outside the known roots, for the validator to flag', () => {
    expect(checkTemplate('{{ caller.name }}')).toEqual({ ok: true, paths: [['caller', 'name']] })
  })

  it('rejects unknown filters and points at the filter name', () => {
    const source = 'Hi {{ vars.name | upcase | shout: 2 }}'
    const result = checkTemplate(source)
    expect(result).toEqual({ ok: false, message: 'undefined filter: shout', index: source.indexOf('shout') })
  })

  it('rejects unclosed outputs and tags with the offset of their start', () => {
    expect(checkTemplate('Hi {{ vars.name')).toMatchObject({ ok: false, index: 3 })
    expect(checkTemplate('ab\n{% if vars.x %}yes')).toMatchObject({ ok: false, message: 'tag {% if vars.x %} not closed', index: 3 })
    expect(checkTemplate('x {% frobnicate %}')).toMatchObject({ ok: false, message: 'tag "frobnicate" not found', index: 2 })
  })

  it('reads nothing from text without a {, as Liquid itself finds (property)', () => {
    const liquid = new Liquid()
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('{')), (source) => {
      expect(analyzeSync(liquid.parse(source)).globals).toEqual({})
      expect(checkTemplate(source)).toEqual({ ok: true, paths: [] })
    }))
  })

  it('lists what Liquid lists for text and outputs of dotted paths (property)', () => {
    // A tag that reads nothing, appended on a line of its own (so that no `{` before it joins
    // its `{%`), makes Liquid parse and analyse the template.
    const viaLiquid = (source: string) => checkTemplate(`${source}\n{% if true %}{% endif %}`)
    const name = fc.constantFrom('vars', 'call', 'input', 'flow', 'x', 'last', 'size', 'first', 'nil', 'empty', 'true', 'blank', 'a_b', 'first-name', '0', 'forloop')
    const output = fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.constantFrom('{{ ', '{{', '{{  ', '{{- '), fc.constantFrom(' }}', '}}', '  }}', ' -}}', ' | upcase }}', ' }'))
      .map(([names, open, close]) => `${open}${names.join('.')}${close}`)
    const text = fc.constantFrom('Hi ', 'You pressed ', ' at menu 3.', '', ' {', '} ', '{ x }', '{% if vars.a %}', '{% endif %}', '{{', '}}', 'a\nb')
    fc.assert(fc.property(fc.array(fc.oneof(output, text), { maxLength: 6 }), (parts) => {
      const source = parts.join('')
      const result = checkTemplate(source)
      // Only accepting is short-cut; a refusal comes from Liquid itself, message and all.
      if (result.ok) expect(result, source).toEqual(viaLiquid(source))
      else expect(viaLiquid(source).ok, source).toBe(false)
    }), { numRuns: 2_000 })
    expect(checkTemplate('You pressed {{ vars.last }} at menu {{vars.menu}}, {{ vars.last }}.')).toEqual({ ok: true, paths: [['vars', 'last'], ['vars', 'menu']] })
  })

  it('still refuses plain text longer than Liquid parses', () => {
    expect(checkTemplate('a'.repeat(100_001))).toEqual({ ok: false, message: 'parse length limit exceeded' })
    expect(checkTemplate('a'.repeat(100_000))).toEqual({ ok: true, paths: [] })
  })

  it('rejects tags that would read files', () => {
    for (const tag of ['{% include "x" %}', '{% render "x" %}', '{% layout "x" %}']) {
      expect(checkTemplate(tag).ok).toBe(false)
    }
  })

  it('returns a copy that callers cannot use to corrupt the cache', () => {
    const first = checkTemplate('{{ vars.a }}')
    if (first.ok) first.paths[0]?.push('mutated')
    expect(checkTemplate('{{ vars.a }}')).toEqual({ ok: true, paths: [['vars', 'a']] })
  })

  it('accepts what renders without throwing (property)', () => {
    const pieces = fc.constantFrom('Hi ', '{{ vars.a }}', '{{ vars.a | upcase }}', '{% if vars.b %}', '{% endif %}',
      '{{ call.from | phone }}', '{{ vars.c | digits }}', '{{ flow.now | time: vars.zone }}', '}}', '{%', '{{', ' | ', 'x')
    const values = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.object())
    fc.assert(fc.property(fc.array(pieces, { maxLength: 8 }), values, values, values, values, (parts, a, b, c, zone) => {
      const source = parts.join('')
      const scope = makeScope({ a, b, c, zone })
      if (checkTemplate(source).ok) expect(typeof renderTemplate(source, scope)).toBe('string')
      else expect(() => renderTemplate(source, scope)).toThrow(TemplateError)
    }))
  })
})

describe('readPath', () => {
  const scope = makeScope({ customer: { tier: 'gold' }, items: [{ name: 'Widget' }, { name: 'Gadget' }], 'odd key': 1, zero: 0 })

  it('reads dotted paths from every root', () => {
    expect(readPath(scope, 'vars.customer.tier')).toBe('gold')
    expect(readPath(scope, 'call.from')).toBe('+15551234567')
    expect(readPath(scope, 'input.digits')).toBe('42')
    expect(readPath(scope, 'flow.now')).toBe('2026-03-07T12:05:00Z')
    expect(readPath(scope, 'vars.zero')).toBe(0)
    expect(readPath(scope, 'vars.customer')).toEqual({ tier: 'gold' })
  })

  it('reads bracket indexes and quoted keys', () => {
    expect(readPath(scope, 'vars.items[0].name')).toBe('Widget')
    expect(readPath(scope, 'vars.items[-1].name')).toBe('Gadget')
    expect(readPath(scope, 'vars["odd key"]')).toBe(1)
    expect(readPath(scope, "vars['customer'].tier")).toBe('gold')
  })

  it('supports size, first and last as Liquid does', () => {
    expect(readPath(scope, 'vars.items.size')).toBe(2)
    expect(readPath(scope, 'vars.items.first.name')).toBe('Widget')
    expect(readPath(scope, 'vars.items.last.name')).toBe('Gadget')
    expect(readPath(scope, 'call.from.size')).toBe(12)
  })

  it('gives undefined for anything missing or unreadable', () => {
    expect(readPath(scope, 'vars.nope.deeper')).toBeUndefined()
    expect(readPath(scope, 'vars.items[5].name')).toBeUndefined()
    expect(readPath(scope, 'vars.customer.tier.x')).toBeUndefined()
    expect(readPath(scope, 'vars.constructor')).toBeUndefined()
    expect(readPath(scope, 'vars.__proto__')).toBeUndefined()
    expect(readPath(scope, '')).toBeUndefined()
    expect(readPath(scope, '.vars')).toBeUndefined()
    expect(readPath(scope, 'vars..customer')).toBeUndefined()
    expect(readPath(scope, 'vars.items[')).toBeUndefined()
  })

  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string(), (path) => {
      readPath(scope, path)
    }))
  })
})

describe('PATH_ROOTS', () => {
  it('names the four roots of FLOW-FORMAT.md', () => {
    expect(PATH_ROOTS).toEqual(['call', 'vars', 'input', 'flow'])
  })
})
