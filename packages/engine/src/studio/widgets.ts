import type { Condition } from '../schema/flow.ts'
import type { Conversion, NodeInput } from './context.ts'
import type { StudioWidget } from './definition.ts'
import { booleanProp, nextOf, numberProp, textProp, transitionFor } from './definition.ts'
import { conditionFrom, studioConditionHolds } from './conditions.ts'
import { varNameFrom } from './names.ts'
import { wholePath } from './paths.ts'

/**
 * One Studio widget → one Phonetree node (or a node and a helper node), for every voice
 * widget except gathers (gather.ts). Widgets without a Phonetree meaning become placeholders.
 */

/** Why a widget type cannot be converted, for the ones Studio documents. */
const UNSUPPORTED: Record<string, string> = {
  'send-message': 'sends an SMS; Phonetree flows are voice only',
  'send-and-wait-for-reply': 'is a messaging widget; Phonetree flows are voice only',
  'run-function': 'runs a Twilio Function; Phonetree cannot run it (call it as an http node if it has a URL)',
  'run-function-v2': 'runs a Twilio Function; Phonetree cannot run it (call it as an http node if it has a URL)',
  'run-subflow': 'runs another Studio flow; convert that flow and join the two by hand',
  'send-to-flex': 'hands the call to Flex (TaskRouter); use an enqueue node with a queue, or redirect to Flex TwiML',
  'create-task': 'creates a TaskRouter task; Phonetree has no TaskRouter node',
  'capture-payments': 'captures a payment (<Pay>); Phonetree has no payment node',
  'connect-virtual-agent': 'connects a virtual agent; Phonetree has no equivalent',
  'connect-virtual-agent-v2': 'connects a virtual agent; Phonetree has no equivalent',
  'understand': 'hands the call to Autopilot; Phonetree has no equivalent (use speech menus)',
  'fork-stream': 'forks the media stream; Phonetree has no equivalent',
  'record-call': 'starts or stops recording the call; use record: true on a dial node',
  'update-sync-object': 'writes a Twilio Sync object; call the Sync REST API with an http node',
  'add-member-to-chat-channel': 'is a chat widget; Phonetree flows are voice only',
  'create-chat-channel': 'is a chat widget; Phonetree flows are voice only',
  'make-outgoing-call-v2': 'places an outgoing call in the middle of a flow; Phonetree places calls with phonetree dial or POST /api/calls',
  'make-outgoing-call-v1': 'places an outgoing call in the middle of a flow; Phonetree places calls with phonetree dial or POST /api/calls',
}

/**
 * The placeholder for a widget Phonetree cannot convert: a `set` node that changes nothing,
 * clearly described, leading to the flow's `onError` node. Studio's own transitions are kept
 * in the description so the way on can be wired by hand.
 *
 * @example placeholder(conversion, widget, 'runs a Twilio Function') // { type: 'set', description: 'NOT CONVERTED: …', vars: {}, next: 'sorry' }
 */
export function placeholder(cx: Conversion, widget: StudioWidget, reason: string): NodeInput {
  cx.warn(widget, `not converted: ${reason}; it is a placeholder that leads to the flow's onError node`)
  const ways = widget.transitions.filter((t) => nextOf(t) !== undefined).map((t) => `${t.event} → ${nextOf(t)}`)
  return {
    type: 'set',
    description: `NOT CONVERTED: Studio ${widget.type} widget "${widget.name}": ${reason}.${ways.length > 0 ? ` In Studio it went on: ${ways.join(', ')}.` : ''} Replace this placeholder.`,
    vars: {},
    next: cx.errorNode(),
  }
}

/** Why a widget type is not converted; undefined for the types Phonetree converts. */
export function unsupportedReason(type: string): string | undefined {
  return UNSUPPORTED[type]
}

// say-play -----------------------------------------------------------------------------------

