import { DEFAULT_RECORDING_SECONDS, eventOfStep } from '@phonetree/engine'
import type { CallEvent, Expectation, GatherInstruction, HttpMock, ScenarioStep } from '@phonetree/engine'

/**
 * What the designer does on the simulated phone, in the flow-test step format
 * (`press`, `speak`, `noInput`, …), so a simulated call exports as a test without translation.
 */
export type CallerAction = Exclude<ScenarioStep, { expect: Expectation }>

/**
 * The engine event for a caller action: the engine's own mapping, the one `runScenario` uses,
 * so the simulator and the exported test walk the same path.
 *
 * @example eventOf({ press: '1' }) // { type: 'DIGITS', digits: '1' }
 */
export const eventOf: (action: CallerAction) => CallEvent = eventOfStep

export { DEFAULT_RECORDING_SECONDS }

/**
 * A caller action as the transcript shows it.
 *
 * @example describeAction({ press: '' }) // 'pressed the finishing key'
 */
export function describeAction(action: CallerAction): string {
  if ('press' in action) return action.press === '' ? 'pressed the finishing key' : `pressed ${String(action.press)}`
  if ('speak' in action) return `said “${action.speak}”`
  if ('noInput' in action) return 'stayed silent'
  if ('dial' in action) return `dialled party: ${action.dial}`
  if ('queue' in action) return `left the queue: ${action.queue}`
  if ('record' in action) return action.record === 'empty' ? 'left an empty recording' : `recorded ${action.record.duration ?? DEFAULT_RECORDING_SECONDS} s`
  return 'hung up'
}

/**
 * The engine event for an answer the designer gave to an http request; the same mapping as a
 * test's `mocks.http`.
 *
 * @example httpEventOf({ error: 'timed out' }) // { type: 'HTTP_ERROR', message: 'timed out' }
 */
export function httpEventOf(answer: HttpMock): CallEvent {
  return 'error' in answer ? { type: 'HTTP_ERROR', message: answer.error } : { type: 'HTTP_RESULT', status: answer.status, body: answer.body }
}

/** The keys of a phone keypad, in keypad order, with the names test ids use for them. */
export const KEYS: readonly { key: string; name: string; letters: string }[] = [
  { key: '1', name: '1', letters: '' }, { key: '2', name: '2', letters: 'ABC' }, { key: '3', name: '3', letters: 'DEF' },
  { key: '4', name: '4', letters: 'GHI' }, { key: '5', name: '5', letters: 'JKL' }, { key: '6', name: '6', letters: 'MNO' },
  { key: '7', name: '7', letters: 'PQRS' }, { key: '8', name: '8', letters: 'TUV' }, { key: '9', name: '9', letters: 'WXYZ' },
  { key: '*', name: 'star', letters: '' }, { key: '0', name: '0', letters: '+' }, { key: '#', name: 'pound', letters: '' },
]

/** After a key press: the digits held so far, and the digits to send when entry is complete. */
export interface KeyPress {
  buffer: string
  send?: string
}

/**
 * Collects keys the way the phone network does for a `<Gather>`: the finishing key (default
 * `#`) sends what was typed without itself, and reaching `numDigits` sends at once.
 *
 * @example pressKey('12', '#', { numDigits: 10, finishOnKey: '#' }) // { buffer: '', send: '12' }
 */
export function pressKey(buffer: string, key: string, gather: Pick<GatherInstruction, 'numDigits' | 'finishOnKey'>): KeyPress {
  const finish = gather.finishOnKey ?? '#'
  if (finish !== '' && finish.includes(key)) return { buffer: '', send: buffer }
  const next = buffer + key
  if (gather.numDigits !== undefined && next.length >= gather.numDigits) return { buffer: '', send: next }
  return { buffer: next }
}
