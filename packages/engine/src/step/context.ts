import type { Scope } from '../template/template.ts'
import type { Flow } from '../schema/flow.ts'

/** Webhook fields a flow can read as `call.*`. */
export interface CallInfo {
  sid?: string
  from?: string
  to?: string
  direction?: string
  answeredBy?: string
  callerName?: string
  [field: string]: string | undefined
}

/** The machine's extended state: everything a call remembers between webhooks. */
export interface CallContext {
  call: CallInfo
  vars: Record<string, unknown>
  input: { digits?: string; speech?: string; confidence?: number }
  /** No-input and no-match counts on the current menu or input; reset on entry. */
  noInput: number
  noMatch: number
  /** Run-time errors so far; a third one ends the call instead of re-entering onError. */
  errors: number
  /** Message of the last run-time error, readable as `flow.error`. */
  error?: string
  /** The step's clock (ISO instant); set on every step, never read from a real clock. */
  now: string
}

/**
 * What templates and conditions see for a context.
 *
 * @example renderTemplate('Hi {{ call.from }}', scopeOf(flow, context))
 */
export function scopeOf(flow: Flow, context: CallContext): Scope {
  return {
    call: context.call,
    vars: context.vars,
    input: context.input,
    flow: { id: flow.flow, ...(flow.title !== undefined ? { title: flow.title } : {}), now: context.now, ...(context.error !== undefined ? { error: context.error } : {}) },
  }
}
