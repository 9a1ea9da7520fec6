import { renderApology, renderTwiml, settle, start, step, transitionName } from '@phonetree/engine'
import type { CallEvent, CompiledFlow, Effect, StepResult } from '@phonetree/engine'
import type { CallRecord, CallStepRecord, CallStore } from '../store/types.ts'
import type { FlowRegistry } from '../flows/registry.ts'
import type { Logger } from '../log.ts'
import { performHttp } from '../effects/http.ts'
import { MAX_BODY_BYTES } from '@phonetree/engine/twiml-check'
import { callInfoFrom, eventFrom, isCallEnded } from '../twilio/webhook.ts'

export interface CallServiceOptions {
  flows: FlowRegistry
  store: CallStore
  log: Logger
  /** Base URL Twilio calls, for absolute URLs in TwiML; relative URLs when absent. */
  publicUrl?: string | undefined
  /** Hosts http nodes may call; empty allows any. */
  httpAllow?: readonly string[]
  /** Time budget for one webhook answer, below Twilio's 15 s (default 12 s). */
  answerBudgetMs?: number
  now?: () => Date
  fetch?: typeof fetch
}

/** How many recent answers a call keeps for repeated deliveries of the same webhook. */
const KEPT_ANSWERS = 6

/** Twilio's waiting verbs for each resting node type, to read the callback's parameters. */
const WAITING: Record<string, 'gather' | 'dial' | 'record' | 'enqueue' | undefined> = {
  menu: 'gather', input: 'gather', dial: 'dial', record: 'record', enqueue: 'enqueue',
}

/**
 * Answers a call's webhooks: loads its state, applies the answer as one engine step, performs
 * http effects, stores the new state with the answer, and renders TwiML. Every webhook of a
 * call runs under the store's per-call lock; the step number in each callback URL tells a new
 * answer from a repeated delivery, which gets the stored TwiML again and changes nothing.
 */
export class CallService {
  private readonly now: () => Date

  constructor(private readonly options: CallServiceOptions) {
    this.now = options.now ?? (() => new Date())
  }

  /**
   * The incoming-call webhook (`POST /voice/:flowId`): starts the flow.
   *
   * @example await service.startCall('support', { CallSid: 'CA1', From: '+1555…' }) // '<?xml …'
   */
  async startCall(flowId: string, params: Record<string, string>, pendingToken?: string): Promise<string> {
    const sid = params.CallSid!
    const compiled = this.options.flows.get(flowId)
    if (compiled === undefined) {
      this.options.log.warn('call for an unknown or invalid flow', { call: sid, flow: flowId })
      return renderApology()
    }
    return this.options.store.withCall(sid, async (record) => {
      if (record !== undefined) return { result: replay(record, 0) }
      const started = Date.now()
      const vars = pendingToken !== undefined ? (await this.options.store.takePending(pendingToken)) ?? {} : {}
      const info = callInfoFrom(params)
      const effects: unknown[] = []
      const result = await this.settle(compiled, start(compiled, info, this.now(), vars), sid, effects, started)
      const twiml = this.render(compiled, result)
      const at = this.now().getTime()
      const fresh: CallRecord = {
        sid,
        flow: compiled.flow.flow,
        version: compiled.version,
        snapshot: result.snapshot,
        answers: { 0: twiml },
        status: result.status === 'ended' ? 'ended' : 'active',
        ...(result.status === 'ended' ? { outcome: 'completed' } : {}),
        ...pick({ from: info.from, to: info.to, direction: info.direction }),
        createdAt: at,
        updatedAt: at,
      }
      this.logStep(sid, result, started)
      return { result: twiml, record: fresh, steps: [stepRecord(sid, { start: info, vars }, result, effects, started, at)] }
    })
  }

  /**
   * A callback named by an earlier answer (`POST /voice/:flowId/:seq`): gather results, dial
   * outcomes, recordings and queue exits.
   */
  async continueCall(flowId: string, seq: number, params: Record<string, string>): Promise<string> {
    const sid = params.CallSid!
    return this.options.store.withCall(sid, async (record) => {
      if (record === undefined) {
        this.options.log.warn('callback for a call this server does not know', { call: sid, flow: flowId, step: seq })
        return { result: renderApology() }
      }
      if (seq < record.snapshot.seq) return { result: replay(record, seq) }
      if (seq > record.snapshot.seq) {
        this.options.log.warn('callback names a step that has not happened', { call: sid, step: seq, current: record.snapshot.seq })
        return { result: replay(record, record.snapshot.seq - 1) }
      }
      if (record.status === 'ended') return { result: renderTwiml([{ kind: 'hangup' }], { actionUrl: '' }) }
      const compiled = await this.options.flows.byVersion(record.version)
      if (compiled === undefined) throw new Error(`flow version ${record.version} of "${record.flow}" is not available`)
      const started = Date.now()
      const node = compiled.flow.nodes[record.snapshot.node]
      const waiting = node !== undefined ? WAITING[node.type] : undefined
      // A call resting on an http node crashed mid-request: any event re-issues the request.
      const event: CallEvent = waiting !== undefined ? eventFrom(params, waiting) : { type: 'NO_INPUT' }
      const effects: unknown[] = []
      const result = await this.settle(compiled, step(compiled, record.snapshot, event, this.now()), sid, effects, started)
      const twiml = this.render(compiled, result)
      const at = this.now().getTime()
      const updated: CallRecord = {
        ...record,
        snapshot: result.snapshot,
        answers: keepRecent({ ...record.answers, [seq]: twiml }),
        status: result.status === 'ended' ? 'ended' : 'active',
        ...(result.status === 'ended' && record.outcome === undefined ? { outcome: 'completed' } : {}),
        updatedAt: at,
      }
      this.logStep(sid, result, started)
      return { result: twiml, record: updated, steps: [stepRecord(sid, event, result, effects, started, at)] }
    })
  }

