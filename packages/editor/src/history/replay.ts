import { heard } from '@phonetree/engine'
import type { Flow, View } from '@phonetree/engine'
import type { Highlight } from '../store/editor-store.ts'
import { highlightOf } from '../simulator/highlight.ts'
import type { PathStep } from '../simulator/highlight.ts'

/**
 * The call history as the server's API returns it (`GET /api/calls`, `GET /api/calls/:sid`),
 * read defensively: the records come from whatever server version stored them.
 */

/** A call in the list (the server's `CallSummary`). */
export interface CallSummary {
  sid: string
  flow: string
  version: string
  status: 'active' | 'ended'
  /** How it ended: `completed`, `busy`, `no-answer`, `hangup`, `error`, … */
  outcome?: string
  from?: string
  to?: string
  direction?: string
  createdAt: number
  updatedAt: number
  /** Where the call rests (or ended). */
  node: string
  /** Steps handled. */
  seq: number
}

/** An http request performed during a step, with its outcome. */
export interface StepRequest {
  node: string
  method: string
  url: string
  ms?: number
  status?: number
  error?: string
}

/** One step of a call (the server's `CallStepRecord`). */
export interface CallStep {
  seq: number
  at: number
  event: Record<string, unknown>
  node: string
  /** Transitions as `from --handle--> to`. */
  taken: string[]
  view: View
  effects: StepRequest[]
  errors: string[]
  durationMs: number
}

