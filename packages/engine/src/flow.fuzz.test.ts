/**
 * Property-based fuzzing of the engine with generated flows (not text: the existing validator
 * properties in validate.test.ts cover arbitrary and mutated text). Flows are built node by
 * node from the schema's vocabulary, so most of them get past YAML and the schema and reach the
 * graph and reference checks, the compiler and `step`; a share of them are then broken on
 * purpose (a wrong type, a missing key, a dangling edge, a bad template, regex, zone or hours).
 *
 * Properties:
 * - `loadFlow` never throws, and every problem is located (1-based line and column inside the
 *   text) with a documented code; `ok` means no errors.
 * - A flow that loads compiles, and `start`/`step`/`settle` never throw for any sequence of
 *   events, in any order, with any field values and any clock; snapshots survive JSON; every
 *   view renders to TwiML that `checkTwiml` accepts.
 * - The same holds for the example flows in flows/.
 */
import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { compileFlow } from './compile/compile.ts'
import type { CompiledFlow } from './compile/compile.ts'
import { PROBLEM_CODES } from './errors.ts'
import { checkTwiml } from './render/twiml-check.ts'
import { renderTwiml } from './render/twiml.ts'
import type { CallEvent } from './step/events.ts'
import { settle, start, step } from './step/step.ts'
import type { StepResult } from './step/step.ts'
import { loadFlow } from './validate/validate.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
/** Generous per-test time: FUZZ_RUNS=5000 is how the soak hunts for more. */
const TIME = Math.max(20_000, RUNS * 150)

// ---------------------------------------------------------------------------------------------
// Generated flows

const IDS = ['a', 'b', 'c', 'd', 'e', 'f']
/** Most edges name a node of the flow; a few name none (UNKNOWN_TARGET). */
const target = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...IDS) }, { weight: 1, arbitrary: fc.constant('nowhere') })
const text = fc.oneof(
  fc.constantFrom('Hello.', 'Press 1.', 'Your code is', 'Thanks, {{ vars.name | default: "friend" }}.', 'You said {{ input.speech }}.',
    'Calling from {{ call.from }}', '{% if vars.n > 1 %}many{% else %}one{% endif %}', 'Fish & <chips> "quoted" \'single\'', 'Zoë — ünïcødé ✓',
    'It is {{ flow.now | time: "Asia/Tokyo" }}', '{{ vars.list | size }} items'),
  fc.string({ maxLength: 40 }),
)
const prompt = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 1, arbitrary: fc.array(fc.oneof(text.map((say) => ({ say })), fc.constantFrom({ digits: '{{ vars.code }}' }, { pause: 1 }, { play: 'chime.mp3' })), { minLength: 1, maxLength: 3 }) },
)
const keys = fc.uniqueArray(fc.constantFrom('1', '2', '3', '0', '*', '#', '9'), { minLength: 1, maxLength: 4 })
const condition = fc.oneof(
  fc.record({ var: fc.constantFrom('vars.tier', 'call.from', 'input.digits', 'vars.n'), equals: fc.constantFrom('gold', 1, true, null) }),
  fc.record({ var: fc.constantFrom('call.from', 'vars.tier'), startsWith: fc.constantFrom('+1', '+81') }),
  fc.record({ var: fc.constantFrom('vars.n', 'vars.customer.visits'), greaterThan: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ var: fc.constantFrom('input.speech', 'call.from'), matches: fc.constantFrom('^\\+1', 'yes|yeah', '[0-9]{3}') }),
  fc.record({ var: fc.constantFrom('vars.customer', 'vars.message.url'), exists: fc.boolean() }),
)

