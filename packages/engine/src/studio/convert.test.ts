import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatProblem } from '../errors.ts'
import { loadFlow } from '../validate/validate.ts'
import type { Flow } from '../schema/flow.ts'
import { convertStudioFlow } from './convert.ts'
import type { StudioConversion } from './convert.ts'
import { readStudioFlow } from './definition.ts'
import type { StudioCondition, StudioWidget } from './definition.ts'
import { flowIdFrom, varNameFrom } from './names.ts'
import { studioFlowYaml } from './yaml.ts'

// Small Studio flows, one shape at a time: what each widget becomes.

type Wiring = Record<string, string | undefined>

function widget(name: string, type: string, transitions: Wiring = {}, properties: Record<string, unknown> = {}): StudioWidget {
  return { name, type, transitions: Object.entries(transitions).map(([event, next]) => ({ event, ...(next !== undefined ? { next } : {}) })), properties }
}

function split(name: string, input: string, matches: Array<[StudioCondition, string | undefined]>, noMatch?: string): StudioWidget {
  return {
    name,
    type: 'split-based-on',
    transitions: [{ event: 'noMatch', ...(noMatch !== undefined ? { next: noMatch } : {}) }, ...matches.map(([c, next]) => ({ event: 'match', conditions: [c], ...(next !== undefined ? { next } : {}) }))],
    properties: { input },
  }
}

const eq = (value: string): StudioCondition => ({ type: 'equal_to', value })
const anyOf = (value: string): StudioCondition => ({ type: 'matches_any_of', value })
const say = (name: string, text: string, next?: string) => widget(name, 'say-play', { audioComplete: next }, { say: text })
const gather = (name: string, wiring: Wiring, properties: Record<string, unknown> = {}) => widget(name, 'gather-input-on-call', wiring, { say: 'Make a choice.', ...properties })

