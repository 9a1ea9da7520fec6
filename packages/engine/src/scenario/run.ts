import type { CompiledFlow } from '../compile/compile.ts'
import type { CallEvent, Effect } from '../step/events.ts'
import { settle, start, step } from '../step/step.ts'
import type { StepResult, Taken } from '../step/step.ts'
import { heard } from '../step/view.ts'
import type { View } from '../step/view.ts'
import { DEFAULT_TEST_CLOCK } from './schema.ts'
import type { Expectation, HttpMock, Scenario, ScenarioStep } from './schema.ts'

/** Why a scenario failed: the step, what it expected and what the call actually did. */
export interface ScenarioFailure {
  /** 1-based position of the step in the test's `steps`. */
  step: number
  /** The step as a reader would say it: `press "1"`, `expect node`, … */
  label: string
  expected: string
  actual: string
  /** Where the call was, and what the caller heard in the last answer. */
  node: string
  heard: string[]
}

export interface ScenarioResult {
  name: string
  ok: boolean
  failure?: ScenarioFailure
  /** Every transition the call took, for coverage. */
  taken: Taken[]
}

/** The caller fields a test call has unless the test says otherwise. */
export const DEFAULT_TEST_CALL = { sid: 'CA00000000000000000000000000000test', from: '+15551230000', to: '+15557654321', direction: 'inbound' }

/** Resting node types and the caller actions that make sense there. */
const ACCEPTS: Record<string, string[]> = {
  press: ['menu', 'input'], speak: ['menu'], noInput: ['menu', 'input'], dial: ['dial'], record: ['record'], queue: ['enqueue'],
}

class MissingMock extends Error {}

/**
 * Runs one scenario through the engine's pure step function with its http mocks: no server,
 * no XML. Stops at the first failing step and says what was expected and what happened.
 *
 * @example
 * const result = await runScenario(compiled, { name: 'sales', steps: [{ press: '1' }, { expect: { node: 'sales' } }] })
 * result.failure?.expected // 'node "sales"'
 */
export async function runScenario(compiled: CompiledFlow, scenario: Scenario): Promise<ScenarioResult> {
  const clock = scenario.at ?? DEFAULT_TEST_CLOCK
  const requests = new Map<string, number>()
  const perform = (effect: Effect): CallEvent => answerFromMock(effect, scenario.mocks?.http?.[effect.node], requests)
  const taken: Taken[] = []
  const fail = (index: number, label: string, expected: string, actual: string, at: StepResult | undefined): ScenarioResult => ({
    name: scenario.name, ok: false, taken,
    failure: { step: index + 1, label, expected, actual, node: at?.node ?? '(not started)', heard: at ? heard(at.view) : [] },
  })
  let last: StepResult
  try {
    last = await settle(compiled, start(compiled, { ...DEFAULT_TEST_CALL, ...scenario.call }, clock, scenario.vars ?? {}), perform, clock)
  } catch (error) {
    if (error instanceof MissingMock) return fail(-1, 'start', error.message, 'no mock', undefined)
    throw error
  }
  taken.push(...last.taken)
  for (const [index, item] of scenario.steps.entries()) {
    if ('expect' in item) {
      const mismatch = check(item.expect, last)
      if (mismatch !== undefined) return fail(index, `expect ${mismatch.key}`, mismatch.expected, mismatch.actual, last)
      continue
    }
    const label = describeStep(item)
    const kind = Object.keys(item)[0]!
    if (last.status === 'ended') return fail(index, label, 'a call that is still going', `the call ended at "${last.node}"`, last)
    const type = compiled.flow.nodes[last.node]?.type ?? last.node
    if (kind !== 'hangup' && !ACCEPTS[kind]!.includes(type)) {
      return fail(index, label, `the call to be waiting at a ${ACCEPTS[kind]!.join(' or ')} node`, `it waits at ${type} node "${last.node}"`, last)
    }
    try {
      last = await settle(compiled, step(compiled, last.snapshot, eventOfStep(item), clock), perform, clock)
    } catch (error) {
      if (error instanceof MissingMock) return fail(index, label, error.message, 'no mock', last)
      throw error
    }
    taken.push(...last.taken)
  }
  return { name: scenario.name, ok: true, taken }
}

/** A recording's length when a test (or the simulator) gives none. */
export const DEFAULT_RECORDING_SECONDS = 10

/** A test step that acts (press, speak, noInput, dial, record, queue, hangup), not an expectation. */
export type CallerStep = Exclude<ScenarioStep, { expect: Expectation }>

/**
 * The engine event a caller step stands for: what the webhook would bring.
 *
 * @example eventOfStep({ press: '1' }) // { type: 'DIGITS', digits: '1' }
 */