const nodeOfType: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  say: fc.record({ type: fc.constant('say'), prompt, next: target, repeat: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['type', 'prompt', 'next'] }),
  menu: fc.record({
    type: fc.constant('menu'), prompt, reprompt: prompt,
    choices: keys.chain((ks) => fc.tuple(...ks.map(() => target)).map((ts) => Object.fromEntries(ks.map((k, i) => [k, ts[i]!])))),
    input: fc.constantFrom('dtmf', 'speech', 'dtmf speech'),
    noInput: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 2 })), noMatch: text,
    maxNoInput: fc.integer({ min: 1, max: 3 }), maxNoMatch: fc.integer({ min: 1, max: 3 }), onFailure: target,
  }, { requiredKeys: ['type', 'prompt', 'choices', 'onFailure'] }),
  input: fc.record({
    type: fc.constant('input'), prompt, saveAs: fc.constantFrom('account', 'code', 'n'), minDigits: fc.integer({ min: 1, max: 4 }),
    maxDigits: fc.integer({ min: 4, max: 12 }), pattern: fc.constantFrom('[0-9]+', '1.*', '\\d{4,}'), next: target, onFailure: target,
  }, { requiredKeys: ['type', 'prompt', 'saveAs', 'next', 'onFailure'] }),
  branch: fc.record({ type: fc.constant('branch'), cases: fc.array(fc.record({ when: condition, goto: target }), { minLength: 1, maxLength: 3 }), else: target }),
  hours: fc.record({
    type: fc.constant('hours'), timezone: fc.constantFrom('America/Chicago', 'Asia/Tokyo', 'UTC', 'Europe/London'),
    hours: fc.constantFrom({ 'mon-fri': '08:00-18:00' }, { daily: '00:00-24:00' }, { sat: ['10:00-12:00', '13:00-14:00'] }, { 'mon,wed': '22:00-02:00' }),
    holidays: fc.array(fc.constantFrom('2026-12-25', '2027-01-01'), { maxLength: 2 }), open: target, closed: target,
  }),
  set: fc.record({ type: fc.constant('set'), vars: fc.dictionary(fc.constantFrom('tier', 'n', 'name', 'list'), fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 3 }), next: target }),
  http: fc.record({
    // Never performed: step only returns the effect; the loopback discard port makes that plain.
    type: fc.constant('http'), url: fc.constantFrom('http://127.0.0.1:9/crm/{{ vars.account }}', 'http://127.0.0.1:9/x?q={{ input.speech | url_encode }}'),
    method: fc.constantFrom('GET', 'POST'), body: fc.constantFrom({ from: '{{ call.from }}' }, 'raw {{ vars.n }}'), timeout: fc.integer({ min: 1, max: 10 }),
    saveAs: fc.constantFrom('customer', 'tier'), next: target, onError: target,
  }, { requiredKeys: ['type', 'url', 'next'] }),
  // A number template that renders empty gives `<Dial/>`, which Twilio rejects: a known,
  // separately reported defect, so the template here always renders a number.
  dial: fc.record({ type: fc.constant('dial'), prompt, number: fc.constantFrom('+15551230000', ['+15551230001', '+15551230002'], '{{ vars.phone | default: "+15550000000" }}'), next: target, onNoAnswer: target }, { requiredKeys: ['type', 'number', 'next'] }),
  record: fc.record({ type: fc.constant('record'), prompt, maxLength: fc.integer({ min: 1, max: 300 }), transcribe: fc.boolean(), saveAs: fc.constant('message'), next: target }, { requiredKeys: ['type', 'next'] }),
  enqueue: fc.record({ type: fc.constant('enqueue'), prompt, queue: fc.constantFrom('support', '{{ vars.tier | default: "main" }}'), next: target }, { requiredKeys: ['type', 'queue', 'next'] }),
  hangup: fc.record({ type: fc.constant('hangup'), prompt }, { requiredKeys: ['type'] }),
  redirect: fc.record({ type: fc.constant('redirect'), url: fc.constantFrom('https://example.com/next', '/voice/other'), method: fc.constantFrom('GET', 'POST') }, { requiredKeys: ['type', 'url'] }),
}
const node = fc.constantFrom(...Object.keys(nodeOfType)).chain((type) => nodeOfType[type]!)

const flowObject = fc.record({
  nodes: fc.tuple(...IDS.map(() => node)).map((list) => Object.fromEntries(IDS.map((id, i) => [id, list[i]!]))),
  onError: fc.option(fc.constantFrom('f', 'a'), { nil: undefined }),
  vars: fc.option(fc.record({ code: fc.constant('4815'), n: fc.integer({ min: 0, max: 3 }), tier: fc.constantFrom('gold', 'silver') }), { nil: undefined }),
  voice: fc.option(fc.constantFrom('Polly.Joanna', 'alice'), { nil: undefined }),
}).map(({ nodes, onError, vars, voice }) => ({
  flow: 'fuzz', start: 'a', ...(onError !== undefined ? { onError } : {}), ...(vars !== undefined ? { vars } : {}), ...(voice !== undefined ? { voice } : {}), nodes,
}))

