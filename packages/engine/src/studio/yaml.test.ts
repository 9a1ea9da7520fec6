import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { convertStudioFlow } from './convert.ts'
import { readStudioFlow } from './definition.ts'
import { studioFlowYaml } from './yaml.ts'

function conversion(states: unknown[], name = 'Front desk') {
  const read = readStudioFlow({ description: name, initial_state: 'Trigger', states: [{ name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingCall', next: 'menu' }], properties: {} }, ...states] })
  if (!read.ok) throw new Error(read.reason)
  return convertStudioFlow(read.source)
}

const MENU = [
  { name: 'menu', type: 'gather-input-on-call', transitions: [{ event: 'keypress', next: 'keys' }, { event: 'timeout', next: 'bye' }], properties: { say: 'Press 1.', timeout: 7 } },
  { name: 'keys', type: 'split-based-on', transitions: [{ event: 'noMatch', next: 'bye' }, { event: 'match', next: 'bye', conditions: [{ type: 'equal_to', value: '1' }] }], properties: { input: '{{widgets.menu.Digits}}' } },
  { name: 'bye', type: 'say-play', transitions: [{ event: 'audioComplete' }], properties: { say: 'Goodbye: "thanks"' } },
]

describe('the flow file of a conversion', () => {
  it('starts with the schema line and where the flow came from, then the flow; nodes are spaced and keys ordered', () => {
    const text = studioFlowYaml(conversion(MENU), { schema: './flow.schema.json' })
    expect(text).toBe(`# yaml-language-server: $schema=./flow.schema.json
#
# Converted from the Twilio Studio flow "Front desk" by phonetree import studio.
# Every widget was converted; compare the flow tests with the Studio flow before going live.
flow: front-desk
title: Front desk
start: menu
nodes:
  menu:
    type: menu
    description: Studio widgets menu, keys
    prompt: Press 1.
    choices:
      "1": bye
    maxNoInput: 1
    maxNoMatch: 1
    timeout: 7
    onFailure: bye

  bye:
    type: say
    prompt: 'Goodbye: "thanks"'
    next: end

  end:
    type: hangup
    description: The Studio flow ends here (a transition that leads nowhere).
`)
    expect(parse(text)).toMatchObject({ flow: 'front-desk', nodes: { bye: { prompt: 'Goodbye: "thanks"' } } })
  })

  it('lists every warning in the header, one line each, and leaves out the schema line unless asked', () => {
    const text = studioFlowYaml(conversion([{ name: 'menu', type: 'run-function', transitions: [{ event: 'success' }], properties: {} }], 'Needs\nwork'))
    const header = text.split('\n').filter((line) => line.startsWith('#'))
    expect(header).toEqual([
      '# Converted from the Twilio Studio flow "Needs work" by phonetree import studio.',
      '# Review before going live (1 warning; docs/migrating-from-studio.md explains each):',
      "#   - menu (run-function): not converted: runs a Twilio Function; Phonetree cannot run it (call it as an http node if it has a URL); it is a placeholder that leads to the flow's onError node",
    ])
  })

  it('writes conditions and speech choices on one line each', () => {
    const text = studioFlowYaml(conversion([
      { name: 'menu', type: 'split-based-on', transitions: [{ event: 'noMatch', next: 'b' }, { event: 'match', next: 'b', conditions: [{ type: 'starts_with', value: '+44' }] }], properties: { input: '{{trigger.call.From}}' } },
      { name: 'b', type: 'say-play', transitions: [], properties: { say: 'Hi' } },
    ]))
    expect(text).toContain('      - when: {var: call.from, startsWith: "+44"}\n        goto: b\n')
  })
})
