import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileFlow, loadFlow, loadTests, runScenario } from '@phonetree/engine'
import type { CompiledFlow, Scenario } from '@phonetree/engine'
import { SimulatorSession } from './session.ts'
import type { SimulatorSettings } from './session.ts'
import { defaultScenarioName, promptOf, scenarioYaml, testFileYaml } from './scenario-export.ts'

const flowFile = (id: string) => new URL(`../../../../flows/${id}.yaml`, import.meta.url)
const compiled = (id: string): CompiledFlow => compileFlow(loadFlow(readFileSync(flowFile(id), 'utf8'), `flows/${id}.yaml`))
const compiledText = (text: string): CompiledFlow => compileFlow(loadFlow(text, 'flows/t.yaml'))

/** Monday 10:00 in Chicago: Acme's office is open. */
const OPEN: SimulatorSettings = { clock: '2026-11-23T10:00:00-06:00', call: { from: '+15551230000', to: '+15557654321' }, vars: {} }

/** Exports the call as YAML, reads it back as a test file would be read, and runs it. */
async function exportAndRun(session: SimulatorSession, name = defaultScenarioName(session.turns)): Promise<{ scenario: Scenario; yaml: string }> {
  const scenario = session.toScenario(name)
  const yaml = testFileYaml(session.compiled.flow.flow, [scenario])
  const loaded = loadTests(yaml, `flows/${session.compiled.flow.flow}.test.yaml`)
  expect(loaded.problems).toEqual([])
  const result = await runScenario(session.compiled, loaded.tests!.tests[0]!)
  expect(result.failure).toBeUndefined()
  expect(result.ok).toBe(true)
  // The test walks exactly the simulated path.
  expect(result.taken).toEqual(session.path)
  return { scenario: loaded.tests!.tests[0]!, yaml }
}