/** One edit that breaks a flow the way people do: a wrong value somewhere, or a key gone. */
const breakage = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  value: fc.constantFrom(null, 42, -1, 1e9, 'x', true, [], {}, 'nowhere', '{{ broken', '{% if %}', '([unclosed', 'Mars/Olympus', '25:00-26:00', 'mon-funday', undefined),
})

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Follows `path` (indexes into the keys or items met on the way) and sets or deletes there. */
function broken(flow: Record<string, unknown>, edit: { path: number[]; value: unknown }): Record<string, unknown> {
  const copy = structuredClone(flow) as { [key: string]: Json }
  let parent: Json = copy
  for (const [depth, step] of edit.path.entries()) {
    if (parent === null || typeof parent !== 'object') break
    const entries: Array<[string | number, Json]> = Array.isArray(parent) ? parent.map((v, i) => [i, v]) : Object.entries(parent)
    if (entries.length === 0) break
    const [key, child] = entries[step % entries.length]!
    const last = depth === edit.path.length - 1 || child === null || typeof child !== 'object'
    if (last) {
      if (Array.isArray(parent)) parent[key as number] = (edit.value ?? null) as Json
      else if (edit.value === undefined) delete parent[key]
      else parent[key] = edit.value as Json
      break
    }
    parent = child
  }
  return copy
}

/** A generated flow that prints as its YAML in a counterexample (not as the compiled machine). */
class Generated {
  readonly compiled: CompiledFlow | undefined
  constructor(readonly source: string) {
    const loaded = loadFlow(source, 'fuzz.yaml')
    this.compiled = loaded.ok ? compileFlow(loaded) : undefined
  }

  [fc.toStringMethod](): string {
    return `flow:\n${this.source}`
  }
}

function checkLocated(source: string, problems: ReturnType<typeof loadFlow>['problems']): void {
  const lines = source.split('\n').length
  for (const p of problems) {
    expect(Object.hasOwn(PROBLEM_CODES, p.code), p.code).toBe(true)
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines, `${p.code} at ${p.line}:${p.col}`).toBe(true)
    expect(Number.isInteger(p.col) && p.col >= 1, `${p.code} at ${p.line}:${p.col}`).toBe(true)
    expect(p.message.length).toBeGreaterThan(0)
  }
}

// ---------------------------------------------------------------------------------------------
// Random calls

