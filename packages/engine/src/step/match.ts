import type { NodeOf } from '../schema/flow.ts'

/**
 * The menu key a caller's keys select, or undefined for no match. Exact keys only; the
 * first declared choice wins when speech matches several (menu-semantics.md rule 4).
 *
 * @example matchDigits(menu, '2') // '2'
 */
export function matchDigits(menu: NodeOf<'menu'>, digits: string): string | undefined {
  if (!menu.input.includes('dtmf')) return undefined
  return Object.prototype.hasOwnProperty.call(menu.choices, digits) ? digits : undefined
}

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  star: '*', pound: '#', hash: '#',
}

/**
 * The menu key a caller's speech selects: the first choice one of whose `words` occurs in
 * the speech as whole words, or whose key the caller spoke ("two", "2", "press 2").
 *
 * @example matchSpeech(menu, 'I want to buy something') // '1' when choice 1 has words [buy]
 */
export function matchSpeech(menu: NodeOf<'menu'>, speech: string): string | undefined {
  if (!menu.input.includes('speech')) return undefined
  const heard = ` ${normalise(speech)} `
  if (heard.trim() === '') return undefined
  const spokenKeys = new Set(heard.trim().split(' ').map((w) => NUMBER_WORDS[w] ?? w))
  for (const [key, choice] of Object.entries(menu.choices)) {
    const words = typeof choice === 'string' ? [] : choice.words ?? []
    if (words.some((word) => heard.includes(` ${normalise(word)} `))) return key
  }
  return Object.keys(menu.choices).find((key) => spokenKeys.has(key))
}

/**
 * Whether digits entered at an input node are acceptable: length within bounds and, when the
 * node has a `pattern`, the whole entry matches it.
 *
 * @example acceptsDigits({ minDigits: 6, maxDigits: 10, pattern: undefined }, '123456') // true
 */
export function acceptsDigits(node: Pick<NodeOf<'input'>, 'minDigits' | 'maxDigits' | 'pattern'>, digits: string): boolean {
  if (!/^[0-9*#]+$/.test(digits)) return false
  if (digits.length < node.minDigits || digits.length > node.maxDigits) return false
  return node.pattern === undefined || wholeMatch(node.pattern).test(digits)
}

const patterns = new Map<string, RegExp>()
function wholeMatch(pattern: string): RegExp {
  let re = patterns.get(pattern)
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`)
    patterns.set(pattern, re)
  }
  return re
}

function normalise(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}*#]+/gu, ' ').trim()
}
