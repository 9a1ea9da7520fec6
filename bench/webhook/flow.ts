/**
 * The flow the webhook benchmark calls, and the call every simulated caller plays through it.
 * Purpose-built rather than a copy of `support`: several menus, a template, a set and a branch,
 * an hours node that is always open (the server reads the real clock), and no http nodes, so
 * the benchmark measures Phonetree and its store, not a back end.
 */

export const BENCH_FLOW_ID = 'bench'

export const BENCH_FLOW_YAML = `flow: bench
title: Benchmark line
voice: Polly.Joanna
language: en-US
start: welcome
onError: sorry

nodes:
  welcome:
    type: say
    prompt: Thanks for calling the benchmark line.
    next: open

  open:
    type: hours
    timezone: America/Chicago
    hours:
      daily: "00:00-24:00"
    open: main-menu
    closed: sorry

  main-menu:
    type: menu
    prompt: For billing, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.
    reprompt: Press 1 for billing, 2 for support, or 0 for an operator.
    choices:
      "1": billing
      "2": support
      "0": operator
      "*": main-menu
    noInput: ["I didn't hear anything.", "Please press a key now."]
    noMatch: Sorry, that is not an option.
    onFailure: operator

  billing:
    type: menu
    prompt: "Billing. You are calling from {{ call.from | phone }}. To pay a bill, press 1. For a copy of a bill, press 2. To go back, press star."
    choices:
      "1": pay
      "2": copy
      "*": main-menu
    noMatch: Sorry, that is not an option.
    onFailure: operator

  pay:
    type: set
    vars: { reason: pay a bill }
    next: check

  copy:
    type: set
    vars: { reason: get a copy of a bill }
    next: check

  check:
    type: branch
    cases:
      - when: { var: vars.reason, startsWith: pay }
        goto: confirm
    else: confirm

  confirm:
    type: menu
    prompt: "You asked to {{ vars.reason }}. To confirm, press 1. To start again, press 2."
    choices:
      "1": goodbye
      "2": main-menu
    onFailure: operator

  support:
    type: say
    prompt: Support is busy; connecting you to an operator.
    next: operator

  operator:
    type: dial
    prompt: Please hold for an operator.
    number: "+15551230000"
    next: goodbye

  goodbye:
    type: hangup
    prompt: Thank you for calling. Goodbye.

  sorry:
    type: hangup
    prompt: We're sorry, we are having technical trouble.
`

/** One webhook of the call: what the caller sends and what the answer must contain. */
export interface CallTurn {
  /** `incoming` posts to /voice/bench, `gather` to the previous answer's action, `status` to /voice/bench/status. */
  kind: 'incoming' | 'gather' | 'status'
  params: Record<string, string>
  /** Text the answer must contain (checked only against Phonetree, not the fixed baseline). */
  expect?: string
  /** The HTTP status the answer must have. */
  status: 200 | 204
}

/**
 * A whole call: the incoming webhook, four Gather answers (the first a no-match), and the final
 * status callback. Six webhooks.
 */
export const CALL_SCRIPT: readonly CallTurn[] = [
  { kind: 'incoming', params: { CallStatus: 'ringing' }, expect: 'For billing, press 1', status: 200 },
  { kind: 'gather', params: { Digits: '7', FinishedOnKey: '' }, expect: 'not an option', status: 200 },
  { kind: 'gather', params: { Digits: '1', FinishedOnKey: '' }, expect: 'Billing. You are calling from', status: 200 },
  { kind: 'gather', params: { Digits: '1', FinishedOnKey: '' }, expect: 'You asked to pay a bill', status: 200 },
  { kind: 'gather', params: { Digits: '1', FinishedOnKey: '' }, expect: '<Hangup', status: 200 },
  { kind: 'status', params: { CallStatus: 'completed', CallDuration: '42' }, status: 204 },
]

/** Twilio's parameters on every webhook of a call (twiml-protocol.md §1). */
export function baseParams(sid: string): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000', ApiVersion: '2010-04-01', CallSid: sid, CallStatus: 'in-progress',
    Direction: 'inbound', From: '+15551230000', To: '+15557654321', Caller: '+15551230000', Called: '+15557654321',
    FromCountry: 'US', ToCountry: 'US', FromState: 'TX', ToState: 'CA', FromCity: 'AUSTIN', ToCity: 'SAN FRANCISCO', FromZip: '73301', ToZip: '94105',
  }
}

/**
 * The baseline's fixed answer: a Gather about as long as the bench flow's main menu, so both
 * sides move the same bytes.
 */
export const FIXED_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">Thanks for calling the benchmark line.</Say>'
  + '<Gather input="dtmf" action="/voice/bench/1" method="POST" timeout="5" actionOnEmptyResult="true"><Say voice="Polly.Joanna" language="en-US">'
  + 'For billing, press 1. For support, press 2. For an operator, press 0. To hear this again, press star.</Say></Gather></Response>'