/** Say/Play → `say` (`loop` → `repeat`; DTMF `digits` are not played). */
export function convertSay(cx: Conversion, w: StudioWidget): NodeInput {
  const digits = textProp(w, 'digits')
  if (digits !== undefined && digits.trim() !== '') cx.warn(w, `plays the DTMF tones "${digits}"; Phonetree does not send tones, so they are left out`)
  const prompt = cx.prompt(w)
  const play = textProp(w, 'play') !== undefined && textProp(w, 'play')!.trim() !== ''
  const loops = cx.loops(w)
  return {
    type: 'say',
    prompt: prompt ?? '',
    ...cx.voice(w),
    ...(!play && loops > 1 ? { repeat: loops } : {}),
    next: cx.target(nextOf(transitionFor(w, 'audioComplete')), w),
  }
}

// set-variables ------------------------------------------------------------------------------

/** Set Variables → `set`; keys become variable names, values keep their Liquid. */
export function convertSet(cx: Conversion, w: StudioWidget): NodeInput {
  const vars: Record<string, string | number | boolean> = {}
  const list = Array.isArray(w.properties.variables) ? (w.properties.variables as unknown[]) : []
  for (const item of list) {
    const { key, value, type } = (item ?? {}) as { key?: unknown; value?: unknown; type?: unknown }
    if (typeof key !== 'string' || key.trim() === '') continue
    const name = varNameFrom(key.trim())
    if (name !== key.trim()) cx.warn(w, `variable "${key}" is named ${name} here (letters, digits and _ only)`)
    if (typeof value === 'number' || typeof value === 'boolean') vars[name] = value
    else if (typeof value === 'string' && type === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) vars[name] = Number(value)
    else vars[name] = cx.template(typeof value === 'string' ? value : '', w)
  }
  return { type: 'set', vars, next: cx.target(nextOf(transitionFor(w, 'next')), w) }
}

// make-http-request --------------------------------------------------------------------------

/**
 * Make HTTP Request → `http`, the parsed answer saved as `vars.<widget>`. A JSON body that
 * parses becomes a mapping; form parameters become a form-encoded body (or the query string of
 * a GET).
 */
export function convertHttp(cx: Conversion, w: StudioWidget): NodeInput {
  const method = (textProp(w, 'method') ?? 'GET').toUpperCase()
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
  const known = methods.find((m) => m === method)
  if (known === undefined) cx.warn(w, `method ${method} is not supported; it is GET`)
  if (booleanProp(w, 'add_twilio_auth') === true) cx.warn(w, 'adds Twilio credentials to the request; Phonetree does not, so add an authorization header by hand')
  const contentType = (textProp(w, 'content_type') ?? '').toLowerCase()
  let url = cx.template(textProp(w, 'url') ?? '', w).trim()
  if (url === '') return placeholder(cx, w, 'has no URL')
  const parameters = formParameters(w)
  let body: string | Record<string, unknown> | undefined
  const headers: Record<string, string> = {}
  if (contentType.startsWith('application/json')) {
    const text = textProp(w, 'body') ?? ''
    if (text.trim() !== '') {
      const parsed = parseJsonObject(text)
      if (parsed !== undefined) body = rewriteStrings(cx, w, parsed) as Record<string, unknown>
      else {
        body = cx.template(text, w)
        headers['content-type'] = 'application/json'
      }
    }
  } else if (parameters.length > 0) {
    const encoded = parameters.map(({ key, value }) => `${encodeURIComponent(key)}=${urlEncoded(cx.template(value, w))}`).join('&')
    if ((known ?? 'GET') === 'GET') url += `${url.includes('?') ? '&' : '?'}${encoded}`
    else {
      body = encoded
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
  }
  const saveAs = varNameFrom(w.name)
  return {
    type: 'http',
    method: known ?? 'GET',
    url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
    saveAs,
    next: cx.target(nextOf(transitionFor(w, 'success')), w),
    onError: cx.target(nextOf(transitionFor(w, 'failed')), w),
  }
}

function formParameters(w: StudioWidget): Array<{ key: string; value: string }> {
  const list = Array.isArray(w.properties.parameters) ? (w.properties.parameters as unknown[]) : []
  return list.flatMap((item) => {
    const { key, value } = (item ?? {}) as { key?: unknown; value?: unknown }
    return typeof key === 'string' && key !== '' ? [{ key, value: typeof value === 'string' ? value : String(value ?? '') }] : []
  })
}

/** Form-encodes a template: literal text now, each `{{ … }}` at run time with `url_encode`. */
function urlEncoded(template: string): string {
  return template.split(/(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})/).map((part, i) => {
    if (i % 2 === 0) return encodeURIComponent(part)
    return part.startsWith('{{') ? part.replace(/\s*\}\}$/, ' | url_encode}}') : part
  }).join('')
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function rewriteStrings(cx: Conversion, w: StudioWidget, value: unknown): unknown {
  if (typeof value === 'string') return cx.template(value, w)
  if (Array.isArray(value)) return value.map((v) => rewriteStrings(cx, w, v))
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteStrings(cx, w, v)]))
  return value
}

