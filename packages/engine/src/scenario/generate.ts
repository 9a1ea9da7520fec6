import type { CompiledFlow } from '../compile/compile.ts'
import { flowTransitions, nodeTransitions, transitionName } from '../compile/transitions.ts'
import type { TransitionSpec } from '../compile/transitions.ts'
import { evaluateCondition } from '../condition/condition.ts'
import { isOpen, localParts } from '../hours/hours.ts'
import type { Condition, Flow, FlowNode, NodeOf } from '../schema/flow.ts'
import type { CallContext } from '../step/context.ts'
import { scopeOf } from '../step/context.ts'
import type { CallEvent, Effect } from '../step/events.ts'
import { acceptsDigits, matchDigits, matchSpeech } from '../step/match.ts'
import { followedBy, start, step } from '../step/step.ts'
import type { StepResult, Taken } from '../step/step.ts'
import { heard } from '../step/view.ts'
import { readPath, splitPath } from '../template/template.ts'
import type { Scope } from '../template/template.ts'
import { DEFAULT_TEST_CALL, eventOfStep, matchesText } from './run.ts'
import type { CallerStep } from './run.ts'
import { DEFAULT_TEST_CLOCK } from './schema.ts'
import type { Expectation, HttpMock, Scenario, ScenarioStep } from './schema.ts'

/**
 * Generated test paths: flow tests derived from a compiled flow that together take every
 * transition of `flowTransitions(flow)`.
 *
 * The search steps the real engine. A search state is a scenario under construction: its
 * setup (clock, call fields, starting variables, http mocks) and the caller actions so far,
 * replayed through `start`/`step` exactly as `runScenario` does. From each state the search
 * tries every caller action that makes sense where the call waits (each menu key or word,
 * silence, a wrong key, valid and invalid digits, both dial outcomes, a recording and an empty
 * one, leaving a queue), and forks every decision the last answer passed through (hours, http,
 * branch) towards outcomes not taken yet, by changing the setup: a clock found by scanning
 * instants, an `{ error }` or 2xx mock, or data built from the branch's condition. Every fork
 * is replayed, so a state exists only if the engine really goes there. Breadth first, the
 * first state to take each transition is its witness; a greedy cover of the witnesses gives
 * the scenarios, each with an `expect` of where the call is and what was said after every
 * caller action.
 */

export interface GenerateOptions {
  /** Search states to explore before giving up (default 5000). */
  maxStates?: number
  /** Caller actions in one scenario at most (default 40). */
  maxActions?: number
}

export interface UncoveredTransition {
  /** `from --handle--> to`, as in coverage reports. */
  transition: string
  reason: string
}

export interface GeneratedPaths {
  /** In the test-file format: write them under `tests:` of `<flow>.test.yaml`. */
  scenarios: Scenario[]
  /** Transitions no generated scenario takes, with the reason. */
  uncovered: UncoveredTransition[]
  /** Anything else worth knowing: a search that hit its limits, a scenario that failed its own check. */
  problems: string[]
}

type Action = CallerStep

/** What a scenario fixes before the call starts. */
interface Setup {
  /** The clock (an instant); undefined: the default test clock. */
  at?: string
  /** Hours outcomes the clock was chosen for, by node. */
  hours: Record<string, boolean>
  call: Record<string, string>
  vars: Record<string, unknown>
  /** Answers per http node and request number; requests past the list get the default. */
  mocks: Record<string, HttpMock[]>
  /** Answer requests past the list with its last entry, as `runScenario` does. */
  repeatLast?: boolean
}

/** A transition taken, where in the run it was taken and what the call knew then. */
interface TakenAt {
  t: Taken
  /** 0: while starting; n: in the answer to caller action n (1-based). */
  chunk: number
  /** For transitions out of an http node: the request they answered. */
  request?: { node: string; index: number }
  /** The call's context after the engine step that took it. */
  context: CallContext
}

interface Run {
  /** The settled answer to the start (0) and to each caller action. */
  chunks: StepResult[]
  taken: TakenAt[]
  /** The http answers given, per node, in request order. */
  mocksUsed: Record<string, HttpMock[]>
}

interface State {
  id: number
  setup: Setup
  actions: Action[]
  run: Run
}

