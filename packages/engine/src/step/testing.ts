import { compileFlow } from '../compile/compile.ts'
import type { CompiledFlow } from '../compile/compile.ts'
import { formatProblem } from '../errors.ts'
import { loadFlow } from '../validate/validate.ts'
import type { CallEvent } from './events.ts'
import { start, step } from './step.ts'
import type { StepResult } from './step.ts'
export { heard } from './view.ts'

/**
 * Helpers for tests that drive flows through the engine: compile inline YAML and walk a call
 * event by event. Shared by the engine's tests and the server's.
 */

/**
 * Compiles YAML written inline in a test (common indentation removed); fails loudly on errors.
 *
 * @example const flow = flowFrom(`flow: t\nstart: a\nnodes: …`)
 */
export function flowFrom(yaml: string, file = 'flows/test.yaml'): CompiledFlow {
  const loaded = loadFlow(dedent(yaml), file)
  if (!loaded.ok) throw new Error(`test flow is invalid:\n${loaded.problems.map(formatProblem).join('\n')}`)
  return compileFlow(loaded)
}

/** Removes the indentation common to every non-blank line, so YAML can be indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length))
  return lines.map((l) => l.slice(indent)).join('\n')
}

/** A call in a test: start it, then send events; each returns the step's result. */
export class TestCall {
  last: StepResult
  constructor(readonly flow: CompiledFlow, call: Record<string, string> = { sid: 'CA-test', from: '+15551230000', to: '+15557654321' }, readonly now: string = '2026-11-23T18:00:00Z', vars: Record<string, unknown> = {}) {
    this.last = start(flow, call, now, vars)
  }

  send(event: CallEvent, now: string = this.now): StepResult {
    this.last = step(this.flow, this.last.snapshot, event, now)
    return this.last
  }

  press(digits: string): StepResult {
    return this.send({ type: 'DIGITS', digits })
  }

  silence(): StepResult {
    return this.send({ type: 'NO_INPUT' })
  }

  say(speech: string, confidence?: number): StepResult {
    return this.send({ type: 'SPEECH', speech, ...(confidence !== undefined ? { confidence } : {}) })
  }
}
