import twilio from 'twilio'
import { checkTwiml, parseTwiml } from '@phonetree/engine/twiml-check'
import type { TwimlElement } from '@phonetree/engine/twiml-check'

/** Sends one webhook request; a real fetch over loopback, or `app.request()` in tests. */
export type Transport = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<Response>

export interface SimulatorOptions {
  transport: Transport
  /** The URL Twilio would request for an incoming call, e.g. http://127.0.0.1:3000/voice/support. */
  url: string
  /** Signs every request with X-Twilio-Signature when given. */
  authToken?: string
  callSid?: string
  from?: string
  to?: string
  direction?: 'inbound' | 'outbound-api'
  /** Extra parameters on the first webhook (e.g. AnsweredBy, FromCity). */
  params?: Record<string, string>
  /** Where to send the final status callback when the call ends (Twilio posts it if configured). */
  statusCallbackUrl?: string
}

/** What the caller experienced up to the point where the call waits for them (or ended). */
export interface Turn {
  /** Everything said (text), played (`[play url]`) and paused (`[pause n]`), in order. */
  heard: string[]
  /** What the call now waits for. */
  waiting: 'gather' | 'dial' | 'record' | 'enqueue' | 'ended'
  /** Attributes of the waiting verb, and for dial the numbers. */
  attributes: Record<string, string>
  numbers: string[]
  /** The documents answered during this turn, for assertions on TwiML. */
  documents: string[]
}

interface Wait {
  verb: TwimlElement
  rest: TwimlElement[]
  documentUrl: string
}

/**
 * A caller and the Twilio cloud between them, simulated: posts Twilio's webhooks with
 * realistic parameters (signed like Twilio signs them), executes the TwiML answers verb by verb
 * the way Twilio does (Gather actions and empty results, Redirect, Dial, Record and Enqueue
 * actions, fall-through to the next verb), and stops where a real caller would have to act.
 *
 * @example
 * const call = new SimulatedCall({ transport: fetchTransport, url: 'http://127.0.0.1:3000/voice/support' })
 * (await call.start()).heard // ['Thanks for calling Acme.', 'For sales, press 1. …']
 * await call.press('1')
 */
export class SimulatedCall {
  readonly sid: string
  private wait: Wait | undefined
  private ended = false
  private readonly base: Record<string, string>
  /** Every problem found in an answer: bad status, wrong content type, invalid TwiML. */
  readonly problems: string[] = []
  private transport: Transport

  constructor(private readonly options: SimulatorOptions) {
    this.transport = options.transport
    this.sid = options.callSid ?? `CA${randomHex(32)}`
    const direction = options.direction ?? 'inbound'
    const from = options.from ?? '+15551230000'
    const to = options.to ?? '+15557654321'
    this.base = {
      AccountSid: 'AC00000000000000000000000000000000', ApiVersion: '2010-04-01', CallSid: this.sid, CallStatus: 'in-progress',
      Direction: direction, From: from, To: to, Caller: from, Called: to,
      FromCountry: 'US', ToCountry: 'US', FromState: 'TX', ToState: 'CA', FromCity: 'AUSTIN', ToCity: 'SAN FRANCISCO', FromZip: '73301', ToZip: '94105',
    }
  }

  /**
   * Sends the rest of the call through another transport: the same call reaching a restarted
   * server, or another instance behind a load balancer.
   */
  via(transport: Transport): this {
    this.transport = transport
    return this
  }

  get done(): boolean {
    return this.ended
  }

  /** The incoming-call webhook. */
  start(): Promise<Turn> {
    return this.request(this.options.url, 'POST', { ...this.options.params, CallStatus: 'ringing' })
  }

  /** Keys pressed while a Gather waits. */
  press(digits: string): Promise<Turn> {
    return this.answer('gather', { Digits: digits })
  }

  /** The caller said something while a speech Gather waits. */
  speak(speech: string, confidence = 0.92): Promise<Turn> {
    return this.answer('gather', { SpeechResult: speech, Confidence: String(confidence) })
  }

  /** The Gather timed out: the action gets no Digits when actionOnEmptyResult is set, else the next verb runs. */
  silence(): Promise<Turn> {
    const wait = this.expect('gather')
    if (wait.verb.attributes.actionOnEmptyResult === 'true') return this.follow(wait, {})
    return this.run(wait.rest, wait.documentUrl, [], [])
  }

  /** The dialled call ended with this status. */
  dialResult(status: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled', duration = status === 'completed' ? 42 : 0): Promise<Turn> {
    const wait = this.expect('dial')
    if (wait.verb.attributes.action === undefined) return this.run(wait.rest, wait.documentUrl, [], [])
    return this.follow(wait, { DialCallStatus: status, DialCallSid: `CA${randomHex(32)}`, DialCallDuration: String(duration) })
  }

  /** A recording finished; with no url, Twilio kept nothing and continues the document. */
  recording(url?: string, duration = 12): Promise<Turn> {
    const wait = this.expect('record')
    if (url === undefined) return this.run(wait.rest, wait.documentUrl, [], [])
    return this.follow(wait, { RecordingUrl: url, RecordingDuration: String(duration), RecordingSid: `RE${randomHex(32)}`, Digits: 'hangup' })
  }

