import { describe, expect, it } from 'vitest'
import { NODE_TYPES } from '@phonetree/engine'
import { flowFields, nodeFields } from './fields.ts'

const kinds = (fields: { name: string; kind: string }[]) => Object.fromEntries(fields.map((f) => [f.name, f.kind]))

describe('inspector fields from the zod schema', () => {
  it('gives every field of every node type a purpose-built editor (no YAML fallback)', () => {
    for (const type of NODE_TYPES) {
      const fields = nodeFields(type)
      expect(fields.filter((f) => f.kind === 'yaml').map((f) => `${type}.${f.name}`)).toEqual([])
      expect(fields.map((f) => f.name)).not.toContain('type')
      expect(fields.slice(-3).map((f) => f.name)).toEqual(['description', 'voice', 'language'])
    }
  })

  it('reads kinds, bounds, defaults and optionality', () => {
    const menu = nodeFields('menu')
    expect(kinds(menu)).toMatchObject({
      prompt: 'prompt', reprompt: 'prompt', noInput: 'eventPrompts', noMatch: 'eventPrompts', choices: 'choices', input: 'enum',
      maxNoInput: 'number', onFailure: 'target', speechTimeout: 'literalOrNumber', hints: 'text', description: 'longText',
    })
    expect(menu.find((f) => f.name === 'maxNoInput')).toMatchObject({ required: false, defaultValue: 3, min: 1, max: 10, integer: true })
    expect(menu.find((f) => f.name === 'prompt')).toMatchObject({ required: true })
    expect(menu.find((f) => f.name === 'input')).toMatchObject({ options: ['dtmf', 'speech', 'dtmf speech'], defaultValue: 'dtmf' })
    expect(menu.find((f) => f.name === 'speechTimeout')).toMatchObject({ options: ['auto'], min: 1, max: 60 })
    expect(menu.find((f) => f.name === 'onFailure')).toMatchObject({ group: 'edges', required: false })
    expect(menu.find((f) => f.name === 'reprompt')!.description).toMatch(/shorter prompt/)
  })

  it('recognises the complex fields', () => {
    expect(kinds(nodeFields('branch'))).toMatchObject({ cases: 'cases', else: 'target' })
    expect(kinds(nodeFields('hours'))).toMatchObject({ timezone: 'text', hours: 'hours', holidays: 'list', open: 'target', closed: 'target' })
    expect(nodeFields('hours').find((f) => f.name === 'holidays')!.itemPattern!.test('2026-12-25')).toBe(true)
    expect(kinds(nodeFields('set'))).toMatchObject({ vars: 'keyValue' })
    expect(nodeFields('set').find((f) => f.name === 'vars')!.valueTypes).toEqual(['text', 'number', 'boolean'])
    expect(kinds(nodeFields('http'))).toMatchObject({ url: 'text', method: 'enum', headers: 'keyValue', body: 'body', timeout: 'number', next: 'target', onError: 'target' })
    expect(nodeFields('http').find((f) => f.name === 'headers')!.valueTypes).toEqual(['text'])
    expect(kinds(nodeFields('dial'))).toMatchObject({ number: 'textOrList', record: 'boolean', onNoAnswer: 'target' })
    expect(nodeFields('dial').find((f) => f.name === 'number')!.maxItems).toBe(10)
    expect(kinds(nodeFields('input'))).toMatchObject({ finishOnKey: 'enum', pattern: 'text', saveAs: 'text' })
  })

  it('lists essentials, then connections, then notes', () => {
    const names = nodeFields('dial').map((f) => f.name)
    expect(names.indexOf('next')).toBeGreaterThan(names.indexOf('record'))
    expect(names.indexOf('onNoAnswer')).toBeLessThan(names.indexOf('description'))
  })

  it('describes the flow-level fields', () => {
    expect(kinds(flowFields())).toEqual({ title: 'text', description: 'longText', voice: 'text', language: 'text', vars: 'keyValue', start: 'target', onError: 'target' })
    expect(flowFields().find((f) => f.name === 'vars')!.valueTypes).toEqual(['text', 'number', 'boolean', 'yaml'])
  })
})