export interface CallDetail {
  call: CallSummary
  steps: CallStep[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** The calls in a `GET /api/calls` answer; malformed entries are skipped. */
export function parseCallList(json: unknown): CallSummary[] {
  const calls = isObject(json) && Array.isArray(json.calls) ? json.calls : []
  return calls.flatMap((c) => {
    const call = parseSummary(c)
    return call !== undefined ? [call] : []
  })
}

/** A `GET /api/calls/:sid` answer, or undefined when it is not one. */
export function parseCallDetail(json: unknown): CallDetail | undefined {
  if (!isObject(json)) return undefined
  const call = parseSummary(json.call)
  if (call === undefined) return undefined
  const steps = (Array.isArray(json.steps) ? json.steps : []).flatMap((s): CallStep[] => {
    if (!isObject(s)) return []
    return [{
      seq: num(s.seq) ?? 0,
      at: num(s.at) ?? 0,
      event: isObject(s.event) ? s.event : {},
      node: str(s.node) ?? '',
      taken: strings(s.taken),
      view: viewOf(s.view),
      effects: (Array.isArray(s.effects) ? s.effects : []).flatMap((e): StepRequest[] => {
        if (!isObject(e)) return []
        const ms = num(e.ms)
        const status = num(e.status)
        const error = str(e.error)
        return [{ node: str(e.node) ?? '', method: str(e.method) ?? '', url: str(e.url) ?? '', ...(ms !== undefined ? { ms } : {}), ...(status !== undefined ? { status } : {}), ...(error !== undefined ? { error } : {}) }]
      }),
      errors: strings(s.errors),
      durationMs: num(s.durationMs) ?? 0,
    }]
  })
  // The last-known resting node comes from the record's snapshot; a list summary has it directly.
  const node = call.node !== '' ? call.node : steps.at(-1)?.node ?? ''
  const snapshot = isObject(json.call) && isObject(json.call.snapshot) ? json.call.snapshot : undefined
  return { call: { ...call, node: str(snapshot?.node) ?? node, seq: num(snapshot?.seq) ?? call.seq }, steps }
}

function parseSummary(c: unknown): CallSummary | undefined {
  if (!isObject(c)) return undefined
  const sid = str(c.sid)
  if (sid === undefined) return undefined
  const outcome = str(c.outcome)
  const from = str(c.from)
  const to = str(c.to)
  const direction = str(c.direction)
  return {
    sid,
    flow: str(c.flow) ?? '',
    version: str(c.version) ?? '',
    status: c.status === 'active' ? 'active' : 'ended',
    ...(outcome !== undefined ? { outcome } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(direction !== undefined ? { direction } : {}),
    createdAt: num(c.createdAt) ?? 0,
    updatedAt: num(c.updatedAt) ?? 0,
    node: str(c.node) ?? '',
    seq: num(c.seq) ?? 0,
  }
}

/** The well-formed instructions of a stored view (enough to say what was heard). */
function viewOf(v: unknown): View {
  if (!Array.isArray(v)) return []
  return v.filter((i): i is View[number] => isObject(i) && typeof i.kind === 'string' && (i.kind !== 'gather' || Array.isArray(i.prompts)))
}

/**
 * A transition as the history stores it, `from --handle--> to`, as its parts. Node ids and
 * handles have no spaces, so the spaces delimit them.
 *
 * @example parseTaken('main-menu --choice:1--> sales') // { from: 'main-menu', handle: 'choice:1', to: 'sales' }
 */
export function parseTaken(text: string): PathStep | undefined {
  const match = /^(\S+) --(\S+)--> (\S+)$/.exec(text.trim())
  return match === null ? undefined : { from: match[1]!, handle: match[2]!, to: match[3]! }
}

/** Every transition of the steps, in order. */
export function pathOf(steps: readonly CallStep[]): PathStep[] {
  return steps.flatMap((s) => s.taken.flatMap((t) => {
    const step = parseTaken(t)
    return step !== undefined ? [step] : []
  }))
}

/** The node the call started at: where its first transition left from, else where it first rested. */
export function startOf(steps: readonly CallStep[]): string | undefined {
  const first = pathOf(steps.slice(0, 1))[0]
  return first !== undefined && first.from !== '*' ? first.from : steps[0]?.node
}

/**
 * The canvas highlight for a call replayed up to step `index` (inclusive): nodes visited and
 * transitions taken so far, and where the call rested after that step. Nodes missing from
 * `flow` (a call on an older version) are left out.
 *
 * @example highlightUpTo(flow, detail.steps, 2) // { current: 'account', visited: [...], taken: ['welcome|next', …] }
 */
export function highlightUpTo(flow: Flow, steps: readonly CallStep[], index: number): Highlight {
  const upTo = steps.slice(0, Math.max(0, index + 1))
  return highlightOf(flow.nodes, startOf(steps), pathOf(upTo), upTo.at(-1)?.node)
}

/** Nodes the call passed through (or rested at) that the flow no longer has. */
export function missingNodes(flow: Flow, steps: readonly CallStep[]): string[] {
  const seen = new Set<string>()
  const start = startOf(steps)
  if (start !== undefined) seen.add(start)
  for (const p of pathOf(steps)) for (const id of [p.from, p.to]) seen.add(id)
  for (const s of steps) seen.add(s.node)
  return [...seen].filter((id) => id !== '' && id !== '*' && !id.startsWith('$') && !Object.hasOwn(flow.nodes, id))
}

/** What the caller heard in a step. */
export function heardIn(step: CallStep): string[] {
  try {
    return heard(step.view)
  } catch {
    return []
  }
}

/**
 * A step's event as a person would say it.
 *
 * @example describeEvent({ type: 'DIGITS', digits: '1' }) // 'pressed 1'
 */
export function describeEvent(event: Record<string, unknown>): string {
  if (isObject(event.start)) return `call started${str(event.start.from) !== undefined ? ` from ${str(event.start.from)}` : ''}`
  const t = str(event.type)
  switch (t) {
    case 'DIGITS': return str(event.digits) === '' ? 'pressed the finishing key' : `pressed ${str(event.digits) ?? '?'}`
    case 'SPEECH': return `said “${str(event.speech) ?? ''}”`
    case 'NO_INPUT': return 'stayed silent'
    case 'DIAL_RESULT': return `dialled party: ${str(event.status) ?? '?'}${num(event.duration) !== undefined ? ` (${num(event.duration)} s)` : ''}`
    case 'RECORDING': return str(event.url) !== undefined ? `recorded${num(event.duration) !== undefined ? ` ${num(event.duration)} s` : ''}` : 'empty recording'
    case 'QUEUE_RESULT': return `left the queue: ${str(event.result) ?? '?'}`
    case 'HANGUP': return `hung up${str(event.status) !== undefined ? ` (${str(event.status)})` : ''}`
    case 'TRANSCRIPTION': return `transcription: “${str(event.text) ?? ''}”`
    case 'ERROR': return `error: ${str(event.message) ?? ''}`
    case undefined: return 'step'
    default: return t.toLowerCase().replaceAll('_', ' ')
  }
}