/** Converts a flow whose trigger's incomingCall leads to `first`, and checks the result validates. */
function convert(first: string, ...states: StudioWidget[]): { conversion: StudioConversion; flow: Flow; warnings: string[] } {
  const trigger = widget('Trigger', 'trigger', { incomingCall: first })
  const read = readStudioFlow({ description: 'Test', initial_state: 'Trigger', states: [trigger, ...states] })
  if (!read.ok) throw new Error(read.reason)
  const conversion = convertStudioFlow(read.source)
  const loaded = loadFlow(studioFlowYaml(conversion), `${conversion.id}.yaml`)
  expect(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([])
  return { conversion, flow: loaded.flow!, warnings: conversion.warnings.map((w) => `${w.widget}: ${w.message}`) }
}

describe('reading a Studio file', () => {
  it('takes a bare definition or the REST API flow resource, whose friendly name names the flow', () => {
    const definition = { description: 'Old name', initial_state: 'Trigger', states: [widget('Trigger', 'trigger')] }
    expect(readStudioFlow(definition)).toMatchObject({ ok: true, source: { name: 'Old name' } })
    expect(readStudioFlow({ sid: 'FW1', friendly_name: 'Main IVR', definition })).toMatchObject({ ok: true, source: { name: 'Main IVR' } })
  })

  it('says why something is not a Studio flow', () => {
    expect(readStudioFlow([1, 2])).toMatchObject({ ok: false })
    expect(readStudioFlow({ flow: 'support', nodes: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/states/) })
    expect(readStudioFlow({ initial_state: 'Trigger', states: [widget('a', 'say-play'), widget('a', 'say-play')] })).toMatchObject({ ok: false, reason: 'two widgets are named "a"' })
  })
})

describe('names', () => {
  it('derives a kebab-case flow id from a name or a file name, or takes --id', () => {
    expect(flowIdFrom('Acme IVR (main)')).toBe('acme-ivr-main')
    expect(flowIdFrom('MainMenuFlow')).toBe('main-menu-flow')
    expect(flowIdFrom('Café Line')).toBe('cafe-line')
    expect(flowIdFrom('!!!')).toBeUndefined()
    const read = readStudioFlow({ initial_state: 'Trigger', states: [widget('Trigger', 'trigger')] })
    if (!read.ok) throw new Error()
    expect(convertStudioFlow(read.source, { fileName: 'exports/My_Flow.json' }).id).toBe('my-flow')
    expect(convertStudioFlow(read.source).id).toBe('studio-flow')
    expect(convertStudioFlow(read.source, { id: 'chosen' }).id).toBe('chosen')
  })

  it('keeps widget names as node ids, fixes invalid ones, and never gives a helper node a widget name', () => {
    const { flow } = convert('say 1', say('say 1', 'Hi', 'end'), say('end', 'Bye'))
    expect(Object.keys(flow.nodes)).toEqual(['say-1', 'end', 'end-2'])
    expect(flow.nodes['end']).toMatchObject({ type: 'say', next: 'end-2' })
    expect(varNameFrom('get customer')).toBe('get_customer')
    expect(varNameFrom('1st')).toBe('_1st')
  })
})

describe('say-play, set-variables, redirect, enqueue', () => {
  it('say: loop → repeat, play → a play part, DTMF digits left out with a warning, an unwired end hangs up', () => {
    const { flow, warnings } = convert('a', say('a', 'Hello', 'b'), widget('b', 'say-play', { audioComplete: 'c' }, { play: 'https://x.example/a.mp3', loop: 2 }), widget('c', 'say-play', {}, { say: 'Twice', loop: 2, digits: '12' }))
    expect(flow.nodes['a']).toEqual({ type: 'say', prompt: 'Hello', repeat: 1, next: 'b' })
    expect(flow.nodes['b']).toMatchObject({ prompt: [{ play: 'https://x.example/a.mp3', loop: 2 }] })
    expect(flow.nodes['c']).toMatchObject({ prompt: 'Twice', repeat: 2, next: 'end' })
    expect(flow.nodes['end']).toMatchObject({ type: 'hangup' })
    expect(warnings).toEqual(['c: plays the DTMF tones "12"; Phonetree does not send tones, so they are left out'])
  })

  it('moves a voice every speaking node shares to the flow, and keeps differing ones on the nodes', () => {
    const same = convert('a', widget('a', 'say-play', { audioComplete: 'b' }, { say: 'A', voice: 'Polly.Joanna' }), widget('b', 'say-play', {}, { say: 'B', voice: 'Polly.Joanna' }))
    expect(same.flow.voice).toBe('Polly.Joanna')
    expect(same.flow.nodes['a']!.voice).toBeUndefined()
    const mixed = convert('a', widget('a', 'say-play', { audioComplete: 'b' }, { say: 'A', voice: 'Polly.Joanna' }), widget('b', 'say-play', {}, { say: 'B' }))
    expect(mixed.flow.voice).toBeUndefined()
    expect(mixed.flow.nodes['a']!.voice).toBe('Polly.Joanna')
  })

  it('set-variables: keys become variable names, values keep their Liquid with paths rewritten', () => {
    const { flow, warnings } = convert('s', widget('s', 'set-variables', { next: 'z' }, { variables: [{ key: 'caller', value: '{{trigger.call.From}}' }, { key: 'retry count', value: '2', type: 'number' }] }), say('z', '{{flow.variables.caller}} {{flow.variables.retry_count}}'))
    expect(flow.nodes['s']).toEqual({ type: 'set', vars: { caller: '{{call.from}}', retry_count: 2 }, next: 'z' })
    expect(flow.nodes['z']).toMatchObject({ prompt: '{{vars.caller}} {{vars.retry_count}}' })
    expect(warnings).toEqual(['s: variable "retry count" is named retry_count here (letters, digits and _ only)'])
  })

  it('redirect hands the call over; a wired return is a warning', () => {
    const { flow, warnings } = convert('r', widget('r', 'add-twiml-redirect', { return: 'z' }, { url: 'https://x.example/twiml?from={{trigger.call.From}}', method: 'GET' }), say('z', 'Back'))
    expect(flow.nodes['r']).toEqual({ type: 'redirect', url: 'https://x.example/twiml?from={{call.from}}', method: 'GET' })
    expect(warnings[0]).toMatch(/return transition leads to "z"/)
  })

  it('enqueue into a named queue; a TaskRouter workflow becomes a placeholder', () => {
    const queue = convert('q', widget('q', 'enqueue-call', { callComplete: 'z', failedToEnqueue: 'z' }, { queue_name: 'support', wait_url: 'https://x.example/hold.xml' }), say('z', 'Bye'))
    expect(queue.flow.nodes['q']).toEqual({ type: 'enqueue', queue: 'support', waitUrl: 'https://x.example/hold.xml', next: 'z' })
    expect(queue.warnings).toEqual([])
    const task = convert('q', widget('q', 'enqueue-call', { callComplete: 'z' }, { workflow_sid: 'WW1' }), say('z', 'Bye'))
    expect(task.flow.nodes['q']).toMatchObject({ type: 'set', vars: {}, next: 'sorry' })
    expect(task.flow.onError).toBe('sorry')
    expect(task.warnings[0]).toMatch(/^q: not converted: enqueues into a TaskRouter workflow/)
  })
})

describe('make-http-request', () => {
  it('a JSON body that parses becomes a mapping; the answer is saved only when something reads it', () => {
    const { flow } = convert('h',
      widget('h', 'make-http-request', { success: 'z', failed: 'z' }, { method: 'POST', url: 'https://x.example/a', content_type: 'application/json;charset=utf-8', body: '{"from": "{{trigger.call.From}}", "n": 2}' }),
      widget('h2', 'make-http-request', { success: 'z' }, { method: 'GET', url: 'https://x.example/b' }),
      say('z', '{{widgets.h2.parsed.name}}'))
    expect(flow.nodes['h']).toEqual({ type: 'http', method: 'POST', url: 'https://x.example/a', body: { from: '{{call.from}}', n: 2 }, timeout: 5, next: 'z', onError: 'z' })
    expect(flow.nodes['h2']).toMatchObject({ saveAs: 'h2', onError: 'end' })
  })

  it('a JSON body with bare templates stays text with a JSON content type', () => {
    const { flow } = convert('h', widget('h', 'make-http-request', { success: 'z' }, { method: 'POST', url: 'https://x.example/a', content_type: 'application/json', body: '{"n": {{flow.variables.n}} }' }), say('z', 'ok'))
    expect(flow.nodes['h']).toMatchObject({ body: '{"n": {{vars.n}} }', headers: { 'content-type': 'application/json' } })
  })

  it('form parameters: a url-encoded body for POST, the query string for GET; Twilio auth is a warning', () => {
    const params = [{ key: 'a b', value: 'x&y' }, { key: 'from', value: '{{trigger.call.From}}' }]
    const post = convert('h', widget('h', 'make-http-request', { success: 'z' }, { method: 'POST', url: 'https://x.example/a', content_type: 'application/x-www-form-urlencoded;charset=utf-8', parameters: params, add_twilio_auth: true }), say('z', 'ok'))
    expect(post.flow.nodes['h']).toMatchObject({ body: 'a%20b=x%26y&from={{call.from | url_encode}}', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(post.warnings).toEqual(['h: adds Twilio credentials to the request; Phonetree does not, so add an authorization header by hand'])
    const get = convert('h', widget('h', 'make-http-request', { success: 'z' }, { method: 'GET', url: 'https://x.example/a?k=1', parameters: params }), say('z', 'ok'))
    expect(get.flow.nodes['h']).toMatchObject({ url: 'https://x.example/a?k=1&a%20b=x%26y&from={{call.from | url_encode}}' })
  })
})

describe('connect-call-to and record-voicemail', () => {
  it('a dial: several numbers at once, caller id, timeout; the caller hanging up is a warning', () => {
    const { flow, warnings } = convert('c', widget('c', 'connect-call-to', { callCompleted: 'z', hangup: 'z' }, { noun: 'number-multi', to: '+15550001, +15550002', caller_id: '{{flow.channel.address}}', timeout: 3, time_limit: 600 }), say('z', 'Bye'))
    expect(flow.nodes['c']).toEqual({ type: 'dial', number: ['+15550001', '+15550002'], callerId: '{{call.to}}', timeout: 5, timeLimit: 600, record: false, next: 'z' })
    expect(warnings).toEqual([
      'c: its hangup transition (the caller hung up) leads to "z"; in Phonetree the call ends when the caller hangs up, so "z" is not run then',
      'c: timeout 3 is outside 5–600; it is 5',
    ])
  })

  it('a split on DialCallStatus folds into next and onNoAnswer, with a warning when busy and no-answer part ways', () => {
    const { flow, warnings } = convert('c',
      widget('c', 'connect-call-to', { callCompleted: 'status' }, { noun: 'number', to: '+15550001' }),
      split('status', '{{widgets.c.DialCallStatus}}', [[eq('completed'), 'thanks'], [eq('busy'), 'busy_say'], [eq('no-answer'), 'vm']], 'vm'),
      say('thanks', 'Thanks'), say('busy_say', 'Busy', 'vm'), widget('vm', 'record-voicemail', { recordingComplete: 'thanks', noAudio: 'thanks' }))
    expect(flow.nodes['c']).toMatchObject({ type: 'dial', description: 'Studio widgets c, status', next: 'thanks', onNoAnswer: 'vm' })
    expect(flow.nodes['status']).toBeUndefined()
    expect(warnings).toEqual(['c: "status" sends busy to "busy_say" but no-answer to "vm"; Phonetree has one edge for all of them (onNoAnswer), "vm"'])
  })

  it('a client, SIP or conference target is a placeholder', () => {
    const { flow, warnings } = convert('c', widget('c', 'connect-call-to', { callCompleted: 'z' }, { noun: 'client', to: 'alice' }), say('z', 'Bye'))
    expect(flow.nodes['c']).toMatchObject({ type: 'set', next: 'sorry' })
    expect(warnings[0]).toMatch(/connects to a client/)
  })

  it('record: saved as the widget name; noAudio elsewhere gets a helper branch on the recording URL', () => {
    const same = convert('r', widget('r', 'record-voicemail', { recordingComplete: 'z', noAudio: 'z' }, { max_length: 60, play_beep: 'false', transcribe: true, finish_on_key: '#' }), say('z', '{{widgets.r.RecordingUrl}}'))
    expect(same.flow.nodes['r']).toEqual({ type: 'record', maxLength: 60, timeout: 5, finishOnKey: '#', playBeep: false, transcribe: true, saveAs: 'r', next: 'z' })
    expect(same.flow.nodes['z']).toMatchObject({ prompt: '{{vars.r.url}}' })
    const apart = convert('r', widget('r', 'record-voicemail', { recordingComplete: 'z', noAudio: 'n' }), say('z', 'Got it'), say('n', 'Nothing'))
    expect(apart.flow.nodes['r']).toMatchObject({ next: 'r-heard' })
    expect(apart.flow.nodes['r-heard']).toMatchObject({ type: 'branch', cases: [{ when: { var: 'vars.r.url', exists: true }, goto: 'z' }], else: 'n' })
  })
})

describe('split-based-on (not after a gather)', () => {
  it('becomes a branch on the tested path; several conditions on one transition must all hold', () => {
    const { flow } = convert('s', {
      name: 's', type: 'split-based-on', properties: { input: '{{trigger.call.From}}' },
      transitions: [{ event: 'noMatch', next: 'z' }, { event: 'match', next: 'z', conditions: [{ type: 'starts_with', value: '+81' }, { type: 'does_not_contain', value: '0' }] }],
    }, say('z', 'Hi'))
    expect(flow.nodes['s']).toEqual({ type: 'branch', cases: [{ when: { all: [{ var: 'call.from', startsWith: '+81' }, { not: { var: 'call.from', matches: '0' } }] }, goto: 'z' }], else: 'z' })
  })

  it('an input with filters is stored by a helper set node first', () => {
    const { flow } = convert('s', split('s', '{{trigger.call.From | slice: 0, 2}}', [[eq('+1'), 'z']], 'z'), say('z', 'Hi'))
    expect(flow.nodes['s']).toMatchObject({ type: 'set', vars: { s_value: '{{call.from | slice: 0, 2}}' }, next: 's-cases' })
    expect(flow.nodes['s-cases']).toMatchObject({ type: 'branch', cases: [{ when: { var: 'vars.s_value', equals: '+1' } }] })
  })

  it('a split with no conditions passes everyone to noMatch; an unconvertible one is a placeholder', () => {
    expect(convert('s', split('s', '{{flow.variables.x}}', [], 'z'), say('z', 'Hi')).flow.nodes['s']).toMatchObject({ type: 'set', vars: {}, next: 'z' })
    const time = convert('s', split('s', '{{flow.variables.x}}', [[{ type: 'is_before_time', value: '09:00' }, 'z']], 'z'), say('z', 'Hi'))
    expect(time.flow.nodes['s']).toMatchObject({ type: 'set', next: 'sorry', description: expect.stringMatching(/^NOT CONVERTED: Studio split-based-on widget "s": condition type is_before_time/) })
  })
})

describe('gather + split → menu or input', () => {
  it('equal_to and matches_any_of keys become choices; several values lead to the same node', () => {
    const { flow } = convert('g', gather('g', { keypress: 'k', timeout: 'bye' }), split('k', '{{widgets.g.Digits}}', [[anyOf('1, 2'), 'a'], [eq('0'), 'b']], 'bye'), say('a', 'A'), say('b', 'B'), say('bye', 'Bye'))
    expect(flow.nodes['g']).toMatchObject({ type: 'menu', choices: { 0: 'b', 1: 'a', 2: 'a' }, maxNoInput: 1, maxNoMatch: 1, onFailure: 'bye' })
    expect(flow.nodes['k']).toBeUndefined()
  })

  it('keys that start other keys, or a split another widget also uses, make an input and a branch instead', () => {
    const ambiguous = convert('g', gather('g', { keypress: 'k' }), split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a'], [eq('10'), 'a']], 'a'), say('a', '{{widgets.g.Digits}}'))
    expect(ambiguous.flow.nodes['g']).toMatchObject({ type: 'input', saveAs: 'g', next: 'k', onFailure: 'end' })
    expect(ambiguous.flow.nodes['k']).toMatchObject({ type: 'branch', cases: [{ when: { var: 'vars.g', equals: '1' } }, { when: { var: 'vars.g', equals: '10' } }] })
    expect(ambiguous.flow.nodes['a']).toMatchObject({ prompt: '{{vars.g}}' })
    const shared = convert('g', gather('g', { keypress: 'k' }), split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']], 'other'), say('other', 'Other', 'k'), say('a', 'A'))
    expect(shared.flow.nodes['g']).toMatchObject({ type: 'input' })
  })

  it('a gather whose keys go straight to another widget is an input; number_of_digits and finish_on_key carry over', () => {
    const { flow, warnings } = convert('g', gather('g', { keypress: 'a', speech: 'a', timeout: 'a' }, { number_of_digits: 4, finish_on_key: '*' }), say('a', 'You pressed {{widgets.g.Digits}}'))
    expect(flow.nodes['g']).toMatchObject({ type: 'input', maxDigits: 4, finishOnKey: '*', next: 'a', onFailure: 'a' })
    expect(warnings[0]).toMatch(/^g: its speech transition \(to "a"\) is not converted/)
  })

  it('a timeout through a counter becomes maxNoInput and onNoInput; a wrong key without one loops as in Studio', () => {
    const { flow, warnings } = convert('g',
      gather('g', { keypress: 'k', timeout: 'count' }),
      split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']], 'g'),
      widget('count', 'set-variables', { next: 'check' }, { variables: [{ key: 'silences', value: '{{flow.variables.silences | plus: 1}}' }] }),
      split('check', '{{flow.variables.silences}}', [[eq('2'), 'bye']], 'again'),
      say('again', 'Still there?', 'g'), say('a', 'A'), say('bye', 'Bye'))
    expect(flow.nodes['g']).toMatchObject({ type: 'menu', noInput: 'Still there?', maxNoInput: 2, onNoInput: 'bye', maxNoMatch: 10, onNoMatch: 'g', description: 'Studio widgets g, k, count, check, again' })
    for (const folded of ['count', 'check', 'again']) expect(flow.nodes[folded]).toBeUndefined()
    expect(warnings).toEqual(['g: a wrong answer goes back to "g" without a counter; Phonetree asks again up to 10 times in a row, then starts "g" over'])
  })

  it('different "Sorry" prompts on each retry become a count-indexed list', () => {
    const { flow } = convert('g',
      gather('g', { keypress: 'k', timeout: 'count' }),
      split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']], 'count'),
      widget('count', 'set-variables', { next: 'check' }, { variables: [{ key: 'n', value: '{{ flow.variables.n | plus: 1 }}' }] }),
      split('check', '{{flow.variables.n}}', [[eq('1'), 'first'], [{ type: 'less_than', value: '4' }, 'later']], 'bye'),
      say('first', 'Let us try again.', 'g'), say('later', 'One more time.', 'g'), say('a', 'A'), say('bye', 'Bye'))
    expect(flow.nodes['g']).toMatchObject({ noInput: ['Let us try again.', 'One more time.'], noMatch: ['Let us try again.', 'One more time.'], maxAttempts: 4, maxNoInput: 4, maxNoMatch: 4, onFailure: 'bye' })
  })

  it('a counter the retry shares with other widgets stays a node too', () => {
    const { flow } = convert('start',
      say('start', 'Hi', 'count'),
      gather('g', { keypress: 'k', timeout: 'count' }),
      split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']], 'count'),
      widget('count', 'set-variables', { next: 'check' }, { variables: [{ key: 'n', value: '{{flow.variables.n | plus: 1}}' }] }),
      split('check', '{{flow.variables.n}}', [[{ type: 'greater_than', value: '2' }, 'bye']], 'g'),
      say('a', 'A'), say('bye', 'Bye'))
    expect(flow.nodes['g']).toMatchObject({ maxAttempts: 3, onFailure: 'bye' })
    expect(flow.nodes['count']).toMatchObject({ type: 'set' })
  })

  it('speech: words on the choice with the same target, and a speech-only target gets a free key, with a warning', () => {
    const { flow, warnings } = convert('g',
      gather('g', { keypress: 'k', speech: 'p', timeout: 'bye' }, { hints: 'sales, billing' }),
      split('k', '{{widgets.g.Digits}}', [[eq('1'), 'sales']], 'bye'),
      split('p', '{{widgets.g.SpeechResult}}', [[{ type: 'contains', value: 'sales' }, 'sales'], [anyOf('billing, invoice, Sales'), 'billing']], 'bye'),
      say('sales', 'S'), say('billing', 'B'), say('bye', 'Bye'))
    expect(flow.nodes['g']).toMatchObject({ type: 'menu', input: 'dtmf speech', hints: 'sales, billing', choices: { 1: { goto: 'sales', words: ['sales'] }, 9: { goto: 'billing', words: ['billing', 'invoice'] } } })
    expect(warnings).toEqual([
      'g: the speech choice to "billing" has no key in Studio; it is choice "9" here, so pressing 9 also selects it',
      'g: the word "Sales" leads to two places; the first condition wins, as in Studio',
    ])
  })

  it('reading a menu answer anywhere but right after the menu is a warning', () => {
    const { warnings } = convert('g', gather('g', { keypress: 'k' }), split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']], 'a'), say('a', 'You chose {{widgets.g.Digits}}', 'b'), say('b', 'Again, {{widgets.g.Digits}}'))
    expect(warnings).toEqual(['b: reads the answer to "g" as input.*, which holds the caller\'s latest answer (to "g" unless another menu or input came in between)'])
  })

  it('a gather with no message of its own has an empty prompt; one that loops repeats it', () => {
    const silent = convert('g', widget('g', 'gather-input-on-call', { keypress: 'k' }, {}), split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']]), say('a', 'A'))
    expect(silent.flow.nodes['g']).toMatchObject({ prompt: '' })
    const looped = convert('g', gather('g', { keypress: 'k' }, { loop: 2 }), split('k', '{{widgets.g.Digits}}', [[eq('1'), 'a']]), say('a', 'A'))
    expect(looped.flow.nodes['g']).toMatchObject({ prompt: [{ say: 'Make a choice.' }, { say: 'Make a choice.' }] })
  })
})

describe('loops that never wait for the caller', () => {
  it('get a one-second wait node, so a polling loop keeps Studio\'s pace and the flow validates', () => {
    const { flow, warnings } = convert('poll',
      widget('poll', 'make-http-request', { success: 'status', failed: 'bye' }, { method: 'GET', url: 'https://x.example/status' }),
      split('status', '{{widgets.poll.parsed.state}}', [[eq('ready'), 'bye']], 'hold'),
      say('hold', 'Still working on it.', 'poll'), say('bye', 'Done'))
    expect(flow.nodes['hold']).toMatchObject({ next: 'poll-wait' })
    expect(flow.nodes['poll-wait']).toMatchObject({ type: 'menu', prompt: '', choices: {}, timeout: 1, onFailure: 'poll' })
    expect(warnings).toEqual(['hold: loops back to "poll" without waiting for the caller; Phonetree answers a webhook in one go, so the wait node "poll-wait" (one second) now sits in the loop'])
  })
})

describe('the trigger', () => {
  it('a flow started by the REST API with Make Outgoing Call starts where "answered" leads', () => {
    const read = readStudioFlow({ initial_state: 'Trigger', states: [
      widget('Trigger', 'trigger', { incomingRequest: 'call' }),
      widget('call', 'make-outgoing-call-v2', { answered: 'hi', busy: 'hi' }, {}),
      say('hi', 'Hello {{flow.data.name}}, you are {{widgets.call.AnsweredBy}}, calling from {{flow.channel.address}}'),
    ] })
    if (!read.ok) throw new Error()
    const conversion = convertStudioFlow(read.source)
    expect(conversion.flow).toMatchObject({ start: 'hi', vars: { name: '' }, nodes: { hi: { prompt: 'Hello {{vars.name}}, you are {{call.answeredBy}}, calling from {{call.from}}' } } })
    expect(conversion.flow.nodes['call']).toBeUndefined()
    expect(conversion.warnings.map((w) => w.widget)).toEqual(['call', 'call'])
  })

  it('no incoming-call transition: the flow hangs up, and says so', () => {
    const read = readStudioFlow({ initial_state: 'Trigger', states: [widget('Trigger', 'trigger', { incomingMessage: 'm' }), widget('m', 'send-message', { sent: undefined })] })
    if (!read.ok) throw new Error()
    const conversion = convertStudioFlow(read.source)
    expect(conversion.flow.start).toBe('end')
    expect(conversion.warnings.map((w) => w.message)).toEqual([
      'its incomingMessage transition (to "m") is not converted: Phonetree flows answer calls',
      'has no incomingCall transition, so the converted flow just hangs up',
      "not converted: sends an SMS; Phonetree flows are voice only; it is a placeholder that leads to the flow's onError node",
    ])
  })

  it('a transition to a widget that does not exist hangs up, with a warning', () => {
    const { flow, warnings } = convert('a', say('a', 'Hi', 'ghost'))
    expect(flow.nodes['a']).toMatchObject({ next: 'end' })
    expect(warnings).toEqual(['a: has a transition to "ghost", which is not a widget of this flow; it now hangs up'])
  })
})

// Whatever the Studio flow, the result validates: placeholders, helper nodes and retries never
// produce a flow with errors.
describe('any Studio flow converts to a valid flow (property)', () => {
  const TYPES = ['say-play', 'gather-input-on-call', 'split-based-on', 'set-variables', 'make-http-request', 'connect-call-to', 'record-voicemail', 'enqueue-call', 'add-twiml-redirect', 'run-function', 'send-message'] as const
  const EVENTS: Record<(typeof TYPES)[number], string[]> = {
    'say-play': ['audioComplete'],
    'gather-input-on-call': ['keypress', 'speech', 'timeout'],
    'split-based-on': ['noMatch', 'match', 'match'],
    'set-variables': ['next'],
    'make-http-request': ['success', 'failed'],
    'connect-call-to': ['callCompleted', 'hangup'],
    'record-voicemail': ['recordingComplete', 'noAudio', 'hangup'],
    'enqueue-call': ['callComplete', 'failedToEnqueue'],
    'add-twiml-redirect': ['return'],
    'run-function': ['success', 'fail'],
    'send-message': ['sent'],
  }
  const CONDITIONS: StudioCondition[] = [eq('1'), anyOf('2, 3'), { type: 'contains', value: 'sales' }, { type: 'regex', value: '^\\d+$' }, { type: 'greater_than', value: '2' }, { type: 'is_after_time', value: '10:00' }]
  const INPUTS = ['{{widgets.w0.Digits}}', '{{widgets.w1.SpeechResult}}', '{{flow.variables.n}}', '{{widgets.w2.parsed.tier}}', '{{widgets.w3.DialCallStatus}}', '{{trigger.call.From | upcase}}']

  const widgetArb = (i: number, count: number) => fc.record({
    type: fc.constantFrom(...TYPES),
    nexts: fc.array(fc.option(fc.integer({ min: 0, max: count - 1 }), { nil: undefined }), { minLength: 3, maxLength: 3 }),
    condition: fc.array(fc.constantFrom(...CONDITIONS), { minLength: 2, maxLength: 2 }),
    input: fc.constantFrom(...INPUTS),
    counter: fc.boolean(),
  }).map(({ type, nexts, condition, input, counter }): StudioWidget => {
    const name = `w${i}`
    const transitions = EVENTS[type].map((event, j) => ({ event, ...(nexts[j] !== undefined ? { next: `w${nexts[j]}` } : {}), ...(event === 'match' ? { conditions: [condition[j - 1] ?? eq('1')] } : {}) }))
    const properties: Record<string, unknown> = {
      'say-play': { say: 'Hello {{widgets.w0.Digits}}' },
      'gather-input-on-call': { say: 'Press a key', timeout: 5 },
      'split-based-on': { input },
      'set-variables': { variables: [{ key: 'n', value: counter ? '{{flow.variables.n | plus: 1}}' : '1' }] },
      'make-http-request': { method: 'POST', url: 'https://x.example/{{flow.variables.n}}', content_type: 'application/json', body: '{"a": "{{trigger.call.From}}"}' },
      'connect-call-to': { noun: 'number', to: '+15550001' },
      'record-voicemail': { transcribe: true },
      'enqueue-call': { queue_name: 'q' },
      'add-twiml-redirect': { url: 'https://x.example/t' },
      'run-function': { url: 'https://x.twil.io/f' },
      'send-message': { body: 'hi' },
    }[type]
    return { name, type, transitions, properties }
  })

  it('validates, keeps the start, and accounts for every widget', () => {
    const flows = fc.integer({ min: 1, max: 8 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => widgetArb(i, count))))
    fc.assert(fc.property(flows, (widgets) => {
      const read = readStudioFlow({ description: 'Random', initial_state: 'Trigger', states: [widget('Trigger', 'trigger', { incomingCall: 'w0' }), ...widgets] })
      if (!read.ok) throw new Error(read.reason)
      const conversion = convertStudioFlow(read.source)
      const loaded = loadFlow(studioFlowYaml(conversion), `${conversion.id}.yaml`)
      expect(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([])
      const nodes = loaded.flow!.nodes
      const descriptions = Object.values(nodes).map((n) => n.description ?? '').join(' ')
      for (const w of widgets) {
        expect(w.name in nodes || new RegExp(`\\b${w.name}\\b`).test(descriptions) || conversion.warnings.some((x) => x.widget === w.name), w.name).toBe(true)
      }
      expect(Object.keys(conversion.layout.nodes).sort()).toEqual(Object.keys(nodes).sort())
    }), { numRuns: 300 })
  })
})
