import { DEFAULT_TEST_CALL, heard, start, step } from '@phonetree/engine'
import type { CallInfo, CompiledFlow, GatherInstruction, HttpEffect, HttpMock, Instruction, Scenario, StepResult, Taken, View } from '@phonetree/engine'
import type { Highlight } from '../store/editor-store.ts'
import { eventOf, httpEventOf } from './caller-actions.ts'
import type { CallerAction } from './caller-actions.ts'
import { highlightOf } from './highlight.ts'
import { scenarioOf } from './scenario-export.ts'

/** How a simulated call starts: the same three things a flow test sets. */
export interface SimulatorSettings {
  /** The call's clock as an ISO instant; every step uses it, as a test's `at` does. */
  clock: string
  /** Webhook fields over the test defaults (`from`, `to`, `answeredBy`, `FromCity`, …). */
  call: Record<string, string>
  /** Starting variables over the flow's `vars`. */
  vars: Record<string, unknown>
}

/** An http request the flow made and how the designer answered it. */
export interface AnsweredRequest {
  request: HttpEffect
  answer: HttpMock
}

/** One exchange: a caller action (none for the call's start) and everything the flow did in answer. */
export interface Turn {
  action?: CallerAction
  /** What the caller heard, in order (said text, `[play url]`, `[pause n]`). */
  heard: string[]
  view: View
  /** Where the call rests afterwards (or rests while a request waits for an answer). */
  node: string
  status: StepResult['status']
  taken: Taken[]
  requests: AnsweredRequest[]
  /**
   * What was heard in order with the requests between: the first part is heard before any
   * request; each later one follows the answer to its request.
   */
  parts: { request?: AnsweredRequest; heard: string[] }[]
  /** Run-time errors the flow recovered from. */
  errors: string[]
  /** False when the action meant nothing where the call was. */
  handled: boolean
}

/** What the call waits for now, with what the controls need to offer it. */
export type Waiting =
  | { kind: 'gather'; node: string; gather: GatherInstruction }
  | { kind: 'dial'; node: string; numbers: string[] }
  | { kind: 'record'; node: string }
  | { kind: 'enqueue'; node: string; queue: string }
  | { kind: 'http'; node: string; request: HttpEffect; remembered?: HttpMock }
  | { kind: 'ended'; node: string }

export interface SessionOptions {
  /** Answers given in earlier runs, by http node; offered again, or used when `autoAnswer`. */
  remembered?: Readonly<Record<string, HttpMock>>
  /** Answer requests with the remembered answer without asking. */
  autoAnswer?: boolean
}

/** Numbers calls, so a session can tell its own earlier states from another call's. */
let calls = 0

/**
 * A simulated call of a compiled flow, run with the engine's pure step function and nothing
 * else: no server, no network. Immutable: each action returns the next session, so a UI can
 * keep it as state. Http requests pause the call until `answerEffect` answers them, as the
 * server's `settle` would with a real response.
 *
 * @example
 * let call = SimulatorSession.start(compiled, { clock: '2026-11-23T10:00:00-06:00', call: {}, vars: {} })
 * call = call.send({ press: '2' }).send({ press: '123456' }).answerEffect({ status: 200, body: { tier: 'gold' } })
 * call.node // 'priority'
 * call.toScenario('gold customer') // a flow test that walks the same path
 */
export class SimulatorSession {
  private constructor(
    /** Tells this call from another started with the same settings. */
    readonly call: number,
    readonly compiled: CompiledFlow,
    readonly settings: SimulatorSettings,
    readonly turns: readonly Turn[],
    private readonly last: StepResult,
    /** The latest answer per http node, this run's and earlier runs'. */
    readonly remembered: Readonly<Record<string, HttpMock>>,
    readonly autoAnswer: boolean,
  ) {}

  /** Starts a call and runs it until it waits for the caller (or a request, or ends). */
  static start(compiled: CompiledFlow, settings: SimulatorSettings, options: SessionOptions = {}): SimulatorSession {
    const result = start(compiled, callOf(settings), settings.clock, settings.vars)
    const session = new SimulatorSession(++calls, compiled, settings, [turnOf(undefined, result)], result, options.remembered ?? {}, options.autoAnswer ?? false)
    return session.settleRemembered()
  }

  /** Where the call rests now (`$hungup` / `$failed` once it ended that way). */
  get node(): string {
    return this.last.node
  }

  get ended(): boolean {
    return this.last.status === 'ended'
  }

  /** The http request waiting for the designer's answer, if any. */
  get pending(): HttpEffect | undefined {
    return this.last.status === 'effect' ? this.last.effects[0] : undefined
  }

  /** The current turn: the last one. */
  get current(): Turn {
    return this.turns.at(-1)!
  }

  /** Every transition the call took, in order. */
  get path(): Taken[] {
    return this.turns.flatMap((t) => t.taken)
  }

