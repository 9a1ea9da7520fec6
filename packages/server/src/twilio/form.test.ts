import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MalformedFormError, parseForm, parseFormStrictly } from './form.ts'

/** What each parser makes of a body: the fields, or that it refused it. */
function outcome(parse: (body: string) => Record<string, string[]>, body: string): Record<string, string[]> | 'refused' {
  try {
    return parse(body)
  } catch (error) {
    if (error instanceof MalformedFormError) return 'refused'
    throw error
  }
}

// Bodies built from the characters that matter to form decoding, so the property explores
// escapes, separators and non-ASCII text rather than plain letters.
const PIECES = ['a', 'Z', '0', '=', '&', '+', ' ', '%', '%2', '%20', '%2B', '%3D', '%26', '%C3', '%A9', '%C3%A9', '%FF', '%ED%A0%80', '%F0%9F%98%80', '%EF%BF%BD', '\uFFFD', 'é', '😀', '__proto__', 'constructor', '\n', '\u0000']
const body = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((parts) => parts.join(''))

describe('parseForm', () => {
  it('gives the strict answer for every body, refusing exactly what the strict parser refuses', () => {
    fc.assert(fc.property(body, (text) => {
      expect(outcome(parseForm, text)).toEqual(outcome(parseFormStrictly, text))
    }), { numRuns: 20_000 })
  })

  it('keeps repeated keys in order and own fields named like Object members', () => {
    const fields = parseForm('Digits=1&__proto__=x&Digits=2&constructor=y')
    expect(fields.Digits).toEqual(['1', '2'])
    expect(Object.hasOwn(fields, '__proto__')).toBe(true)
    expect(fields.constructor).toEqual(['y'])
  })

  it('refuses malformed and non-UTF-8 escapes rather than turning them into text', () => {
    for (const bad of ['Digits=%ZZ', 'Digits=%', 'Name=%FF', 'Name=%ED%A0%80']) expect(outcome(parseForm, bad)).toBe('refused')
  })

  it('reads raw non-ASCII text as written, even before escaped bytes', () => {
    // Node's URLSearchParams reads this as "驩".
    expect(outcome(parseForm, 'é%A9%A9')).toBe('refused')
    expect(parseForm('Name=J%C3%BCrgen&City=Zürich')).toEqual({ Name: ['Jürgen'], City: ['Zürich'] })
  })

  it('accepts a replacement character the caller really sent', () => {
    expect(parseForm('SpeechResult=%EF%BF%BD+ok')).toEqual({ SpeechResult: ['\uFFFD ok'] })
  })
})