describe('a simulated call of the support line', () => {
  const support = compiled('support')

  it('a gold customer: menu, account entry, CRM lookup answered by the designer, priority line', async () => {
    let call = SimulatorSession.start(support, OPEN)
    expect(call.current.heard).toEqual(['Thanks for calling Acme.', 'For sales, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.'])
    expect(call.node).toBe('main-menu')
    expect(call.waiting).toMatchObject({ kind: 'gather', node: 'main-menu', gather: { numDigits: 1, finishOnKey: '#' } })
    expect(call.highlight()).toEqual({ current: 'main-menu', visited: ['welcome', 'office-hours', 'main-menu'], taken: ['welcome|next', 'office-hours|open'] })

    call = call.send({ press: '2' })
    expect(call.node).toBe('account')
    expect(call.waiting).toMatchObject({ kind: 'gather', gather: { numDigits: 10, finishOnKey: '#' } })

    call = call.send({ press: '4815162342' })
    expect(call.waiting).toMatchObject({ kind: 'http', node: 'lookup', request: { method: 'GET', url: 'https://crm.example.com/accounts/4815162342' } })
    expect(call.pending?.node).toBe('lookup')
    expect(() => call.send({ press: '1' })).toThrow(/answer the request of "lookup" first/)

    call = call.answerEffect({ status: 200, body: { tier: 'gold', name: 'Ada' } })
    expect(call.node).toBe('priority')
    expect(call.current.heard.join(' ')).toContain('Thank you, Ada.')
    expect(call.current.requests).toEqual([{ request: expect.objectContaining({ node: 'lookup' }), answer: { status: 200, body: { tier: 'gold', name: 'Ada' } } }])
    expect(call.waiting).toEqual({ kind: 'dial', node: 'priority', numbers: ['+15551230001', '+15551230002'] })
    expect(call.remembered).toEqual({ lookup: { status: 200, body: { tier: 'gold', name: 'Ada' } } })

    call = call.send({ dial: 'completed' })
    expect(call.ended).toBe(true)
    expect(call.waiting).toEqual({ kind: 'ended', node: 'goodbye' })
    expect(call.turns.map((t) => t.node)).toEqual(['main-menu', 'account', 'priority', 'goodbye'])
    expect(call.highlight()).toEqual({
      current: 'goodbye',
      visited: ['welcome', 'office-hours', 'main-menu', 'account', 'lookup', 'route', 'priority', 'goodbye'],
      taken: ['welcome|next', 'office-hours|open', 'main-menu|choice:2', 'account|next', 'lookup|next', 'route|case:0', 'priority|next'],
    })
    expect(() => call.send({ press: '1' })).toThrow(/ended/)

    const { scenario, yaml } = await exportAndRun(call, 'a gold customer reaches the priority line')
    expect(scenario).toEqual({
      name: 'a gold customer reaches the priority line',
      at: '2026-11-23T10:00:00-06:00',
      mocks: { http: { lookup: { status: 200, body: { tier: 'gold', name: 'Ada' } } } },
      steps: [
        { expect: { node: 'main-menu', prompt: 'Thanks for calling Acme. For sales, press 1. For support, press 2. For an' } },
        { press: '2' },
        { expect: { node: 'account', prompt: 'Please enter your account number, then press pound.' } },
        { press: '4815162342' },
        { expect: { node: 'priority', prompt: 'Thank you, Ada. Connecting you to your priority team.' } },
        { dial: 'completed' },
        { expect: { node: 'goodbye', prompt: 'Thank you for calling Acme. Goodbye.', hangup: true } },
      ],
    })
    expect(yaml).toContain('      - expect: { node: main-menu, prompt: "Thanks for calling Acme. For sales, press 1. For support, press 2. For an" }\n      - press: "2"\n')
    expect(yaml).toContain('        lookup: { status: 200, body: { tier: gold, name: Ada } }\n')
  })

  it('sales is busy: voicemail, a recording, and the ticket system times out', async () => {
    let call = SimulatorSession.start(support, OPEN).send({ press: '1' })
    expect(call.waiting).toEqual({ kind: 'dial', node: 'sales', numbers: ['+15551234567'] })
    call = call.send({ dial: 'busy' })
    expect(call.waiting).toEqual({ kind: 'record', node: 'voicemail' })
    call = call.send({ record: { url: 'https://api.twilio.com/2010-04-01/Recordings/RE1', duration: 12 } })
    expect(call.waiting).toMatchObject({ kind: 'http', node: 'file-ticket', request: { method: 'POST', url: 'https://crm.example.com/tickets' } })
    expect(JSON.parse(call.pending!.body!)).toEqual({ from: '+15551230000', recording: 'https://api.twilio.com/2010-04-01/Recordings/RE1', seconds: 12 })
    call = call.answerEffect({ error: 'timed out after 5000 ms' })
    expect(call.ended).toBe(true)
    expect(call.node).toBe('goodbye')
    // What was heard is kept in order around the request: nothing before it, the goodbye after.
    expect(call.current.parts).toEqual([{ heard: [] }, { request: { request: expect.objectContaining({ node: 'file-ticket' }), answer: { error: 'timed out after 5000 ms' } }, heard: ['Thank you for calling Acme. Goodbye.'] }])
    expect(call.highlight().taken).toEqual(['welcome|next', 'office-hours|open', 'main-menu|choice:1', 'sales|onNoAnswer', 'voicemail|next', 'file-ticket|onError'])
    const { scenario } = await exportAndRun(call)
    expect(scenario.mocks).toEqual({ http: { 'file-ticket': { error: 'timed out after 5000 ms' } } })
    expect(scenario.name).toBe('press 1, dial busy, recording → goodbye')
  })

  it('after hours, the call goes straight to voicemail; an empty recording still files a ticket', async () => {
    let call = SimulatorSession.start(support, { ...OPEN, clock: '2026-11-28T17:00:00-06:00' })
    expect(call.node).toBe('voicemail')
    expect(call.current.heard).toEqual(['Thanks for calling Acme.', expect.stringMatching(/^Our office is closed/), expect.stringMatching(/^Please leave your name/)])
    call = call.send({ record: 'empty' }).answerEffect({ status: 201 })
    expect(call.ended).toBe(true)
    const { scenario } = await exportAndRun(call)
    expect(scenario.at).toBe('2026-11-28T17:00:00-06:00')
    expect(scenario.steps).toContainEqual({ record: 'empty' })
  })

  it('wrong keys, silence and a bare finishing key count as retries, then the operator', async () => {
    let call = SimulatorSession.start(support, OPEN).send({ press: '7' })
    expect(call.node).toBe('main-menu')
    expect(call.current.heard.join(' ')).toContain('Sorry, that is not an option.')
    call = call.send({ noInput: true }).send({ press: '' })
    expect(call.node).toBe('main-menu')
    call = call.send({ press: '9' })
    expect(call.node).toBe('operator')
    expect(call.highlight().taken).toEqual(['welcome|next', 'office-hours|open', 'main-menu|noMatch:retry', 'main-menu|noInput:retry', 'main-menu|noMatch:exhausted'])
    await exportAndRun(call)
  })

  it('a caller from Japan hangs up in the queue', async () => {
    let call = SimulatorSession.start(support, { ...OPEN, call: { from: '+81312345678', to: '+15557654321', FromCity: 'TOKYO' } })
    call = call.send({ press: '2' }).send({ press: '123456' }).answerEffect({ status: 200, body: { tier: 'silver' } })
    expect(call.waiting).toEqual({ kind: 'enqueue', node: 'japan-desk', queue: 'japan' })
    call = call.send({ hangup: true })
    expect(call.ended).toBe(true)
    expect(call.node).toBe('$hungup')
    const highlight = call.highlight()
    // The engine's hang-up state is not a node; the hang-up is drawn from where the caller was.
    expect(highlight.current).toBeUndefined()
    expect(highlight.taken.at(-1)).toBe('japan-desk|hangup')
    expect(highlight.visited.at(-1)).toBe('japan-desk')
    const { scenario } = await exportAndRun(call)
    expect(scenario.call).toEqual({ from: '+81312345678', FromCity: 'TOKYO' })
    expect(scenario.steps.at(-1)).toEqual({ expect: { node: '$hungup', hangup: true } })
  })

  it('remembers answers per http node, and with autoAnswer uses them without asking', async () => {
    const first = SimulatorSession.start(support, OPEN).send({ press: '2' }).send({ press: '123456' }).answerEffect({ status: 200, body: { tier: 'gold' } })
    const asked = SimulatorSession.start(support, OPEN, { remembered: first.remembered }).send({ press: '2' }).send({ press: '123456' })
    expect(asked.waiting).toEqual({ kind: 'http', node: 'lookup', request: expect.objectContaining({ node: 'lookup' }), remembered: { status: 200, body: { tier: 'gold' } } })
    const quick = SimulatorSession.start(support, OPEN, { remembered: first.remembered, autoAnswer: true }).send({ press: '2' }).send({ press: '123456' })
    expect(quick.pending).toBeUndefined()
    expect(quick.node).toBe('priority')
    expect(quick.current.requests.map((r) => r.answer)).toEqual([{ status: 200, body: { tier: 'gold' } }])
    await exportAndRun(quick)
  })

  it('leaves a turn still waiting for its http answer out of the export', async () => {
    const call = SimulatorSession.start(support, OPEN).send({ press: '2' }).send({ press: '123456' })
    expect(call.pending).toBeDefined()
    const scenario = call.toScenario('so far')
    expect(scenario.steps).toEqual([
      { expect: expect.objectContaining({ node: 'main-menu' }) },
      { press: '2' },
      { expect: expect.objectContaining({ node: 'account' }) },
    ])
    expect((await runScenario(support, scenario)).ok).toBe(true)
  })

  it('reports what is new to read aloud after each action', () => {
    const started = SimulatorSession.start(support, OPEN)
    expect(started.viewSince(undefined).map((i) => i.kind)).toEqual(['say', 'gather'])
    const account = started.send({ press: '2' }).send({ press: '123456' })
    const answered = account.answerEffect({ status: 200, body: { tier: 'gold', name: 'Ada' } })
    expect(answered.viewSince(account)).toEqual([expect.objectContaining({ kind: 'say', text: expect.stringContaining('Thank you, Ada.') }), expect.objectContaining({ kind: 'dial' })])
    // Another call (even with the same settings) is read from its start.
    expect(SimulatorSession.start(support, OPEN).viewSince(started)).toHaveLength(2)
  })
})

