import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parse } from 'yaml'
import { sameData } from './same-data.ts'

describe('sameData', () => {
  it('holds for equal data read twice from the same YAML', () => {
    const text = 'a: 1\nb: [x, { c: null, d: [true, 2.5] }]\ne: { "1": one, "0": zero }\n'
    expect(sameData(parse(text), parse(text))).toBe(true)
  })

  it('tells apart a changed scalar, a longer list, another key and another key order', () => {
    expect(sameData({ a: [1, 2] }, { a: [1, 3] })).toBe(false)
    expect(sameData({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false)
    expect(sameData({ a: 1 }, { b: 1 })).toBe(false)
    expect(sameData({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false)
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false)
    expect(sameData([], {})).toBe(false)
    expect(sameData({ a: null }, { a: {} })).toBe(false)
    expect(sameData('1', 1)).toBe(false)
  })

  it('agrees with comparing the JSON of both sides', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      expect(sameData(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b))
      expect(sameData(a, structuredClone(a))).toBe(true)
    }))
  })
})