  /** What the call waits for, from the resting node's type and the instruction it waits on. */
  get waiting(): Waiting {
    const node = this.node
    const pending = this.pending
    if (pending !== undefined) {
      const remembered = this.remembered[pending.node]
      return { kind: 'http', node, request: pending, ...(remembered !== undefined ? { remembered } : {}) }
    }
    if (this.ended) return { kind: 'ended', node }
    const view = this.last.view
    switch (this.compiled.flow.nodes[node]?.type) {
      case 'menu':
      case 'input': {
        const gather = lastOf(view, 'gather')
        if (gather !== undefined) return { kind: 'gather', node, gather }
        break
      }
      case 'dial':
        return { kind: 'dial', node, numbers: lastOf(view, 'dial')?.numbers ?? [] }
      case 'record':
        return { kind: 'record', node }
      case 'enqueue':
        return { kind: 'enqueue', node, queue: lastOf(view, 'enqueue')?.queue ?? '' }
    }
    // Not reached for a valid flow: a resting call is always at one of the nodes above.
    return { kind: 'ended', node }
  }

  /**
   * Applies a caller action. Throws when the call has ended or an http request is waiting for
   * its answer: the controls never offer an action then.
   */
  send(action: CallerAction): SimulatorSession {
    if (this.ended) throw new Error('the call has ended')
    if (this.pending !== undefined) throw new Error(`answer the request of "${this.pending.node}" first`)
    const result = step(this.compiled, this.last.snapshot, eventOf(action), this.settings.clock)
    return this.with([...this.turns, turnOf(action, result)], result, this.remembered).settleRemembered()
  }

  /** Answers the waiting http request (a status and body, or `{ error }` for a failure) and runs on. */
  answerEffect(answer: HttpMock): SimulatorSession {
    const request = this.pending
    if (request === undefined) throw new Error('no request is waiting for an answer')
    const result = step(this.compiled, this.last.snapshot, httpEventOf(answer), this.settings.clock)
    const turn = this.current
    const merged: Turn = {
      ...turn,
      view: [...turn.view, ...result.view],
      heard: heard([...turn.view, ...result.view]),
      node: result.node,
      status: result.status,
      taken: [...turn.taken, ...result.taken],
      requests: [...turn.requests, { request, answer }],
      parts: [...turn.parts, { request: { request, answer }, heard: heard(result.view) }],
      errors: result.error !== undefined ? [...turn.errors, result.error] : turn.errors,
    }
    return this.with([...this.turns.slice(0, -1), merged], result, { ...this.remembered, [request.node]: answer }).settleRemembered()
  }

  /** The instructions added since `before` (an earlier state, of this call or another): what to read aloud next. */
  viewSince(before: SimulatorSession | undefined): View {
    if (before === undefined || before.call !== this.call) return this.turns.flatMap((t) => t.view)
    const kept = before.turns.length - 1
    const tail = this.turns[kept]?.view.slice(before.turns[kept]?.view.length ?? 0) ?? []
    return [...tail, ...this.turns.slice(kept + 1).flatMap((t) => t.view)]
  }

  /** What the canvas should show: the path so far and where the call is. */
  highlight(): Highlight {
    return highlightOf(this.compiled.flow.nodes, this.compiled.flow.start, this.path, this.node)
  }

  /**
   * The call so far as a flow test: its clock, caller fields and variables that differ from
   * the defaults, the designer's answers as http mocks, and each action followed by an
   * `expect` of where the call went and what was heard. A turn still waiting for an http
   * answer is left out (its answer is not known yet).
   */
  toScenario(name: string): Scenario {
    const done = this.pending === undefined ? this.turns : this.turns.slice(0, -1)
    return scenarioOf(this.compiled.flow, this.settings, done, name)
  }

  private with(turns: Turn[], last: StepResult, remembered: Readonly<Record<string, HttpMock>>): SimulatorSession {
    return new SimulatorSession(this.call, this.compiled, this.settings, turns, last, remembered, this.autoAnswer)
  }

  /** With `autoAnswer`, answers requests from remembered answers until one has none. */
  private settleRemembered(): SimulatorSession {
    let session: SimulatorSession = this
    // A flow can loop through http nodes; the server stops after 25 requests in one answer too.
    for (let round = 0; round < 25 && session.autoAnswer; round++) {
      const request = session.pending
      const answer = request !== undefined ? session.remembered[request.node] : undefined
      if (answer === undefined) break
      session = session.answerEffect(answer)
    }
    return session
  }
}

/** The caller fields of a simulated call: the flow-test defaults under the designer's, as `runScenario` does. */
export function callOf(settings: SimulatorSettings): CallInfo {
  return { ...DEFAULT_TEST_CALL, ...settings.call }
}

function turnOf(action: CallerAction | undefined, result: StepResult): Turn {
  return {
    ...(action !== undefined ? { action } : {}),
    heard: heard(result.view),
    view: result.view,
    node: result.node,
    status: result.status,
    taken: result.taken,
    requests: [],
    parts: [{ heard: heard(result.view) }],
    errors: result.error !== undefined ? [result.error] : [],
    handled: result.handled,
  }
}

function lastOf<K extends Instruction['kind']>(view: View, kind: K): Extract<Instruction, { kind: K }> | undefined {
  return view.findLast((i): i is Extract<Instruction, { kind: K }> => i.kind === kind)
}