/** The same bound as `settle`. */
const SETTLE_LIMIT = 25
const RECORDING = { url: 'https://example.com/recordings/RE0001.mp3', duration: 12 }
const ACCEPTS: Record<string, readonly string[]> = {
  press: ['menu', 'input'], speak: ['menu'], noInput: ['menu', 'input'], dial: ['dial'], record: ['record'], queue: ['enqueue'],
}
const WRONG_KEYS = ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0', '#', '*', '99', '00']
const WRONG_WORDS = ['something else', 'banana', 'no thanks', 'hello there']
const KEY_WORDS: Record<string, string> = { 0: 'zero', 1: 'one', 2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six', 7: 'seven', 8: 'eight', 9: 'nine', '*': 'star', '#': 'pound' }

const keyOf = (t: Pick<Taken, 'from' | 'handle'>): string => `${t.from}\u0000${t.handle}`

/**
 * Derives from a compiled flow scenarios that together take every transition, by stepping the
 * engine (see the top of this module). Transitions it cannot reach come back in `uncovered`
 * with the reason, never silently.
 *
 * @example
 * const { scenarios, uncovered } = generatePaths(compileFlow(loadFlow(text, 'flows/support.yaml')))
 * stringify({ flow: 'support', tests: scenarios })
 */
export function generatePaths(compiled: CompiledFlow, options: GenerateOptions = {}): GeneratedPaths {
  return new Search(compiled, options.maxStates ?? 5000, options.maxActions ?? 40).generate()
}

class Search {
  readonly flow: Flow
  readonly all: Map<string, TransitionSpec>
  readonly witness = new Map<string, State>()
  readonly queue: State[] = []
  readonly seen = new Set<string>()
  readonly attempted = new Set<string>()
  readonly reasons = new Map<string, Set<string>>()
  readonly final = new Set<string>()
  readonly reached = new Set<string>()
  readonly actionCache = new Map<string, Action[]>()
  readonly instants: Instants
  nextId = 0
  explored = 0
  /** Some call was still waiting when its scenario reached maxActions. */
  truncated = false

  constructor(readonly compiled: CompiledFlow, readonly maxStates: number, readonly maxActions: number) {
    this.flow = compiled.flow
    this.all = new Map(flowTransitions(this.flow).map((t) => [keyOf(t), t]))
    this.instants = new Instants(this.flow)
  }

  generate(): GeneratedPaths {
    const problems: string[] = []
    const setup: Setup = { hours: {}, call: {}, vars: {}, mocks: {} }
    const root = replay(this.compiled, setup, [])
    if (root === undefined) return { scenarios: [], uncovered: [], problems: ['the call could not be started'] }
    this.admit(setup, [], root)
    while (this.queue.length > 0 && this.witness.size < this.all.size) {
      if (this.explored >= this.maxStates) {
        problems.push(`the search stopped after ${this.maxStates} states (maxStates)`)
        break
      }
      this.explored++
      this.expand(this.queue.shift()!)
    }
    const scenarios = this.select()
    for (const scenario of scenarios) {
      const failure = checkScenario(this.compiled, scenario)
      if (failure !== undefined) problems.push(`generated scenario "${scenario.name}" does not pass: ${failure}`)
    }
    return { scenarios, uncovered: this.uncovered(), problems }
  }

  /** Records what a replayed state covers; queues it unless an equal state was seen. */
  admit(setup: Setup, actions: Action[], run: Run): void {
    const state: State = { id: this.nextId++, setup, actions, run }
    for (const chunk of run.chunks) this.reached.add(chunk.node)
    for (const { t } of run.taken) {
      this.reached.add(t.from)
      const key = keyOf(t)
      if (this.all.has(key) && !this.witness.has(key)) this.witness.set(key, state)
    }
    const last = run.chunks.at(-1)!
    const counts = Object.fromEntries(Object.entries(run.mocksUsed).map(([node, list]) => [node, list.length]))
    const key = JSON.stringify([last.node, last.status, { ...last.snapshot.context, now: undefined }, setup.at ?? '', setup.mocks, counts])
    if (this.seen.has(key)) return
    this.seen.add(key)
    this.queue.push(state)
  }

  expand(state: State): void {
    const lastChunk = state.run.chunks.length - 1
    state.run.taken.forEach((at, position) => {
      if (at.chunk !== lastChunk) return
      const type = this.flow.nodes[at.t.from]?.type
      if (type !== 'hours' && type !== 'http' && type !== 'branch') return
      for (const alt of nodeTransitions(this.flow, at.t.from)) {
        if (alt.handle !== at.t.handle && !this.witness.has(keyOf(alt))) this.fork(state, position, alt)
      }
    })
    const last = state.run.chunks.at(-1)!
    if (last.status !== 'waiting') return
    if (state.actions.length >= this.maxActions) {
      this.truncated = true
      return
    }
    for (const action of this.actionsAt(last.node)) {
      const run = extend(this.compiled, state.setup, state.run, action)
      if (run !== undefined) this.admit(state.setup, [...state.actions, action], run)
    }
  }

  // Decisions --------------------------------------------------------------------------------

  /** Tries to make the decision at `position` go along `alt` instead, by changing the setup. */
  fork(state: State, position: number, alt: TransitionSpec): void {
    const at = state.run.taken[position]!
    const node = this.flow.nodes[at.t.from]!
    const variants: Array<{ setup: Setup; actions: Action[] }> = []
    if (node.type === 'hours') {
      const wanted: Record<string, boolean> = {}
      for (const prior of state.run.taken.slice(0, position)) {
        if (this.flow.nodes[prior.t.from]?.type === 'hours') wanted[prior.t.from] = prior.t.handle === 'open'
      }
      wanted[at.t.from] = alt.handle === 'open'
      const instant = this.instants.find(wanted)
      if (instant === undefined) {
        this.because(alt, `no instant in the weeks scanned (and the holidays) has ${describeHours(wanted)}`)
        return
      }
      variants.push({ setup: { ...state.setup, at: instant, hours: wanted }, actions: state.actions })
    } else if (node.type === 'http') {
      const request = at.request
      if (request === undefined) return
      const mocks = structuredClone(state.run.mocksUsed)
      const list = (mocks[request.node] ??= [])
      list[request.index] = alt.handle === 'onError' ? { error: 'timeout' } : okMock(node)
      variants.push({ setup: { ...state.setup, mocks }, actions: state.actions })
    } else if (node.type === 'branch') {
      variants.push(...this.branchVariants(state, position, node, alt))
    }
    for (const variant of variants) {
      const signature = JSON.stringify([alt.from, alt.handle, variant.setup, variant.actions])
      if (this.attempted.has(signature)) continue
      this.attempted.add(signature)
      const run = replay(this.compiled, variant.setup, variant.actions)
      if (run === undefined) {
        this.because(alt, 'the data that leads there changes the earlier path so the caller\'s actions no longer fit')
        continue
      }
      if (!run.taken.some((t) => t.t.from === alt.from && t.t.handle === alt.handle)) {
        this.because(alt, 'the data built from the condition did not lead there when replayed')
        continue
      }
      this.admit(variant.setup, variant.actions, run)
      return
    }
  }

  /** Setups (and actions) under which the branch should take `alt`: witness data for its condition. */
  branchVariants(state: State, position: number, node: NodeOf<'branch'>, alt: TransitionSpec): Array<{ setup: Setup; actions: Action[] }> {
    const index = alt.handle === 'else' ? node.cases.length : Number(alt.handle.slice('case:'.length))
    const target: Condition = { all: [...node.cases.slice(0, index).map((c): Condition => ({ not: c.when })), ...(index < node.cases.length ? [node.cases[index]!.when] : [])] }
    const at = state.run.taken[position]!
    const scope = scopeOf(this.flow, at.context)
    const variants: Array<{ setup: Setup; actions: Action[] }> = []
    let found = 0
    for (const assignment of solve(target, true, new Map(), scope, { left: 2000, hints: hintsOf(target) })) {
      if (!evaluateCondition(target, overlay(scope, assignment))) continue
      found++
      const variant = this.apply(state, position, assignment)
      if (typeof variant === 'string') this.because(alt, variant)
      else variants.push(variant)
      if (found >= 12 || variants.length >= 4) break
    }
    if (found === 0) this.because(alt, `no values found that make ${index < node.cases.length ? `case ${index + 1}` : 'every case'} ${index < node.cases.length ? 'true' : 'false'}${index > 0 && index < node.cases.length ? ' and the cases before it false' : ''}`)
    return variants
  }

  /** Turns values for paths into a changed setup and actions, or says why a path cannot be chosen. */
  apply(state: State, position: number, assignment: Assignment): { setup: Setup; actions: Action[] } | string {
    const setup: Setup = { ...state.setup, call: { ...state.setup.call }, vars: structuredClone(state.setup.vars), mocks: structuredClone(state.run.mocksUsed) }
    const actions = [...state.actions]
    const at = state.run.taken[position]!
    for (const [path, value] of assignment) {
      const segments = splitPath(path)
      const [root, name, ...rest] = segments ?? []
      if (root === 'call' && typeof name === 'string' && rest.length === 0) {
        setup.call[name] = textOf(value)
      } else if (root === 'vars' && typeof name === 'string') {
        const writer = this.lastWriter(state.run.taken, position, name)
        if (writer === undefined) {
          setup.vars[name] = setIn(setup.vars[name] ?? structuredClone(this.flow.vars?.[name]), rest, value)
        } else if (writer.kind === 'http') {
          const list = (setup.mocks[writer.node] ??= [])
          const mock = list[writer.index]
          const body = mock !== undefined && 'status' in mock && mock.body !== undefined ? structuredClone(mock.body) : {}
          list[writer.index] = { status: mock !== undefined && 'status' in mock && mock.status >= 200 && mock.status < 300 ? mock.status : 200, body: setIn(body, rest, value) }
        } else if (writer.kind === 'input') {
          const digits = textOf(value)
          const input = this.flow.nodes[writer.node] as NodeOf<'input'>
          if (rest.length > 0 || !acceptsDigits(input, digits)) return `${path} holds the digits entered at "${writer.node}", which cannot be ${JSON.stringify(value)}`
          actions[writer.action] = { press: digits }
        } else if (writer.kind === 'record') {
          const changed = recordWith(actions[writer.action], rest, value)
          if (changed === undefined) return `${path} comes from the recording at "${writer.node}" and cannot be ${JSON.stringify(value)}`
          actions[writer.action] = changed
        } else {
          const given = (this.flow.nodes[writer.node] as NodeOf<'set'>).vars[name]
          const constant = typeof given !== 'string' || !given.includes('{')
          return `vars.${name} is set by set node "${writer.node}"${constant ? ` to the constant ${JSON.stringify(given)}` : ' from a template'} before the branch, so test data cannot change it`
        }
      } else if (root === 'input' && (name === 'digits' || name === 'speech') && rest.length === 0) {
        const kind = name === 'digits' ? 'press' : 'speak'
        let index = -1
        for (let i = Math.min(at.chunk, actions.length) - 1; i >= 0; i--) {
          const action = actions[i]!
          if ('press' in action || 'speak' in action) {
            index = i
            break
          }
        }
        if (index < 0) return `${path} is empty here: the caller has not answered yet`
        const text = textOf(value)
        if (kind === 'press' && !/^[0-9*#]*$/.test(text)) return `${path} cannot be ${JSON.stringify(value)}: keys are 0-9, * and #`
        actions[index] = kind === 'press' ? { press: text } : { speak: text }
      } else {
        return `${path} cannot be chosen by a test`
      }
    }
    return { setup, actions }
  }

  /** Which transition last wrote `vars.<name>` before `position`. */
  lastWriter(taken: readonly TakenAt[], position: number, name: string):
    | { kind: 'http'; node: string; index: number } | { kind: 'input' | 'record'; node: string; action: number } | { kind: 'set'; node: string } | undefined {
    for (let i = position - 1; i >= 0; i--) {
      const { t, chunk, request } = taken[i]!
      const node = this.flow.nodes[t.from]
      if (node === undefined) continue
      if (node.type === 'set' && Object.hasOwn(node.vars, name)) return { kind: 'set', node: t.from }
      if (t.handle !== 'next' || !('saveAs' in node) || node.saveAs !== name) continue
      if (node.type === 'http' && request !== undefined) return { kind: 'http', node: t.from, index: request.index }
      if (node.type === 'input' || node.type === 'record') return { kind: node.type, node: t.from, action: chunk - 1 }
    }
    return undefined
  }

  /** `final`: no longer search could change it (no digits fit the pattern, no word selects the choice). */
  because(t: Pick<TransitionSpec, 'from' | 'handle'>, reason: string, final = false): void {
    const key = keyOf(t)
    if (final) this.final.add(key)
    const set = this.reasons.get(key) ?? new Set<string>()
    set.add(reason)
    this.reasons.set(key, set)
  }

  // Caller actions ---------------------------------------------------------------------------

  /** The caller actions worth trying where the call waits at `id`. */
  actionsAt(id: string): Action[] {
    const cached = this.actionCache.get(id)
    if (cached !== undefined) return cached
    const node = this.flow.nodes[id]
    const actions: Action[] = []
    if (node?.type === 'menu') {
      for (const [key, choice] of Object.entries(node.choices)) {
        if (node.input.includes('dtmf')) {
          actions.push({ press: key })
          continue
        }
        const words = [...(typeof choice === 'string' ? [] : choice.words ?? []), KEY_WORDS[key] ?? key, key]
        const word = words.find((w) => matchSpeech(node, w) === key)
        if (word !== undefined) actions.push({ speak: word })
        else this.because({ from: id, handle: `choice:${key}` }, `every word of choice "${key}" also selects an earlier choice`, true)
      }
      actions.push({ noInput: true })
      const wrong = node.input.includes('dtmf')
        ? WRONG_KEYS.find((k) => matchDigits(node, k) === undefined)
        : undefined
      if (wrong !== undefined) actions.push({ press: wrong })
      else {
        const word = WRONG_WORDS.find((w) => matchSpeech(node, w) === undefined)
        if (word !== undefined) actions.push({ speak: word })
      }
    } else if (node?.type === 'input') {
      const valid = inputWitness(node)
      if (valid !== undefined) actions.push({ press: valid })
      else this.because({ from: id, handle: 'next' }, `no entry of ${node.minDigits}-${node.maxDigits} digits${node.pattern !== undefined ? ` matching /${node.pattern}/` : ''} was found`, true)
      actions.push({ noInput: true })
      const invalid = invalidDigits(node)
      if (invalid !== undefined) actions.push({ press: invalid })
    } else if (node?.type === 'dial') {
      actions.push({ dial: 'completed' }, { dial: 'no-answer' })
    } else if (node?.type === 'record') {
      actions.push({ record: { ...RECORDING } }, { record: 'empty' })
    } else if (node?.type === 'enqueue') {
      actions.push({ queue: 'bridged' })
    }
    this.actionCache.set(id, actions)
    return actions
  }

  // Results ----------------------------------------------------------------------------------

  /** A small set of witnesses that together take every covered transition, as scenarios. */
  select(): Scenario[] {
    const candidates = [...new Set(this.witness.values())].sort((a, b) => a.id - b.id)
    const covers = new Map(candidates.map((s) => [s, new Set(s.run.taken.map((t) => keyOf(t.t)).filter((k) => this.all.has(k)))]))
    const remaining = new Set(this.witness.keys())
    const chosen: Array<{ state: State; named: string }> = []
    while (remaining.size > 0) {
      let best: State | undefined
      let gain = 0
      for (const s of candidates) {
        let n = 0
        for (const k of covers.get(s)!) if (remaining.has(k)) n++
        if (n > gain || (n === gain && n > 0 && best !== undefined && s.actions.length < best.actions.length)) {
          best = s
          gain = n
        }
      }
      if (best === undefined) break
      const gained = best.run.taken.filter((t) => remaining.has(keyOf(t.t)))
      for (const k of covers.get(best)!) remaining.delete(k)
      // Named after the most telling transition it adds: a branch case, then an http failure, a
      // menu or input answer, an hours outcome or a branch's else, then a dial, recording or
      // queue; the later one on ties.
      const telling = gained.reduce((a, b) => (this.weight(b.t) >= this.weight(a.t) ? b : a))
      chosen.push({ state: best, named: this.describe(best, telling) })
    }
    chosen.sort((a, b) => a.state.id - b.state.id)
    const names = new Map<string, number>()
    return chosen.map(({ state, named }) => {
      const n = (names.get(named) ?? 0) + 1
      names.set(named, n)
      return this.toScenario(state, n === 1 ? named : `${named} (${n})`)
    })
  }

  weight(t: Taken): number {
    const type = this.flow.nodes[t.from]?.type
    if (type === 'branch') return t.handle === 'else' ? 3 : 5
    if (type === 'http') return t.handle === 'onError' ? 4 : 1
    if (type === 'menu' || type === 'input' || type === 'hours') return 3
    if (type === 'dial' || type === 'record' || type === 'enqueue') return 2
    return 0
  }

  toScenario(state: State, name: string): Scenario {
    const { setup, actions, run } = state
    const steps: ScenarioStep[] = [{ expect: expectOf(run.chunks[0]!, undefined) }]
    actions.forEach((action, i) => {
      steps.push(structuredClone(action), { expect: expectOf(run.chunks[i + 1]!, run.chunks[i]!) })
    })
    const zone = run.taken.map((t) => this.flow.nodes[t.t.from]).find((n): n is NodeOf<'hours'> => n?.type === 'hours')?.timezone
    const mocks = Object.fromEntries(Object.entries(run.mocksUsed).map(([node, list]) => [node, compact(list)]))
    return {
      name,
      ...(setup.at !== undefined || zone !== undefined ? { at: formatInstant(setup.at ?? DEFAULT_TEST_CLOCK, zone) } : {}),
      ...(Object.keys(setup.call).length > 0 ? { call: { ...setup.call } } : {}),
      ...(Object.keys(setup.vars).length > 0 ? { vars: structuredClone(setup.vars) } : {}),
      ...(Object.keys(mocks).length > 0 ? { mocks: { http: mocks } } : {}),
      steps,
    }
  }

  /** A readable name for a transition as a state took it: `main-menu: press 2 → account`. */
  describe(state: State, at: TakenAt): string {
    const { t, chunk } = at
    const node = this.flow.nodes[t.from]
    const action = chunk > 0 ? state.actions[chunk - 1] : undefined
    const before = chunk > 0 ? state.run.chunks[chunk - 1] : undefined
    const [kind, detail] = t.handle.split(':') as [string, string | undefined]
    const to = t.to
    if (node === undefined) return transitionName(t)
    if (kind === 'noInput' || kind === 'noMatch') {
      const count = before !== undefined && before.node === t.from ? before.snapshot.context[kind] + 1 : 1
      const what = kind === 'noInput' ? 'no input' : node.type === 'input' ? 'invalid entry' : action !== undefined && 'speak' in action ? 'unrecognised speech' : 'wrong key'
      return detail === 'retry' ? `${t.from}: ${what} → asked again` : `${t.from}: ${what}${count > 1 ? ` ×${count}` : ''} → ${to}`
    }
    switch (node.type) {
      case 'menu':
        return action !== undefined && 'speak' in action ? `${t.from}: say "${action.speak}" → ${to}` : `${t.from}: press ${detail ?? ''} → ${to}`
      case 'input':
        return `${t.from}: enter ${action !== undefined && 'press' in action ? String(action.press) : 'digits'} → ${to}`
      case 'http': {
        const mock = at.request !== undefined ? state.run.mocksUsed[at.request.node]?.[at.request.index] : undefined
        return kind === 'next' ? `${t.from}: HTTP ${mock !== undefined && 'status' in mock ? mock.status : 200} → ${to}` : `${t.from}: request fails → ${to}`
      }
      case 'hours':
        return `${t.from} ${kind} → ${to}`
      case 'branch':
        return kind === 'else' ? `${t.from}: else → ${to}` : `${t.from}: ${conditionLabel(node.cases[Number(detail)]!.when, Number(detail))} → ${to}`
      case 'dial':
        return kind === 'next' ? `${t.from}: answered → ${to}` : `${t.from}: ${action !== undefined && 'dial' in action ? action.dial : 'no answer'} → ${to}`
      case 'record':
        return `${t.from}: ${action !== undefined && 'record' in action && action.record === 'empty' ? 'nothing recorded' : 'message recorded'} → ${to}`
      case 'enqueue':
        return `${t.from}: leaves the queue → ${to}`
      default:
        return `${t.from} → ${to}`
    }
  }

  uncovered(): UncoveredTransition[] {
    const out: UncoveredTransition[] = []
    for (const [key, spec] of this.all) {
      if (this.witness.has(key)) continue
      const reasons = [...(this.reasons.get(key) ?? [])]
      let reason: string
      if (!this.reached.has(spec.from)) reason = `"${spec.from}" is never reached`
      else if (reasons.length > 0) reason = reasons.join('; ')
      else reason = 'no caller action or test data found that leads there'
      if ((this.truncated || this.explored >= this.maxStates) && !this.final.has(key)) reason += ` (the search stopped at ${this.maxActions} caller actions per test and ${this.explored} states)`
      out.push({ transition: transitionName(spec), reason })
    }
    return out
  }
}

// Replaying a path through the engine --------------------------------------------------------

/** Starts the call of a setup and answers every caller action in turn; undefined when an action does not fit. */
function replay(compiled: CompiledFlow, setup: Setup, actions: readonly Action[]): Run | undefined {
  const clock = setup.at ?? DEFAULT_TEST_CLOCK
  let run: Run | undefined = settleChunk(compiled, setup, { chunks: [], taken: [], mocksUsed: {} }, start(compiled, { ...DEFAULT_TEST_CALL, ...setup.call }, clock, setup.vars))
  for (const action of actions) {
    if (run === undefined) return undefined
    run = extend(compiled, setup, run, action)
  }
  return run
}

/** A run with one more caller action answered; undefined when the call cannot take it there. */
function extend(compiled: CompiledFlow, setup: Setup, run: Run, action: Action): Run | undefined {
  const last = run.chunks.at(-1)!
  if (last.status === 'ended') return undefined
  const kind = Object.keys(action)[0]!
  const type = compiled.flow.nodes[last.node]?.type ?? last.node
  if (kind !== 'hangup' && !ACCEPTS[kind]?.includes(type)) return undefined
  const copy: Run = { chunks: [...run.chunks], taken: [...run.taken], mocksUsed: Object.fromEntries(Object.entries(run.mocksUsed).map(([k, v]) => [k, [...v]])) }
  return settleChunk(compiled, setup, copy, step(compiled, last.snapshot, eventOfStep(action), setup.at ?? DEFAULT_TEST_CLOCK))
}

/** `settle`, keeping each engine step's transitions with the request they answered. Mutates `run`. */
function settleChunk(compiled: CompiledFlow, setup: Setup, run: Run, first: StepResult): Run {
  const chunk = run.chunks.length
  const clock = setup.at ?? DEFAULT_TEST_CLOCK
  const record = (result: StepResult, request?: { node: string; index: number }) => {
    for (const t of result.taken) {
      run.taken.push({ t, chunk, context: result.snapshot.context, ...(request !== undefined && t.from === request.node ? { request } : {}) })
    }
  }
  record(first)
  let current = first
  for (let round = 0; current.status === 'effect'; round++) {
    const effect: Effect = current.effects[0]!
    let event: CallEvent
    let request: { node: string; index: number } | undefined
    if (round >= SETTLE_LIMIT) {
      event = { type: 'ERROR', message: `more than ${SETTLE_LIMIT} requests in one answer` }
    } else {
      const list = (run.mocksUsed[effect.node] ??= [])
      const given = setup.mocks[effect.node]
      const mock = given?.[list.length] ?? (setup.repeatLast === true && given !== undefined && given.length > 0 ? given.at(-1)! : defaultMock(compiled.flow.nodes[effect.node]))
      request = { node: effect.node, index: list.length }
      list.push(mock)
      event = 'error' in mock ? { type: 'HTTP_ERROR', message: mock.error } : { type: 'HTTP_RESULT', status: mock.status, body: mock.body }
    }
    const next = step(compiled, current.snapshot, event, clock)
    record(next, request)
    current = followedBy(current, next)
  }
  run.chunks.push(current)
  return run
}


function okMock(node: FlowNode | undefined): HttpMock {
  return node?.type === 'http' && node.saveAs !== undefined ? { status: 200, body: {} } : { status: 200 }
}

const defaultMock = okMock

/** A mock list as a test writes it: one answer when all are the same, else without the repeated tail. */
function compact(list: readonly HttpMock[]): HttpMock | HttpMock[] {
  const texts = list.map((m) => JSON.stringify(m))
  let end = list.length
  while (end > 1 && texts[end - 1] === texts[end - 2]) end--
  return end === 1 ? structuredClone(list[0]!) : structuredClone(list.slice(0, end))
}

/**
 * Replays a generated scenario as `runScenario` would (mock lists repeat their last answer)
 * and checks its expectations; the reason when it does not pass.
 */
function checkScenario(compiled: CompiledFlow, scenario: Scenario): string | undefined {
  const mocks: Record<string, HttpMock[]> = {}
  for (const [node, mock] of Object.entries(scenario.mocks?.http ?? {})) mocks[node] = Array.isArray(mock) ? mock : [mock]
  const setup: Setup = { hours: {}, call: scenario.call ?? {}, vars: scenario.vars ?? {}, mocks, repeatLast: true, ...(scenario.at !== undefined ? { at: scenario.at } : {}) }
  let run: Run | undefined = replay(compiled, setup, [])
  for (const [i, item] of scenario.steps.entries()) {
    if (run === undefined) return `step ${i} does not fit where the call is`
    if ('expect' in item) {
      const last = run.chunks.at(-1)!
      const said = heard(last.view).join(' ')
      if (item.expect.node !== undefined && item.expect.node !== last.node) return `step ${i + 1}: expected node "${item.expect.node}", the call is at "${last.node}"`
      if (item.expect.hangup !== undefined && item.expect.hangup !== (last.status === 'ended')) return `step ${i + 1}: expected hangup ${String(item.expect.hangup)}`
      if (item.expect.prompt !== undefined && !matchesText(item.expect.prompt, said)) return `step ${i + 1}: expected to hear "${item.expect.prompt}", heard "${said}"`
    } else {
      run = extend(compiled, setup, run, item)
    }
  }
  return run === undefined ? 'the last step does not fit where the call is' : undefined
}

// Expectations -------------------------------------------------------------------------------

function expectOf(result: StepResult, before: StepResult | undefined): Expectation {
  const prompt = promptOf(result, before)
  return { node: result.node, ...(result.status === 'ended' ? { hangup: true } : {}), ...(prompt !== undefined ? { prompt } : {}) }
}

/**
 * A short, distinctive piece of what the caller heard: on a retry the first thing not heard
 * the last time (the no-input or no-match message), otherwise the last thing said (the prompt
 * of the node where the call now is).
 */
function promptOf(result: StepResult, before: StepResult | undefined): string | undefined {
  const said = heard(result.view).filter((s) => s.trim() !== '' && !s.startsWith('[pause'))
  const spoken = said.filter((s) => !s.startsWith('[play'))
  const items = spoken.length > 0 ? spoken : said
  if (items.length === 0) return undefined
  const earlier = before !== undefined ? heard(before.view) : []
  const pick = before !== undefined && before.node === result.node ? items.find((s) => !earlier.includes(s)) ?? items[0]! : items.at(-1)!
  return snippet(pick)
}

/** The first sentence, or the first few words, of a text; never something read as a /regex/. */
function snippet(text: string): string {
  let out = text.trim()
  const end = /[.!?]\s/.exec(out.slice(11))
  if (end !== null && end.index + 12 <= 45) out = out.slice(0, end.index + 12)
  else if (out.length > 40) out = /^.{28,}?(?=\s|$)/s.exec(out)?.[0] ?? out
  return /^\/.+\/[a-z]*$/s.test(out) ? out.slice(1) : out
}

// Branch conditions -------------------------------------------------------------------------

/** Values for paths (`call.from`, `vars.customer.tier`, …) that a branch condition reads. */
type Assignment = Map<string, unknown>

/** Search steps left, and per path the values other comparisons on it suggest. */
interface Budget {
  left: number
  hints: Map<string, unknown[]>
}

/** Per path, the candidate values of every comparison on it: `exists` then tries values that suit the others. */
function hintsOf(condition: Condition, hints = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if ('all' in condition) for (const c of condition.all) hintsOf(c, hints)
  else if ('any' in condition) for (const c of condition.any) hintsOf(c, hints)
  else if ('not' in condition) hintsOf(condition.not, hints)
  else if (condition.exists === undefined) {
    const list = hints.get(condition.var) ?? []
    list.push(...candidates(condition, false), ...candidates(condition, true))
    hints.set(condition.var, list)
  }
  return hints
}

/**
 * Assignments that make a condition evaluate to `want`, extending `base`; a comparison whose
 * path already has a fitting value adds nothing. Lazily, with a budget against blow-up.
 */
function* solve(condition: Condition, want: boolean, base: Assignment, scope: Scope, budget: Budget): Generator<Assignment> {
  if (budget.left-- <= 0) return
  if ('all' in condition) {
    yield* want ? every(condition.all, true, base, scope, budget) : some(condition.all, false, base, scope, budget)
  } else if ('any' in condition) {
    yield* want ? some(condition.any, true, base, scope, budget) : every(condition.any, false, base, scope, budget)
  } else if ('not' in condition) {
    yield* solve(condition.not, !want, base, scope, budget)
  } else {
    const path = condition.var
    const root = splitPath(path)?.[0]
    const coerce = (v: unknown) => (root === 'call' || root === 'input' ? textOf(v) : v)
    const current = base.has(path) ? base.get(path) : readPath(scope, path)
    if (holds(condition, current) === want) {
      yield base
      return
    }
    if (base.has(path)) return
    const own = candidates(condition, want)
    const suggested = condition.exists !== undefined ? (budget.hints.get(path) ?? []).filter((v) => v !== '') : []
    for (const candidate of [...suggested, ...own]) {
      const value = coerce(candidate)
      if (holds(condition, value) === want) yield new Map(base).set(path, value)
    }
  }
}

function* every(list: readonly Condition[], want: boolean, base: Assignment, scope: Scope, budget: Budget, index = 0): Generator<Assignment> {
  const head = list[index]
  if (head === undefined) {
    yield base
    return
  }
  for (const next of solve(head, want, base, scope, budget)) yield* every(list, want, next, scope, budget, index + 1)
}

function* some(list: readonly Condition[], want: boolean, base: Assignment, scope: Scope, budget: Budget): Generator<Assignment> {
  for (const item of list) yield* solve(item, want, base, scope, budget)
}

type Comparison = Extract<Condition, { var: string }>

/** Whether one comparison holds for a value. */
function holds(comparison: Comparison, value: unknown): boolean {
  return evaluateCondition({ ...comparison, var: 'vars.value' }, { call: {}, vars: { value }, input: {}, flow: { id: '', now: '' } })
}

/** Values likely to make a comparison true (`want`) or false; each is checked before use. */
function candidates(c: Comparison, want: boolean): unknown[] {
  const others = (x: unknown): unknown[] => [
    ...(typeof x === 'number' ? [x + 1] : typeof x === 'boolean' ? [!x] : []),
    'other', 'another', 0, -1, 999999, '',
  ]
  if (c.equals !== undefined) return want ? [c.equals] : others(c.equals)
  if (c.notEquals !== undefined) return want ? others(c.notEquals) : [c.notEquals]
  if (c.in !== undefined) return want ? [...c.in] : others(c.in.find((x) => typeof x === 'number'))
  if (c.startsWith !== undefined) {
    const p = c.startsWith
    const phone = /^\+?\d*$/.test(p) ? [p + '1234567890'.slice(0, Math.max(1, 12 - p.length))] : []
    return want ? [...phone, p, `${p}-1`] : ['+15551230000', 'human', 'other', `x${p}`, '']
  }
  if (c.matches !== undefined) return want ? regexCandidates(c.matches) : ['none', 'other', '0', 'x', '-', '']
  if (c.greaterThan !== undefined) return want ? [Math.floor(c.greaterThan) + 1, c.greaterThan + 0.5, c.greaterThan * 2 + 1] : [c.greaterThan, c.greaterThan - 1, 0]
  if (c.lessThan !== undefined) return want ? [Math.ceil(c.lessThan) - 1, c.lessThan - 0.5, c.lessThan * 2 - 1] : [c.lessThan, c.lessThan + 1]
  if (c.exists !== undefined) return c.exists === want ? ['example', 1] : ['']
  return []
}

function conditionLabel(condition: Condition, index: number): string {
  const text = (c: Condition): string | undefined => {
    if ('not' in c) {
      const inner = text(c.not)
      return inner === undefined ? undefined : `not ${inner}`
    }
    if ('all' in c || 'any' in c) return undefined
    const op = (['equals', 'notEquals', 'in', 'startsWith', 'matches', 'greaterThan', 'lessThan', 'exists'] as const).find((k) => c[k] !== undefined)
    if (op === undefined) return undefined
    const value = c[op]
    return `${c.var} ${op} ${Array.isArray(value) ? `[${value.map(String).join(', ')}]` : String(value)}`
  }
  return text(condition) ?? `case ${index + 1}`
}

/** The scope with assigned values written in (call fields as text). */
function overlay(scope: Scope, assignment: Assignment): Scope {
  const copy = structuredClone(scope) as unknown as Record<string, unknown>
  for (const [path, value] of assignment) {
    const segments = splitPath(path)
    const root = segments?.[0]
    if (segments === null || typeof root !== 'string') continue
    copy[root] = setIn(copy[root], segments.slice(1), root === 'call' || root === 'input' ? textOf(value) : value)
  }
  return copy as unknown as Scope
}

/** A copy of `container` with `value` at the path, creating objects (arrays for numbers, `size`) on the way. */
function setIn(container: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (rest.length === 1 && rest[0] === 'size' && typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const object = isRecord(container) ? { ...container } : {}
    object[String(head)] = Array.from({ length: value }, () => ({}))
    return object
  }
  if (Array.isArray(container) && (typeof head === 'number' || head === 'first' || head === 'last')) {
    const array: unknown[] = [...container]
    const index = head === 'first' ? 0 : head === 'last' ? Math.max(0, array.length - 1) : head < 0 ? Math.max(0, array.length + head) : head
    while (array.length <= index) array.push({})
    array[index] = setIn(array[index], rest, value)
    return array
  }
  if (typeof head === 'number' || (!isRecord(container) && (head === 'first' || head === 'last'))) {
    const array: unknown[] = []
    const index = typeof head === 'number' ? Math.max(0, head) : 0
    while (array.length <= index) array.push({})
    array[index] = setIn(undefined, rest, value)
    return array
  }
  const object = isRecord(container) ? { ...container } : {}
  object[head] = setIn(object[head], rest, value)
  return object
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** A record action with one field of the recording changed, or undefined when that cannot be. */
function recordWith(action: Action | undefined, path: ReadonlyArray<string | number>, value: unknown): Action | undefined {
  if (action === undefined || !('record' in action) || path.length !== 1) return undefined
  const current = action.record === 'empty' ? { ...RECORDING } : { ...action.record }
  const field = path[0]
  if (field === 'url') return textOf(value) === '' ? { record: 'empty' } : { record: { ...current, url: textOf(value) } }
  if (field === 'duration') {
    const n = Number(value)
    return Number.isFinite(n) && n >= 0 ? { record: { ...current, duration: n } } : undefined
  }
  if (field === 'transcript') return { record: { ...current, transcript: textOf(value) } }
  return undefined
}

// Digits -----------------------------------------------------------------------------------

/** Digits an input node accepts: built from its pattern when it has one, else found by trying. */
export function inputWitness(node: Pick<NodeOf<'input'>, 'minDigits' | 'maxDigits' | 'pattern'>): string | undefined {
  const tries: string[] = []
  if (node.pattern !== undefined) tries.push(...regexCandidates(node.pattern))
  const upTo = Math.min(node.maxDigits, node.minDigits + 8)
  for (let length = Math.max(1, node.minDigits); length <= upTo; length++) tries.push('1234567890'.repeat(7).slice(0, length))
  const found = tries.find((s) => acceptsDigits(node, s))
  if (found !== undefined) return found
  let seed = 12345
  for (let length = Math.max(1, node.minDigits); length <= upTo; length++) {
    for (let d = 0; d <= 9; d++) if (acceptsDigits(node, String(d).repeat(length))) return String(d).repeat(length)
    for (let i = 0; i < 400; i++) {
      let s = ''
      for (let j = 0; j < length; j++) {
        seed = (seed * 1103515245 + 12345) % 2147483648
        s += String(seed % 10)
      }
      if (acceptsDigits(node, s)) return s
    }
  }
  return undefined
}

/** Digits an input node rejects: too short, too long or off the pattern; '' (a bare finishing key) at worst. */
function invalidDigits(node: Pick<NodeOf<'input'>, 'minDigits' | 'maxDigits' | 'pattern'>): string | undefined {
  const tries = [
    ...(node.minDigits > 1 ? ['1234567890'.repeat(7).slice(0, node.minDigits - 1)] : []),
    ...['9', '0'].flatMap((d) => Array.from({ length: Math.min(node.maxDigits, 12) }, (_, i) => d.repeat(i + 1))),
    ...(node.maxDigits < 64 ? ['9'.repeat(node.maxDigits + 1)] : []),
    '',
  ]
  return tries.find((s) => !acceptsDigits(node, s))
}

// Regular expressions -----------------------------------------------------------------------

type Rx =
  | { kind: 'seq'; items: Rx[] }
  | { kind: 'alt'; options: Rx[] }
  | { kind: 'chars'; test: (c: string) => boolean }
  | { kind: 'rep'; item: Rx; min: number; max: number }

const EMPTY: Rx = { kind: 'seq', items: [] }
const PREFERRED = '1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*# -_.+'

/**
 * Strings that a simple regular expression should match (classes, groups, alternatives,
 * quantifiers), with more or fewer repetitions; callers check each one.
 *
 * @example regexCandidates('4[0-9]{5}')[0] // '423456'
 */
export function regexCandidates(source: string): string[] {
  const rx = parseRegex(source)
  if (rx === undefined) return []
  const out = new Set<string>()
  for (let alt = 0; alt < 3; alt++) {
    for (let extra = 0; extra <= 10; extra++) {
      const chars: string[] = []
      generate(rx, extra, alt, chars)
      out.add(chars.join(''))
    }
  }
  return [...out]
}

function generate(rx: Rx, extra: number, alt: number, out: string[]): void {
  switch (rx.kind) {
    case 'seq':
      for (const item of rx.items) generate(item, extra, alt, out)
      return
    case 'alt':
      generate(rx.options[Math.min(alt, rx.options.length - 1)]!, extra, alt, out)
      return
    case 'rep': {
      const n = rx.max === Infinity ? rx.min + extra : Math.min(rx.max, rx.min + extra)
      for (let i = 0; i < n; i++) generate(rx.item, extra, alt, out)
      return
    }
    case 'chars': {
      let options = [...PREFERRED].filter(rx.test)
      if (options.length === 0) {
        for (let code = 33; code < 127 && options.length === 0; code++) if (rx.test(String.fromCharCode(code))) options = [String.fromCharCode(code)]
      }
      const pick = options[out.length % Math.max(1, options.length)]
      if (pick !== undefined) out.push(pick)
    }
  }
}

function parseRegex(source: string): Rx | undefined {
  let i = 0
  const literal = (c: string): Rx => ({ kind: 'chars', test: (x) => x === c })
  const escape = (inClass: boolean): Rx | undefined => {
    const c = source[i++]
    if (c === undefined) throw new Error('dangling escape')
    switch (c) {
      case 'd': return { kind: 'chars', test: (x) => /\d/.test(x) }
      case 'D': return { kind: 'chars', test: (x) => !/\d/.test(x) }
      case 'w': return { kind: 'chars', test: (x) => /\w/.test(x) }
      case 'W': return { kind: 'chars', test: (x) => !/\w/.test(x) }
      case 's': return { kind: 'chars', test: (x) => /\s/.test(x) }
      case 'S': return { kind: 'chars', test: (x) => !/\s/.test(x) }
      case 'b': return inClass ? literal('\b') : undefined
      case 'B': return undefined
      case 'n': return literal('\n')
      case 't': return literal('\t')
      case 'x': {
        const code = source.slice(i, i + 2)
        i += 2
        return literal(String.fromCharCode(parseInt(code, 16)))
      }
      case 'u': {
        const code = source.slice(i, i + 4)
        i += 4
        return literal(String.fromCharCode(parseInt(code, 16)))
      }
      default:
        return /[1-9]/.test(c) ? undefined : literal(c)
    }
  }
  const charClass = (): Rx => {
    const negate = source[i] === '^'
    if (negate) i++
    const tests: Array<(c: string) => boolean> = []
    let first = true
    while (i < source.length && (source[i] !== ']' || first)) {
      first = false
      let low: string | undefined
      if (source[i] === '\\') {
        i++
        const e = escape(true)
        if (e === undefined || e.kind !== 'chars') continue
        const single = [...PREFERRED, '\n', '\t'].filter(e.test)
        if (single.length !== 1) {
          tests.push(e.test)
          continue
        }
        low = single[0]!
      } else {
        low = source[i++]!
      }
      if (source[i] === '-' && source[i + 1] !== undefined && source[i + 1] !== ']') {
        i++
        let high = source[i++]!
        if (high === '\\') high = source[i++] ?? high
        const [a, b] = [low.charCodeAt(0), high.charCodeAt(0)]
        tests.push((x) => x.charCodeAt(0) >= a && x.charCodeAt(0) <= b)
      } else {
        const c = low
        tests.push((x) => x === c)
      }
    }
    if (source[i] !== ']') throw new Error('unterminated class')
    i++
    return { kind: 'chars', test: (x) => tests.some((t) => t(x)) !== negate }
  }
  const atom = (): Rx => {
    const c = source[i++]!
    if (c === '(') {
      let skip = false
      if (source[i] === '?') {
        const kind = source[i + 1]
        if (kind === ':') i += 2
        else if (kind === '=' || kind === '!') {
          skip = true
          i += 2
        } else if (kind === '<' && source[i + 2] !== '=' && source[i + 2] !== '!') {
          i = source.indexOf('>', i) + 1
          if (i === 0) throw new Error('bad group name')
        } else {
          skip = true
          i += 3
        }
      }
      const inner = alternatives()
      if (source[i] !== ')') throw new Error('unterminated group')
      i++
      return skip ? EMPTY : inner
    }
    if (c === '[') return charClass()
    if (c === '\\') return escape(false) ?? EMPTY
    if (c === '.') return { kind: 'chars', test: (x) => x !== '\n' }
    if (c === '^' || c === '$') return EMPTY
    return literal(c)
  }
  const quantified = (item: Rx): Rx => {
    const c = source[i]
    let min = 1
    let max = 1
    if (c === '*' || c === '+' || c === '?') {
      i++
      ;[min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1]
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))
      if (m === null) return item
      i += m[0].length
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
    } else {
      return item
    }
    if (source[i] === '?') i++
    return { kind: 'rep', item, min, max }
  }
  const sequence = (): Rx => {
    const items: Rx[] = []
    while (i < source.length && source[i] !== '|' && source[i] !== ')') items.push(quantified(atom()))
    return { kind: 'seq', items }
  }
  const alternatives = (): Rx => {
    const options = [sequence()]
    while (source[i] === '|') {
      i++
      options.push(sequence())
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options }
  }
  try {
    const rx = alternatives()
    return i === source.length ? rx : undefined
  } catch {
    return undefined
  }
}

// Hours ------------------------------------------------------------------------------------

/** Candidate instants for hours nodes: a scan of the weeks around the default clock and of every holiday. */
class Instants {
  readonly specs = new Map<string, NodeOf<'hours'>>()
  readonly found = new Map<string, string | undefined>()

  constructor(flow: Flow) {
    for (const [id, node] of Object.entries(flow.nodes)) if (node.type === 'hours') this.specs.set(id, node)
  }

  /** An instant at which each named hours node is open (true) or closed (false). */
  find(wanted: Record<string, boolean>): string | undefined {
    const key = JSON.stringify(Object.entries(wanted).sort())
    if (this.found.has(key)) return this.found.get(key)
    let answer: string | undefined
    for (const instant of this.scan()) {
      if (Object.entries(wanted).every(([id, open]) => {
        const spec = this.specs.get(id)
        return spec !== undefined && isOpen(spec, instant) === open
      })) {
        answer = instant.toISOString()
        break
      }
    }
    this.found.set(key, answer)
    return answer
  }

  * scan(): Generator<Date> {
    const HOUR = 3_600_000
    const monday = Date.parse('2026-11-23T00:00:00Z')
    yield new Date(DEFAULT_TEST_CLOCK)
    for (let h = 0; h < 8 * 24; h++) yield new Date(monday + h * HOUR)
    const holidays = [...new Set([...this.specs.values()].flatMap((s) => s.holidays))].sort()
    for (const day of holidays) {
      const midnight = Date.parse(`${day}T00:00:00Z`)
      if (Number.isNaN(midnight)) continue
      for (let h = -24; h < 48; h++) yield new Date(midnight + h * HOUR)
    }
    for (let m = 0; m < 8 * 24 * 4; m++) yield new Date(monday + m * 15 * 60_000)
    for (let m = 0; m < 8 * 24 * 60; m++) yield new Date(monday + m * 60_000)
  }
}

function describeHours(wanted: Record<string, boolean>): string {
  return Object.entries(wanted).map(([id, open]) => `"${id}" ${open ? 'open' : 'closed'}`).join(' and ')
}

/** An instant written in a zone's local time with its offset (`2026-11-23T08:00:00-06:00`), as test files show it. */
function formatInstant(iso: string, timezone: string | undefined): string {
  const date = new Date(iso)
  if (timezone === undefined || Number.isNaN(date.getTime()) || date.getUTCSeconds() !== 0 || date.getUTCMilliseconds() !== 0) return iso
  try {
    const p = localParts(date, timezone)
    if (p.year < 1000 || p.year > 9999) return iso
    const offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - date.getTime()) / 60_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    const abs = Math.abs(offset)
    const text = `${p.date}T${pad(p.hour)}:${pad(p.minute)}:00${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    return Date.parse(text) === date.getTime() ? text : iso
  } catch {
    return iso
  }
}