export function eventOfStep(item: CallerStep): CallEvent {
  if ('press' in item) return { type: 'DIGITS', digits: String(item.press) }
  if ('speak' in item) return { type: 'SPEECH', speech: item.speak }
  if ('noInput' in item) return { type: 'NO_INPUT' }
  if ('dial' in item) return { type: 'DIAL_RESULT', status: item.dial }
  if ('queue' in item) return { type: 'QUEUE_RESULT', result: item.queue }
  if ('record' in item) {
    return item.record === 'empty'
      ? { type: 'RECORDING' }
      : { type: 'RECORDING', url: item.record.url, duration: item.record.duration ?? DEFAULT_RECORDING_SECONDS, ...(item.record.transcript !== undefined ? { transcript: item.record.transcript } : {}) }
  }
  return { type: 'HANGUP' }
}

/** A step as a person would describe it in a failure message. */
export function describeStep(item: ScenarioStep): string {
  if ('expect' in item) return `expect ${Object.keys(item.expect).join(', ')}`
  if ('press' in item) return `press "${String(item.press)}"`
  if ('speak' in item) return `speak "${item.speak}"`
  if ('noInput' in item) return 'noInput'
  if ('dial' in item) return `dial ${item.dial}`
  if ('queue' in item) return `queue ${item.queue}`
  if ('record' in item) return item.record === 'empty' ? 'record (empty)' : `record ${item.record.url}`
  return 'hangup'
}

function answerFromMock(effect: Effect, mock: HttpMock | HttpMock[] | undefined, requests: Map<string, number>): CallEvent {
  if (mock === undefined) throw new MissingMock(`a mock for http node "${effect.node}" (${effect.method} ${effect.url}) in mocks.http.${effect.node}`)
  const count = requests.get(effect.node) ?? 0
  requests.set(effect.node, count + 1)
  const answer = Array.isArray(mock) ? mock[Math.min(count, mock.length - 1)]! : mock
  return 'error' in answer ? { type: 'HTTP_ERROR', message: answer.error } : { type: 'HTTP_RESULT', status: answer.status, body: answer.body }
}

interface Mismatch {
  key: string
  expected: string
  actual: string
}

function check(expect: Expectation, last: StepResult): Mismatch | undefined {
  const said = heard(last.view).join(' ')
  if (expect.node !== undefined && expect.node !== last.node) return { key: 'node', expected: `node "${expect.node}"`, actual: `the call is at "${last.node}"` }
  if (expect.hangup !== undefined && expect.hangup !== (last.status === 'ended')) {
    return { key: 'hangup', expected: expect.hangup ? 'the call to have ended' : 'the call to go on', actual: last.status === 'ended' ? `it ended at "${last.node}"` : `it waits at "${last.node}"` }
  }
  if (expect.prompt !== undefined && !matchesText(expect.prompt, said)) {
    return { key: 'prompt', expected: `the caller to hear ${expect.prompt.startsWith('/') ? expect.prompt : `"${expect.prompt}"`}`, actual: said === '' ? 'nothing was said' : `heard "${said}"` }
  }
  if (expect.dial !== undefined) {
    const wanted = Array.isArray(expect.dial) ? expect.dial : [expect.dial]
    const dialled = instruction(last.view, 'dial')?.numbers ?? []
    if (wanted.join(',') !== dialled.join(',')) return { key: 'dial', expected: `a dial to ${wanted.join(', ')}`, actual: dialled.length > 0 ? `dialled ${dialled.join(', ')}` : 'nothing was dialled' }
  }
  if (expect.queue !== undefined) {
    const queue = instruction(last.view, 'enqueue')?.queue
    if (queue !== expect.queue) return { key: 'queue', expected: `the caller in queue "${expect.queue}"`, actual: queue === undefined ? 'no queue' : `queue "${queue}"` }
  }
  if (expect.record !== undefined && expect.record !== (instruction(last.view, 'record') !== undefined)) {
    return { key: 'record', expected: expect.record ? 'a recording' : 'no recording', actual: expect.record ? 'nothing is recorded' : 'the call records' }
  }
  if (expect.vars !== undefined) {
    for (const [name, value] of Object.entries(expect.vars)) {
      const actual = last.snapshot.context.vars[name]
      if (!subset(value, actual)) return { key: 'vars', expected: `vars.${name} = ${JSON.stringify(value)}`, actual: `vars.${name} = ${actual === undefined ? 'unset' : JSON.stringify(actual)}` }
    }
  }
  return undefined
}

function instruction<K extends View[number]['kind']>(view: View, kind: K): Extract<View[number], { kind: K }> | undefined {
  return view.find((i) => i.kind === kind) as Extract<View[number], { kind: K }> | undefined
}

/**
 * `/regex/flags` tests a regular expression; anything else is a case-sensitive substring.
 *
 * @example matchesText('/press (1|one)/i', 'Press 1 for sales') // true
 */
export function matchesText(pattern: string, text: string): boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern)
  return regex ? new RegExp(regex[1]!, regex[2]).test(text) : text.includes(pattern)
}

/** Whether `expected` is contained in `actual`: equal scalars, or every key/item recursively. */
function subset(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return expected === actual || (actual !== undefined && actual !== null && String(expected) === String(actual) && typeof actual !== 'object')
  if (actual === null || typeof actual !== 'object') return false
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => subset(e, actual[i]))
  return Object.entries(expected).every(([k, v]) => subset(v, (actual as Record<string, unknown>)[k]))
}