  /** The caller left the queue. */
  queueResult(result = 'bridged'): Promise<Turn> {
    const wait = this.expect('enqueue')
    if (wait.verb.attributes.action === undefined) return this.run(wait.rest, wait.documentUrl, [], [])
    return this.follow(wait, { QueueResult: result, QueueTime: '30' })
  }

  /** The caller hangs up; Twilio then posts the final status callback (when one is configured). */
  async hangup(status = 'completed'): Promise<void> {
    this.ended = true
    this.wait = undefined
    await this.sendStatus(status)
  }

  private async sendStatus(status: string): Promise<void> {
    if (this.options.statusCallbackUrl === undefined) return
    const response = await this.post(this.options.statusCallbackUrl, { CallStatus: status, CallDuration: '60' })
    if (response.status >= 400) this.problems.push(`status callback answered ${response.status}`)
  }

  private answer(kind: 'gather', params: Record<string, string>): Promise<Turn> {
    return this.follow(this.expect(kind), params)
  }

  private expect(kind: Wait['verb']['name']): Wait {
    if (this.ended || this.wait === undefined) throw new Error(`the call has ended; it is not waiting for ${kind}`)
    if (this.wait.verb.name.toLowerCase() !== kind) throw new Error(`the call waits for ${this.wait.verb.name}, not ${kind}`)
    return this.wait
  }

  private follow(wait: Wait, params: Record<string, string>): Promise<Turn> {
    const target = new URL(wait.verb.attributes.action ?? wait.documentUrl, wait.documentUrl).toString()
    return this.request(target, wait.verb.attributes.method ?? 'POST', params)
  }

  private async request(url: string, method: string, params: Record<string, string>, heard: string[] = [], documents: string[] = [], hops = 0): Promise<Turn> {
    if (hops > 20) throw new Error('more than 20 redirects in a row')
    const response = await this.post(url, params, method)
    const body = await response.text()
    documents.push(body)
    if (response.status !== 200) this.problems.push(`${url} answered ${response.status}: ${body.slice(0, 200)}`)
    if (!(response.headers.get('content-type') ?? '').includes('xml')) this.problems.push(`${url} answered content-type ${response.headers.get('content-type')}`)
    const problems = checkTwiml(body)
    if (problems.length > 0) {
      this.problems.push(...problems.map((p) => `${url}: ${p}`))
      return this.end(heard, documents)
    }
    const root = parseTwiml(body)
    return this.run(root.children.filter(isElement), url, heard, documents, hops)
  }

  /** Executes verbs in order until one waits, the document runs out, or a Hangup/Redirect. */
  private async run(verbs: TwimlElement[], documentUrl: string, heard: string[], documents: string[], hops = 0): Promise<Turn> {
    for (let i = 0; i < verbs.length; i++) {
      const verb = verbs[i]!
      const rest = verbs.slice(i + 1)
      switch (verb.name) {
        case 'Say':
        case 'Play':
        case 'Pause':
          heard.push(...spoken(verb))
          break
        case 'Gather':
          heard.push(...verb.children.filter(isElement).flatMap(spoken))
          return this.pause({ verb, rest, documentUrl }, heard, documents)
        case 'Dial':
        case 'Record':
        case 'Enqueue':
          return this.pause({ verb, rest, documentUrl }, heard, documents)
        case 'Redirect':
          return this.request(new URL(textOf(verb), documentUrl).toString(), verb.attributes.method ?? 'POST', {}, heard, documents, hops + 1)
        case 'Hangup':
        case 'Reject':
          return this.end(heard, documents)
        default:
          this.problems.push(`unexpected verb ${verb.name}`)
      }
    }
    return this.end(heard, documents)
  }

  private pause(wait: Wait, heard: string[], documents: string[]): Turn {
    this.wait = wait
    const numbers = wait.verb.name === 'Dial' ? wait.verb.children.filter(isElement).map(textOf) : []
    return { heard, waiting: wait.verb.name.toLowerCase() as Turn['waiting'], attributes: wait.verb.attributes, numbers, documents }
  }

  private async end(heard: string[], documents: string[]): Promise<Turn> {
    this.wait = undefined
    if (!this.ended) {
      this.ended = true
      await this.sendStatus('completed')
    }
    return { heard, waiting: 'ended', attributes: {}, numbers: [], documents }
  }

  private post(url: string, params: Record<string, string>, method = 'POST'): Promise<Response> {
    const all = { ...this.base, ...params }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1', 'i-twilio-idempotency-token': randomHex(32) }
    if (this.options.authToken !== undefined) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(this.options.authToken, url, all)
    return this.transport(url, { method, headers, body: new URLSearchParams(all).toString() })
  }
}

function isElement(node: TwimlElement['children'][number]): node is TwimlElement {
  return 'name' in node
}

function textOf(element: TwimlElement): string {
  return element.children.map((c) => ('text' in c ? c.text : textOf(c))).join('')
}

function spoken(verb: TwimlElement): string[] {
  if (verb.name === 'Say') return [textOf(verb)]
  if (verb.name === 'Play') return [`[play ${textOf(verb)}]`]
  if (verb.name === 'Pause') return [`[pause ${verb.attributes.length ?? '1'}]`]
  return []
}

function randomHex(length: number): string {
  let out = ''
  while (out.length < length) out += Math.random().toString(16).slice(2)
  return out.slice(0, length)
}

/** A transport over real HTTP (loopback), for `phonetree call` and end-to-end tests. */
export const fetchTransport: Transport = (url, init) => fetch(url, init)