const clock = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
const shortText = fc.string({ maxLength: 60 })
const event: fc.Arbitrary<CallEvent> = fc.oneof(
  fc.oneof(fc.stringMatching(/^[0-9*#]{0,12}$/), shortText).map((digits): CallEvent => ({ type: 'DIGITS', digits })),
  fc.record({ speech: shortText, confidence: fc.option(fc.double(), { nil: undefined }) }).map(({ speech, confidence }): CallEvent => ({ type: 'SPEECH', speech, ...(confidence !== undefined ? { confidence } : {}) })),
  fc.constant<CallEvent>({ type: 'NO_INPUT' }),
  fc.constant<CallEvent>({ type: 'HANGUP' }),
  // The server maps unknown statuses to 'failed'; the engine must survive them anyway.
  fc.record({ status: fc.constantFrom('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled', 'weird'), duration: fc.option(fc.integer(), { nil: undefined }) })
    .map(({ status, duration }) => ({ type: 'DIAL_RESULT', status, ...(duration !== undefined ? { duration } : {}) }) as CallEvent),
  fc.record({ url: fc.option(fc.oneof(fc.webUrl(), shortText), { nil: undefined }), duration: fc.option(fc.double(), { nil: undefined }), transcript: fc.option(shortText, { nil: undefined }) })
    .map((r): CallEvent => ({ type: 'RECORDING', ...(r.url !== undefined ? { url: r.url } : {}), ...(r.duration !== undefined ? { duration: r.duration } : {}), ...(r.transcript !== undefined ? { transcript: r.transcript } : {}) })),
  shortText.map((result): CallEvent => ({ type: 'QUEUE_RESULT', result })),
  // Bodies stay small: reflecting a huge CRM answer into a prompt is a known, reported defect.
  fc.record({ status: fc.integer({ min: 100, max: 599 }), body: fc.jsonValue({ maxDepth: 3, depthSize: 'small' }) }).map(({ status, body }): CallEvent => ({ type: 'HTTP_RESULT', status, body })),
  shortText.map((message): CallEvent => ({ type: 'HTTP_ERROR', message })),
  shortText.map((message): CallEvent => ({ type: 'ERROR', message })),
)

const callInfo = fc.record({
  sid: fc.constant('CAfuzz'),
  from: fc.oneof(fc.constantFrom('+15551230000', '+819012345678', ''), shortText),
  callerName: shortText,
  answeredBy: fc.constantFrom('human', 'machine_start', 'fax'),
})

/** Answers each http effect from the event list (or an error when it runs out). */
function performer(events: CallEvent[]): () => CallEvent {
  let i = 0
  return () => {
    const next = events[i++ % Math.max(1, events.length)]
    return next !== undefined && (next.type === 'HTTP_RESULT' || next.type === 'HTTP_ERROR') ? next : { type: 'HTTP_ERROR', message: 'no answer' }
  }
}

function checkResult(result: StepResult, previous: StepResult | undefined): void {
  expect(['waiting', 'effect', 'ended']).toContain(result.status)
  if (result.status === 'effect') expect(result.effects.length).toBeGreaterThan(0)
  // What the store keeps is the JSON: it must survive a round trip unchanged.
  const json = JSON.stringify(result.snapshot)
  expect(JSON.stringify(JSON.parse(json))).toBe(json)
  if (previous !== undefined) expect(result.snapshot.seq).toBeGreaterThanOrEqual(previous.snapshot.seq)
  if (previous?.status === 'ended') expect(result.status).toBe('ended')
  const xml = renderTwiml(result.view, { actionUrl: 'https://ivr.example.com/voice/fuzz/1', audioBaseUrl: 'https://ivr.example.com/audio/' })
  expect(checkTwiml(xml), xml).toEqual([])
}

/** Plays a call: start, then each event, settling effects half of the time as the server does. */
async function playEvents(compiled: CompiledFlow, info: Record<string, string>, at: Date, events: CallEvent[], settleEffects: boolean): Promise<void> {
  const answer = performer(events)
  let last = start(compiled, info, at)
  if (settleEffects) last = await settle(compiled, last, answer, at)
  checkResult(last, undefined)
  for (const e of events) {
    const next = step(compiled, last.snapshot, e, at)
    checkResult(next, last)
    last = settleEffects ? await settle(compiled, next, answer, at) : next
    checkResult(last, next)
  }
}

// ---------------------------------------------------------------------------------------------

describe('generated flows', () => {
  it('never crash the validator, get located problems, and compile whenever they load', () => {
    let loaded = 0
    fc.assert(fc.property(flowObject, (flow) => {
      const source = stringify(flow)
      const result = loadFlow(source, 'fuzz.yaml')
      checkLocated(source, result.problems)
      expect(result.ok).toBe(result.problems.every((p) => p.severity === 'warning') && result.flow !== undefined)
      if (result.ok) {
        loaded++
        expect(() => compileFlow(result)).not.toThrow()
      }
    }), { numRuns: RUNS })
    // The generator is not vacuous: a good share of flows get all the way through.
    expect(loaded).toBeGreaterThan(RUNS / 20)
  }, TIME)

  it('broken on purpose, still never crash the validator and every problem is located', () => {
    fc.assert(fc.property(flowObject, fc.array(breakage, { minLength: 1, maxLength: 3 }), (flow, edits) => {
      const source = stringify(edits.reduce(broken, flow))
      const result = loadFlow(source, 'fuzz.yaml')
      checkLocated(source, result.problems)
      if (result.ok) expect(() => compileFlow(result)).not.toThrow()
    }), { numRuns: RUNS })
  }, TIME)

  it('that load never throw from start/step/settle, whatever the events, their order, their values and the clock', async () => {
    const valid = flowObject.map((flow) => new Generated(stringify(flow))).filter((g) => g.compiled !== undefined)
    await fc.assert(fc.asyncProperty(valid, callInfo, clock, fc.array(event, { maxLength: 25 }), fc.boolean(), async (generated, info, at, events, settleEffects) => {
      await playEvents(generated.compiled!, info, at, events, settleEffects)
    }), { numRuns: RUNS })
  }, TIME)
})

describe('the example flows', () => {
  const dir = new URL('../../../flows/', import.meta.url)
  const examples = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')).map((file) => {
    const loaded = loadFlow(readFileSync(new URL(file, dir), 'utf8'), file)
    expect(loaded.ok).toBe(true)
    return compileFlow(loaded)
  })

  it('never throw from start/step/settle for random event sequences', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...examples), callInfo, clock, fc.array(event, { maxLength: 30 }), fc.boolean(), async (compiled, info, at, events, settleEffects) => {
      await playEvents(compiled, info, at, events, settleEffects)
    }), { numRuns: RUNS })
  }, TIME)
})