// connect-call-to ----------------------------------------------------------------------------

const NOT_ANSWERED = ['no-answer', 'busy', 'failed', 'canceled'] as const

/**
 * The split on `{{widgets.C.DialCallStatus}}` right after a Connect Call To, if it reads
 * nothing else and only C leads to it: it becomes the dial node's `next` / `onNoAnswer`.
 *
 * @example planDial(conversion, connect) // the split widget, now marked merged
 */
export function planDial(cx: Conversion, w: StudioWidget): StudioWidget | undefined {
  const split = cx.widget(nextOf(transitionFor(w, 'callCompleted')))
  if (split?.type !== 'split-based-on' || wholePath(textProp(split, 'input') ?? '') !== `widgets.${w.name}.DialCallStatus` || !cx.onlyFrom(split.name, [w.name])) return undefined
  if (['completed', ...NOT_ANSWERED].some((status) => statusTarget(split, status) === null)) return undefined
  cx.merged.add(split.name)
  return split
}

/** Connect Call To → `dial` (a number, or several rung at once). */
export function convertDial(cx: Conversion, w: StudioWidget, statusSplit: StudioWidget | undefined): NodeInput {
  const noun = textProp(w, 'noun') ?? 'number'
  const to = textProp(w, 'to') ?? ''
  if (noun !== 'number' && noun !== 'number-multi') return placeholder(cx, w, `connects to a ${noun}; Phonetree dials phone numbers only`)
  const numbers = (noun === 'number-multi' ? to.split(',') : [to]).map((n) => n.trim()).filter((n) => n !== '').map((n) => cx.template(n, w))
  if (numbers.length === 0) return placeholder(cx, w, 'has no number to call')
  if (numbers.length > 10) cx.warn(w, `rings ${numbers.length} numbers; Phonetree rings at most 10 at once, the first 10`)
  const callerId = textProp(w, 'caller_id')
  const timeout = numberProp(w, 'timeout')
  const timeLimit = numberProp(w, 'time_limit')
  const hangup = nextOf(transitionFor(w, 'hangup'))
  if (hangup !== undefined) cx.warn(w, `its hangup transition (the caller hung up) leads to "${hangup}"; in Phonetree the call ends when the caller hangs up, so "${hangup}" is not run then`)
  let next: string
  let onNoAnswer: string | undefined
  if (statusSplit !== undefined) {
    next = cx.target(statusTarget(statusSplit, 'completed') ?? undefined, statusSplit)
    const targets = NOT_ANSWERED.map((status) => ({ status, to: cx.target(statusTarget(statusSplit, status) ?? undefined, statusSplit) }))
    onNoAnswer = targets[0]!.to
    const different = targets.filter((t) => t.to !== onNoAnswer)
    if (different.length > 0) cx.warn(w, `"${statusSplit.name}" sends ${different.map((t) => `${t.status} to "${t.to}"`).join(', ')} but no-answer to "${onNoAnswer}"; Phonetree has one edge for all of them (onNoAnswer), "${onNoAnswer}"`)
  } else {
    next = cx.target(nextOf(transitionFor(w, 'callCompleted')), w)
  }
  return {
    type: 'dial',
    ...(statusSplit !== undefined ? { description: `Studio widgets ${w.name}, ${statusSplit.name}` } : {}),
    number: numbers.length === 1 ? numbers[0]! : numbers.slice(0, 10),
    ...(callerId !== undefined && callerId.trim() !== '' ? { callerId: cx.template(callerId.trim(), w) } : {}),
    ...(timeout !== undefined ? { timeout: clamp(cx, w, 'timeout', timeout, 5, 600) } : {}),
    ...(timeLimit !== undefined ? { timeLimit: clamp(cx, w, 'time_limit', timeLimit, 1, 14400) } : {}),
    ...(booleanProp(w, 'record') === true ? { record: true } : {}),
    next,
    ...(onNoAnswer !== undefined && onNoAnswer !== next ? { onNoAnswer } : {}),
  }
}