  /**
   * Twilio's status callback: a final status (completed, busy, no-answer, failed, canceled)
   * ends the call, as a caller hang-up if the flow was still waiting.
   */
  async statusCallback(params: Record<string, string>): Promise<void> {
    const sid = params.CallSid!
    if (!isCallEnded(params)) return
    await this.options.store.withCall(sid, async (record) => {
      if (record === undefined) return { result: undefined }
      // Twilio's final status is the most precise word on how an ended call ended.
      if (record.status === 'ended') return { result: undefined, record: { ...record, outcome: params.CallStatus!, updatedAt: this.now().getTime() } }
      const compiled = await this.options.flows.byVersion(record.version)
      const started = Date.now()
      const at = this.now().getTime()
      const result = compiled !== undefined ? step(compiled, record.snapshot, { type: 'HANGUP' }, this.now()) : undefined
      const snapshot = result?.snapshot ?? { ...record.snapshot, status: 'done' as const }
      const updated: CallRecord = { ...record, snapshot, status: 'ended', outcome: params.CallStatus!, updatedAt: at }
      const steps = result ? [stepRecord(sid, { type: 'HANGUP', status: params.CallStatus }, result, [], started, at)] : []
      this.options.log.info('call ended', { call: sid, flow: record.flow, status: params.CallStatus, node: record.snapshot.node })
      return { result: undefined, record: updated, steps }
    })
  }

  /** A transcription arrives after the call has moved on: kept in the call's history. */
  async transcription(seq: number, params: Record<string, string>): Promise<void> {
    const sid = params.CallSid!
    await this.options.store.withCall(sid, async (record) => {
      if (record === undefined) return { result: undefined }
      const at = this.now().getTime()
      const text = (params.TranscriptionText ?? '').slice(0, 10_000)
      const entry: CallStepRecord = {
        sid, seq: record.snapshot.seq, at, event: { type: 'TRANSCRIPTION', step: seq, status: params.TranscriptionStatus, text, recording: params.RecordingUrl },
        node: record.snapshot.node, taken: [], view: [], effects: [], errors: [], durationMs: 0,
      }
      return { result: undefined, record: { ...record, updatedAt: at }, steps: [entry] }
    })
  }

  private async settle(compiled: CompiledFlow, first: StepResult, sid: string, effects: unknown[], started: number): Promise<StepResult> {
    const deadline = started + (this.options.answerBudgetMs ?? 12_000)
    return settle(compiled, first, async (effect: Effect) => {
      const begun = Date.now()
      const event = await performHttp(effect, {
        allow: this.options.httpAllow ?? [],
        idempotencyKey: `${sid}:${effect.key}`,
        deadline,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      })
      effects.push({ node: effect.node, method: effect.method, url: effect.url, ms: Date.now() - begun, ...(event.type === 'HTTP_RESULT' ? { status: event.status } : { error: event.type === 'HTTP_ERROR' ? event.message : event.type }) })
      return event
    }, this.now())
  }

  private render(compiled: CompiledFlow, result: StepResult): string {
    const base = this.options.publicUrl ?? ''
    const flow = compiled.flow.flow
    const seq = result.snapshot.seq
    const twiml = renderTwiml(result.view, {
      actionUrl: `${base}/voice/${flow}/${seq}`,
      audioBaseUrl: `${base}/audio/`,
      transcribeCallbackUrl: `${base}/voice/${flow}/${seq}/transcription`,
    })
    // Twilio rejects a body over 64 kB (error 11750) and the caller hears its generic error;
    // long caller- or CRM-controlled text can get there, so the caller gets our apology instead.
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit, so most answers need no count.
    const bytes = twiml.length * 3 <= MAX_BODY_BYTES ? twiml.length : Buffer.byteLength(twiml, 'utf8')
    if (bytes > MAX_BODY_BYTES) {
      this.options.log.error('rendered TwiML is over the 64 kB limit; answering with the apology', { flow, step: seq, node: result.node, bytes })
      return renderApology()
    }
    return twiml
  }

  private logStep(sid: string, result: StepResult, started: number): void {
    const fields = { call: sid, flow: result.snapshot.flow, step: result.snapshot.seq, node: result.node, status: result.status, ms: Date.now() - started }
    if (result.error !== undefined) this.options.log.warn('webhook handled after an error', { ...fields, error: result.error })
    else this.options.log.info('webhook', fields)
  }
}

/** The answer given earlier for callback step `seq` (or the latest one kept). */
function replay(record: CallRecord, seq: number): string {
  const answer = record.answers[seq] ?? record.answers[Math.max(...Object.keys(record.answers).map(Number))]
  return answer ?? renderTwiml([{ kind: 'hangup' }], { actionUrl: '' })
}

function keepRecent(answers: Record<string, string>): Record<string, string> {
  const keys = Object.keys(answers).map(Number).sort((a, b) => b - a).slice(0, KEPT_ANSWERS)
  return Object.fromEntries(keys.map((k) => [k, answers[k]!]))
}

function stepRecord(sid: string, event: Record<string, unknown> | CallEvent, result: StepResult, effects: unknown[], started: number, at: number): CallStepRecord {
  return {
    sid,
    seq: result.snapshot.seq,
    at,
    event: { ...event },
    node: result.node,
    taken: result.taken.map(transitionName),
    view: result.view,
    effects,
    errors: result.error !== undefined ? [result.error] : [],
    durationMs: Date.now() - started,
  }
}

function pick(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined))
}
