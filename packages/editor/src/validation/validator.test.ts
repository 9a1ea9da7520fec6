import { describe, expect, it } from 'vitest'
import { createValidator } from './validator.ts'
import type { Validation, ValidationAnswer, ValidationRequest, ValidationTransport } from './validator.ts'

/** A transport the test answers by hand, in any order. */
function manual() {
  const sent: ValidationRequest[] = []
  let listener: ((answer: ValidationAnswer) => void) | undefined
  const transport: ValidationTransport = { send: (r) => void sent.push(r), onAnswer: (l) => void (listener = l) }
  const answer = (request: ValidationRequest, ok = true) => listener!({ ...request, ok, problems: [] })
  return { transport, sent, answer }
}

describe('the latest-request-wins validator', () => {
  it('applies only the answer to the newest request; an older answer arriving late is dropped', () => {
    const { transport, sent, answer } = manual()
    const applied: Validation[] = []
    const validator = createValidator(transport, (v) => applied.push(v))
    validator.request('one', 'f')
    validator.request('two', 'f')
    validator.request('three', 'f')
    // One at a time: 'two' was replaced by 'three' before it was ever sent.
    expect(sent.map((r) => r.text)).toEqual(['one'])
    answer(sent[0]!)
    expect(applied).toEqual([])
    expect(sent.map((r) => r.text)).toEqual(['one', 'three'])
    answer(sent[1]!)
    expect(applied.map((v) => v.text)).toEqual(['three'])
  })

  it('a stale answer never overwrites a newer one, even when the newer text was validated before', () => {
    const { transport, sent, answer } = manual()
    const applied: string[] = []
    const validator = createValidator(transport, (v) => applied.push(v.text))
    validator.request('a', 'f')
    answer(sent[0]!)
    validator.request('b', 'f') // sent
    validator.request('a', 'f') // known: applied at once
    expect(applied).toEqual(['a', 'a'])
    answer(sent[1]!) // 'b' answers after the user went back to 'a'
    expect(applied).toEqual(['a', 'a'])
  })

  it('tells when nothing is waiting any more', async () => {
    const { transport, sent, answer } = manual()
    const validator = createValidator(transport, () => undefined)
    validator.request('a', 'f')
    let settled = false
    const done = validator.settled().then(() => void (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    answer(sent[0]!)
    await done
    expect(settled).toBe(true)
  })

  it('the same text under another file name is validated again', () => {
    const { transport, sent, answer } = manual()
    const validator = createValidator(transport, () => undefined)
    validator.request('a', 'f')
    answer(sent[0]!)
    validator.request('a', 'g')
    expect(sent.map((r) => r.file)).toEqual(['f', 'g'])
  })
})
