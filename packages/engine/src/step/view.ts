/**
 * A view is what the caller should hear and what the call should do next, as plain data
 * independent of any provider. Renderers (`render/twiml.ts`) turn it into a dialect; transition
 * tests assert on it directly.
 */

/** Something the caller hears. */
export type Speech =
  | { kind: 'say'; text: string; voice?: string; language?: string; loop?: number }
  | { kind: 'play'; url: string; loop?: number }
  | { kind: 'pause'; seconds: number }

/** Wait for keys and/or speech; the answer (or silence) comes back as the next event. */
export interface GatherInstruction {
  kind: 'gather'
  input: ('dtmf' | 'speech')[]
  /** Seconds of silence, counted after the prompts finish. */
  timeout: number
  /** Stop after this many keys. Absent: no limit (ends on finishOnKey or timeout). */
  numDigits?: number
  /** The key that ends entry; '' disables it. Absent: the provider default ('#'). */
  finishOnKey?: string
  speechTimeout?: number | 'auto'
  hints?: string
  language?: string
  prompts: Speech[]
}

export interface DialInstruction {
  kind: 'dial'
  /** Rung at the same time; the first to answer wins. */
  numbers: string[]
  callerId?: string
  timeout: number
  timeLimit?: number
  record: boolean
}

export interface RecordInstruction {
  kind: 'record'
  maxLength: number
  timeout: number
  finishOnKey: string
  playBeep: boolean
  transcribe: boolean
}

export interface EnqueueInstruction {
  kind: 'enqueue'
  queue: string
  waitUrl?: string
}

export type Instruction =
  | Speech
  | GatherInstruction
  | DialInstruction
  | RecordInstruction
  | EnqueueInstruction
  | { kind: 'hangup' }
  | { kind: 'redirect'; url: string; method: 'GET' | 'POST' }

/** Instructions in the order they run. At most one instruction that waits, and it comes last. */
export type View = Instruction[]

/** Instructions after which the provider calls back (or the call ends). */
export const WAITING_KINDS = new Set<Instruction['kind']>(['gather', 'dial', 'record', 'enqueue', 'hangup', 'redirect'])

/** What a caller hears when a call fails and the flow has nowhere else to send them. */
export const DEFAULT_APOLOGY = "We're sorry, something went wrong. Please call again later."

/**
 * Everything the caller hears in a view, in order, as text: said text, `[play url]` and
 * `[pause n]`, including prompts nested in a gather.
 *
 * @example heard([{ kind: 'say', text: 'Hi' }, { kind: 'gather', prompts: [{ kind: 'pause', seconds: 1 }], … }]) // ['Hi', '[pause 1]']
 */
export function heard(view: View): string[] {
  return view.flatMap((i) => (i.kind === 'gather' ? i.prompts.map(spoken) : i.kind === 'say' || i.kind === 'play' || i.kind === 'pause' ? [spoken(i)] : []))
}

function spoken(s: Speech): string {
  return s.kind === 'say' ? s.text : s.kind === 'play' ? `[play ${s.url}]` : `[pause ${s.seconds}]`
}