/** The widget a status split leads to for a dial status; null when a condition cannot be read. */
function statusTarget(split: StudioWidget, status: string): string | undefined | null {
  for (const t of split.transitions) {
    if (t.event !== 'match') continue
    const holds = (t.conditions ?? []).map((c) => studioConditionHolds(c, status))
    if (holds.includes(undefined)) return null
    if (holds.length > 0 && holds.every((h) => h === true)) return nextOf(t)
  }
  return nextOf(transitionFor(split, 'noMatch'))
}

// record-voicemail ---------------------------------------------------------------------------

/**
 * Record Voicemail → `record`, saved as `vars.<widget>` (url, duration, transcript). When
 * `noAudio` leads elsewhere than `recordingComplete`, a helper branch after the record node
 * tells the two apart by whether a recording URL came back.
 */
export function convertRecord(cx: Conversion, w: StudioWidget, id: string): NodeInput {
  const saveAs = varNameFrom(w.name)
  const complete = nextOf(transitionFor(w, 'recordingComplete'))
  const noAudio = nextOf(transitionFor(w, 'noAudio'))
  const hangup = nextOf(transitionFor(w, 'hangup'))
  if (hangup !== undefined && hangup !== complete) cx.warn(w, `its hangup transition leads to "${hangup}"; Phonetree goes on to "${complete ?? 'the end'}" with what was recorded when the caller hangs up`)
  for (const key of ['recording_status_callback_url', 'transcription_callback_url']) {
    if (textProp(w, key) !== undefined && textProp(w, key)!.trim() !== '') cx.warn(w, `${key} is not used: Phonetree keeps recordings and transcripts in the call history (GET /api/calls/:sid)`)
  }
  let next = cx.target(complete, w)
  if (noAudio !== complete) {
    const check = cx.addSynthetic(`${id}-heard`, {
      type: 'branch',
      description: `Studio's ${w.name} tells a recording (recordingComplete) from silence (noAudio).`,
      cases: [{ when: { var: `vars.${saveAs}.url`, exists: true }, goto: next }],
      else: cx.target(noAudio, w),
    })
    const at = cx.positions.get(id)
    if (at !== undefined) cx.positions.set(check, { x: at.x, y: at.y + 160 })
    next = check
  }
  const finishOnKey = textProp(w, 'finish_on_key')
  const maxLength = numberProp(w, 'max_length')
  const timeout = numberProp(w, 'timeout')
  const beep = booleanProp(w, 'play_beep')
  return {
    type: 'record',
    ...(maxLength !== undefined ? { maxLength: clamp(cx, w, 'max_length', maxLength, 1, 14400) } : {}),
    ...(timeout !== undefined && timeout !== 5 ? { timeout: clamp(cx, w, 'timeout', timeout, 1, 60) } : {}),
    ...(finishOnKey !== undefined && /^[0-9*#]*$/.test(finishOnKey) ? { finishOnKey } : {}),
    ...(beep === false ? { playBeep: false } : {}),
    ...(booleanProp(w, 'transcribe') === true ? { transcribe: true } : {}),
    saveAs,
    next,
  }
}

// enqueue-call -------------------------------------------------------------------------------

/** Enqueue Call → `enqueue` into a named queue; a TaskRouter workflow is not converted. */
export function convertEnqueue(cx: Conversion, w: StudioWidget): NodeInput {
  const queue = textProp(w, 'queue_name')
  if (queue === undefined || queue.trim() === '') return placeholder(cx, w, 'enqueues into a TaskRouter workflow; Phonetree enqueues into named queues only')
  const complete = nextOf(transitionFor(w, 'callComplete'))
  for (const event of ['failedToEnqueue', 'callFailure']) {
    const other = nextOf(transitionFor(w, event))
    if (other !== undefined && other !== complete) cx.warn(w, `its ${event} transition leads to "${other}"; Phonetree goes on to "${complete ?? 'the end'}" however the caller left the queue`)
  }
  const waitUrl = textProp(w, 'wait_url')
  return {
    type: 'enqueue',
    queue: cx.template(queue.trim(), w),
    ...(waitUrl !== undefined && waitUrl.trim() !== '' ? { waitUrl: waitUrl.trim() } : {}),
    next: cx.target(complete, w),
  }
}

// add-twiml-redirect -------------------------------------------------------------------------

/** TwiML Redirect → `redirect`: the call leaves the flow for good. */
export function convertRedirect(cx: Conversion, w: StudioWidget): NodeInput {
  const url = textProp(w, 'url') ?? ''
  if (url.trim() === '') return placeholder(cx, w, 'has no URL')
  const back = nextOf(transitionFor(w, 'return'))
  if (back !== undefined) cx.warn(w, `its return transition leads to "${back}"; a Phonetree redirect hands the call over for good, so the call does not come back`)
  const method = (textProp(w, 'method') ?? 'POST').toUpperCase()
  return { type: 'redirect', url: cx.template(url.trim(), w), ...(method === 'GET' ? { method: 'GET' } : {}) }
}

// split-based-on -----------------------------------------------------------------------------

/**
 * Split Based On… → `branch`. The tested value is read directly when the input is one path
 * (`{{flow.variables.x}}`); otherwise a helper `set` node (with the split's id, so the ways in
 * still lead there) stores it first.
 */
export function convertSplit(cx: Conversion, w: StudioWidget, id: string): NodeInput {
  const input = cx.template(textProp(w, 'input') ?? '', w)
  const path = wholePath(input)
  const matches = w.transitions.filter((t) => t.event === 'match')
  const elseTo = cx.target(nextOf(transitionFor(w, 'noMatch')), w)
  const valuePath = path ?? `vars.${varNameFrom(w.name)}_value`
  const cases: Array<{ when: Condition; goto: string }> = []
  for (const t of matches) {
    const converted = (t.conditions ?? []).map((c) => conditionFrom(c, valuePath))
    const failed = converted.find((c) => !c.ok)
    if (failed !== undefined && !failed.ok) return placeholder(cx, w, failed.reason)
    const conditions = converted.flatMap((c) => (c.ok ? [c.condition] : []))
    if (conditions.length === 0) continue
    cases.push({ when: conditions.length === 1 ? conditions[0]! : { all: conditions }, goto: cx.target(nextOf(t), w) })
  }
  if (cases.length === 0) return { type: 'set', description: `Studio split "${w.name}" has no conditions: every call goes the noMatch way.`, vars: {}, next: elseTo }
  const branch: NodeInput = { type: 'branch', cases, else: elseTo }
  if (path !== undefined) return branch
  const branchId = cx.addSynthetic(`${id}-cases`, branch)
  const at = cx.positions.get(id)
  if (at !== undefined) cx.positions.set(branchId, { x: at.x, y: at.y + 160 })
  return { type: 'set', description: `Stores the value Studio's "${w.name}" tests, for the branch after it.`, vars: { [`${varNameFrom(w.name)}_value`]: input }, next: branchId }
}

function clamp(cx: Conversion, w: StudioWidget, key: string, value: number, min: number, max: number): number {
  const clamped = Math.max(min, Math.min(max, Math.round(value)))
  if (clamped !== value) cx.warn(w, `${key} ${value} is outside ${min}–${max}; it is ${clamped}`)
  return clamped
}