describe('simulating other flows', () => {
  it('an outbound reminder answered by a machine: caller fields and starting variables go into the test', async () => {
    const reminder = compiled('appointment-reminder')
    const settings: SimulatorSettings = { clock: '2026-11-25T12:00:00Z', call: { from: '+15551230000', to: '+15557654321', answeredBy: 'machine_end_beep' }, vars: { patient: 'Sam', clinic: 'Riverside Dental' } }
    let call = SimulatorSession.start(reminder, settings)
    expect(call.current.heard[0]).toContain('reminder for Sam')
    expect(call.waiting).toMatchObject({ kind: 'http', node: 'log-message', request: { method: 'POST', url: 'https://clinic.example.com/api/appointments/demo/answer', body: '{"answer":"voicemail"}' } })
    call = call.answerEffect({ status: 204 })
    expect(call.ended).toBe(true)
    const { scenario } = await exportAndRun(call)
    // The clinic is the flow's own value, so only the patient is written.
    expect(scenario.vars).toEqual({ patient: 'Sam' })
    expect(scenario.call).toEqual({ answeredBy: 'machine_end_beep' })
  })

  it('a fan says what they want instead of pressing a key', async () => {
    const fans = compiled('fan-voicemail')
    let call = SimulatorSession.start(fans, OPEN)
    expect(call.waiting).toMatchObject({ kind: 'gather', gather: { input: ['dtmf', 'speech'] } })
    call = call.send({ speak: 'when is the next tour' })
    expect(call.highlight().taken).toContain('hello|choice:2')
    call = call.answerEffect({ status: 200, body: { shows: [{ city: 'Austin', date: 'May 2' }] } })
    expect(call.current.heard).toContain('Our next shows: Austin on May 2. ')
    await exportAndRun(call)
  })

  it('successive requests of one http node with different answers export as a list of mocks', async () => {
    const retrying = compiledText(`flow: t
start: fetch
nodes:
  fetch: { type: http, url: "https://api.example.com/x", saveAs: x, next: done, onError: again }
  again: { type: menu, prompt: The service is down. Press 1 to try again., choices: { "1": fetch }, onFailure: done }
  done: { type: hangup, prompt: Bye. }
`)
    let call = SimulatorSession.start(retrying, OPEN)
    call = call.answerEffect({ error: 'timed out after 5000 ms' })
    expect(call.node).toBe('again')
    call = call.send({ press: '1' }).answerEffect({ status: 200, body: { ok: true } })
    expect(call.ended).toBe(true)
    const { scenario } = await exportAndRun(call)
    expect(scenario.mocks).toEqual({ http: { fetch: [{ error: 'timed out after 5000 ms' }, { status: 200, body: { ok: true } }] } })
  })
})

describe('exported prompts and YAML', () => {
  it('checks long prompts by their start, and never writes text that reads as a /regex/', () => {
    expect(promptOf([])).toBeUndefined()
    expect(promptOf(['Hi.', '[pause 1]', 'Bye.'])).toBe('Hi. [pause 1] Bye.')
    expect(promptOf(['a '.repeat(60)])!.length).toBeLessThanOrEqual(80)
    expect(promptOf(['/help/'])).toBe('help/')
  })

  it('an item to paste under tests: is indented like the examples', () => {
    const yaml = scenarioYaml({ name: 'x', steps: [{ press: '*' }, { expect: { node: 'a' } }] })
    expect(yaml).toBe('  - name: x\n    steps:\n      - press: "*"\n      - expect: { node: a }\n')
  })
})
