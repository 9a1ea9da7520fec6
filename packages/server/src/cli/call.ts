import { createInterface } from 'node:readline'
import type { Interface } from 'node:readline'
import { parseArgs } from 'node:util'
import { parseTwiml } from '@phonetree/engine/twiml-check'
import type { TwimlElement } from '@phonetree/engine/twiml-check'
import { SimulatedCall } from '../twilio/simulator.ts'
import type { Transport, Turn } from '../twilio/simulator.ts'
import type { Output } from './validate.ts'

export const CALL_USAGE = `Usage: phonetree call URL [options]
       phonetree call FLOW --server http://127.0.0.1:3000 [options]

A simulated caller: posts Twilio's webhooks to a running Phonetree server, executes the
TwiML it answers the way Twilio does, and prints what the caller hears. URL is the
incoming-call webhook (http://127.0.0.1:3000/voice/support); a bare flow id is called
on --server (default http://127.0.0.1:$PORT, PORT defaulting to 3000).

Answers, in --press or typed at the prompt:
  2  123456#  *          keys for a gather (the finish key and what follows it are not sent)
  silence                no input: the gather times out (an empty line at the prompt, too)
  say:words here         speech, for a gather that listens (say:"yes, please" keeps commas)
  completed  busy  no-answer  failed  canceled
                         how a dial ended
  record:URL  record  record:empty
                         a recording finished (record alone makes up a URL;
                         record:empty: Twilio kept nothing)
  queue:bridged          the caller left the queue (bridged, leave, hangup, queue-full, error…)
  hangup                 the caller hangs up

Options:
  --press A,B,…          answer from this script, one item per thing the call waits for;
                         when it runs out while the call still waits, hang up (a warning,
                         exit 0). Without --press (and --silence) the call is interactive
  --silence              once the script runs out, answer every gather with silence
                         (alone: hear the whole call without pressing anything)
  --server URL           the server for a bare flow id (http://127.0.0.1:$PORT)
  --from +1…             the caller's number (+15551230000)
  --to +1…               the number called (+15557654321)
  --token TOKEN          sign requests like Twilio (default $TWILIO_AUTH_TOKEN; '' = unsigned)
  --public-url URL       the server's PUBLIC_URL when it differs from the address reached:
                         requests are signed for it, but still sent to URL's host
                         (default $PUBLIC_URL)
  --answered-by VALUE    AnsweredBy: human, machine_start, machine_end_beep,
                         machine_end_silence, machine_end_other, fax or unknown
  --direction D          inbound (default) or outbound-api
  --param Name=Value     an extra field on the incoming-call webhook (repeatable)
  --status-callback URL  where Twilio posts the final call status
                         (default: URL + /status for /voice/<flow>; "none" to skip)
  --json                 one JSON object per turn instead of the transcript
  --plain                ASCII markers (the default when NO_COLOR is set or the output
                         is not a terminal)

Exit status: 0 the call ran and every answer was valid TwiML with status 200;
1 the server answered non-200, non-XML or invalid TwiML, or could not be reached;
2 bad usage, or a --press item that does not fit what the call waits for.`

const ANSWERED_BY = ['human', 'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax', 'unknown']
const DIAL_STATUSES = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const
type DialStatus = (typeof DIAL_STATUSES)[number]
const QUEUE_RESULTS = ['bridged', 'leave', 'hangup', 'queue-full', 'error', 'redirected', 'redirected-from-bridged', 'system-error']
/** Queue results that may be typed without the `queue:` prefix (never `hangup` or `error`). */
const BARE_QUEUE_RESULTS = ['bridged', 'leave', 'queue-full', 'redirected', 'system-error']
/** Twilio gives up on a webhook after 15 s (error 11205). */
const WEBHOOK_TIMEOUT_MS = 15_000
/** `--silence` stops answering after this many gathers in a row (a flow may loop on silence). */
const MAX_SILENCES = 50

/** One thing the caller does while the call waits. */
export type Answer =
  | { kind: 'press'; keys: string }
  | { kind: 'silence' }
  | { kind: 'say'; speech: string }
  | { kind: 'dial'; status: DialStatus }
  | { kind: 'record'; url: string | undefined }
  | { kind: 'queue'; result: string }
  | { kind: 'hangup' }

type Waiting = Exclude<Turn['waiting'], 'ended'>

const WAITS_FOR: Record<Answer['kind'], Waiting | 'any'> = {
  press: 'gather', silence: 'gather', say: 'gather', dial: 'dial', record: 'record', queue: 'enqueue', hangup: 'any',
}

const DESCRIBE_WAIT: Record<Waiting, string> = {
  gather: 'keys (a gather)', dial: 'a dial outcome', record: 'a recording', enqueue: 'a queue result',
}

interface Marks {
  call: string
  hear: string
  keys: string
  said: string
  quiet: string
  dial: string
  record: string
  queue: string
  warn: string
  fail: string
}

const FANCY: Marks = { call: '☎  ', hear: '🔊 ', keys: '⌨  ', said: '🗣  ', quiet: '🤫 ', dial: '📞 ', record: '⏺  ', queue: '⏳ ', warn: '⚠  ', fail: '✖  ' }
const PLAIN: Marks = { call: '[call]  ', hear: '[hear]  ', keys: '[keys]  ', said: '[said]  ', quiet: '[quiet] ', dial: '[dial]  ', record: '[rec]   ', queue: '[queue] ', warn: '[warn]  ', fail: '[fail]  ' }

class UsageError extends Error {}

/**
 * Reads one answer: `2`, `123456#`, `silence`, `say:words`, a dial status, `record:URL`,
 * `record`, `record:empty`, `queue:bridged` or `hangup`. Throws a UsageError naming what is
 * wrong.
 *
 * @example parseAnswer('say:"yes, please"') // { kind: 'say', speech: 'yes, please' }
 */
export function parseAnswer(text: string): Answer {
  const item = text.trim()
  const lower = item.toLowerCase()
  if (/^[0-9*#]+$/.test(item)) return { kind: 'press', keys: item }
  if (lower === 'silence') return { kind: 'silence' }
  if (lower === 'hangup') return { kind: 'hangup' }
  const say = /^say\s*:?\s*(.*)$/is.exec(item)
  if (say !== null && (lower.startsWith('say:') || lower.startsWith('say '))) {
    const speech = unquote(say[1]!.trim())
    if (speech === '') throw new UsageError('say: needs the words the caller says, e.g. say:sales')
    return { kind: 'say', speech }
  }
  const dial = lower.startsWith('dial:') ? lower.slice(5) : lower
  if ((DIAL_STATUSES as readonly string[]).includes(dial)) return { kind: 'dial', status: dial as DialStatus }
  if (lower === 'record') return { kind: 'record', url: madeUpRecording() }
  if (lower === 'record:empty' || lower === 'empty') return { kind: 'record', url: undefined }
  if (lower.startsWith('record:')) {
    const url = item.slice('record:'.length).trim()
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`record: takes a recording URL or "empty", not "${url}"`)
    return { kind: 'record', url }
  }
  if (/^https?:\/\/\S+$/.test(item)) return { kind: 'record', url: item }
  if (lower.startsWith('queue:')) {
    const result = lower.slice('queue:'.length).trim()
    if (!QUEUE_RESULTS.includes(result)) throw new UsageError(`queue: takes one of ${QUEUE_RESULTS.join(', ')}, not "${result}"`)
    return { kind: 'queue', result }
  }
  if (BARE_QUEUE_RESULTS.includes(lower)) return { kind: 'queue', result: lower }
  if (lower === 'dial' || lower.startsWith('dial:')) throw new UsageError(`a dial ends as one of ${DIAL_STATUSES.join(', ')}, not "${item}"`)
  throw new UsageError(`"${item}" is not an answer: use keys (0-9 * #), silence, say:words, completed|busy|no-answer|failed|canceled, record:URL, record:empty, queue:bridged or hangup`)
}

/**
 * Splits a `--press` script on commas, except inside double quotes (`say:"yes, please"`).
 *
 * @example splitScript('2,say:"yes, please", busy') // ['2', 'say:"yes, please"', 'busy']
 */
export function splitScript(script: string): string[] {
  const items: string[] = []
  let current = ''
  let quoted = false
  for (const ch of script) {
    if (ch === '"') quoted = !quoted
    if (ch === ',' && !quoted) {
      items.push(current.trim())
      current = ''
    } else current += ch
  }
  if (quoted) throw new UsageError('--press has an unclosed double quote')
  items.push(current.trim())
  if (items.some((item) => item === '')) throw new UsageError('--press has an empty item (two commas in a row?)')
  return items
}

/** Where the caller's answers come from: the script, `--silence`, or lines typed at a prompt. */
interface AnswerSource {
  /** The next answer for what the call waits for, or a hang-up (with a warning unless it is empty). */
  next(turn: Turn): Promise<{ answer: Answer; from: string } | { hangup: string }>
  /** Script items never used, when the call ended first. */
  unused(): number
  close(): void
}

/**
 * `phonetree call URL [options]`: a simulated caller driving a running server (usage above).
 * Reads answers from `--press`, else interactively from `input` (standard input by default).
 *
 * @example await callCommand(['http://127.0.0.1:3000/voice/support', '--press', '2,123456#,busy'], io)
 */
export async function callCommand(
  argv: readonly string[],
  io: Output,
  input?: AsyncIterable<string> | NodeJS.ReadableStream,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let options: CallOptions | 'help'
  try {
    options = readOptions(argv, env)
  } catch (error) {
    const parseArgsError = error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    if (!(error instanceof UsageError) && !parseArgsError) throw error
    io.err(`phonetree call: ${(error as Error).message}`)
    io.err(CALL_USAGE)
    return 2
  }
  if (options === 'help') {
    io.out(CALL_USAGE)
    return 0
  }
  return new CallRun(options, io, input).run()
}

interface CallOptions {
  /** Where requests go: the address reached. */
  url: URL
  /** The URL Twilio would request (and sign): `url` under `--public-url`. */
  publicUrl: string
  /** `--public-url` as a base (no trailing slash), when given. */
  publicBase: string | undefined
  token: string | undefined
  from: string
  to: string
  direction: 'inbound' | 'outbound-api'
  params: Record<string, string>
  statusCallback: string | undefined
  script: Answer[] | undefined
  silence: boolean
  json: boolean
  plain: boolean
}

function readOptions(argv: readonly string[], env: Record<string, string | undefined>): CallOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      press: { type: 'string', multiple: true },
      silence: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      token: { type: 'string' },
      'public-url': { type: 'string' },
      'answered-by': { type: 'string' },
      direction: { type: 'string' },
      param: { type: 'string', multiple: true },
      'status-callback': { type: 'string' },
      server: { type: 'string' },
      json: { type: 'boolean' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) return 'help'
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the URL to call' : `expected one URL, got ${positionals.length}: ${positionals.join(' ')}`)
  const target = positionals[0]!
  let url: URL
  if (/^[a-z0-9][a-z0-9-]*$/.test(target)) {
    const server = (values.server ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/+$/, '')
    url = parseUrl(`${server}/voice/${target}`, '--server')
  } else {
    if (values.server !== undefined) throw new UsageError('--server is for a bare flow id; URL already names the server')
    url = parseUrl(target, 'URL')
  }

  const publicOption = values['public-url'] ?? env.PUBLIC_URL
  let publicBase: string | undefined
  if (publicOption !== undefined && publicOption.trim() !== '') {
    const parsed = parseUrl(publicOption.trim(), '--public-url')
    let base = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '')
    // Tolerate the full public webhook URL (https://ivr.example.com/voice/support).
    if (url.pathname !== '/' && base.endsWith(url.pathname.replace(/\/+$/, ''))) base = base.slice(0, base.length - url.pathname.replace(/\/+$/, '').length)
    publicBase = base
  }
  const publicUrl = publicBase !== undefined ? `${publicBase}${url.pathname}${url.search}` : url.toString()

  const params: Record<string, string> = {}
  for (const pair of values.param ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--param takes Name=Value, not "${pair}"`)
    params[pair.slice(0, at)] = pair.slice(at + 1)
  }
  const answeredBy = values['answered-by']
  if (answeredBy !== undefined) {
    if (!ANSWERED_BY.includes(answeredBy)) throw new UsageError(`--answered-by takes one of ${ANSWERED_BY.join(', ')}, not "${answeredBy}"`)
    params.AnsweredBy = answeredBy
  }
  const direction = values.direction ?? 'inbound'
  if (direction !== 'inbound' && direction !== 'outbound-api') throw new UsageError(`--direction takes inbound or outbound-api, not "${direction}"`)

  let statusCallback: string | undefined
  const statusOption = values['status-callback']
  if (statusOption === undefined) {
    const path = new URL(publicUrl).pathname
    if (/\/voice\/[^/]+$/.test(path)) statusCallback = `${publicUrl.split('?')[0]!.replace(/\/+$/, '')}/status`
  } else if (statusOption !== 'none') {
    statusCallback = new URL(statusOption, publicUrl).toString()
  }

  const script = values.press !== undefined ? values.press.flatMap(splitScript).map(parseAnswer) : undefined
  const token = values.token ?? env.TWILIO_AUTH_TOKEN
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== ''
  return {
    url,
    publicUrl,
    publicBase,
    token: token !== undefined && token !== '' ? token : undefined,
    from: values.from ?? '+15551230000',
    to: values.to ?? '+15557654321',
    direction,
    params,
    statusCallback,
    script: script ?? (values.silence === true ? [] : undefined),
    silence: values.silence === true,
    json: values.json === true,
    plain: values.plain === true || noColor || env.TERM === 'dumb' || process.stdout.isTTY !== true,
  }
}

/** One call from the first webhook to the hang-up. */
class CallRun {
  private readonly marks: Marks
  private readonly call: SimulatedCall
  private reported = 0
  private refused = false
  private turns = 0

  constructor(private readonly options: CallOptions, private readonly io: Output, private readonly input: AsyncIterable<string> | NodeJS.ReadableStream | undefined) {
    this.marks = options.plain ? PLAIN : FANCY
    this.call = new SimulatedCall({
      transport: this.transport,
      url: options.publicUrl,
      from: options.from,
      to: options.to,
      direction: options.direction,
      params: options.params,
      ...(options.token !== undefined ? { authToken: options.token } : {}),
      ...(options.statusCallback !== undefined ? { statusCallbackUrl: options.statusCallback } : {}),
    })
  }

  async run(): Promise<number> {
    const { options } = this
    const signing = options.token === undefined ? 'unsigned' : options.publicBase !== undefined && options.publicUrl !== options.url.toString() ? `signed for ${options.publicUrl}` : 'signed'
    this.say('call', `calling ${options.url.toString()} as ${options.from} (call ${this.call.sid}, ${signing})`)
    const source = this.answerSource()
    try {
      let turn = await this.call.start()
      if (!this.show(undefined, turn)) return await this.fail()
      while (turn.waiting !== 'ended') {
        const next = await source.next(turn)
        if ('hangup' in next || next.answer.kind === 'hangup') {
          if ('hangup' in next && next.hangup !== '') this.warn(next.hangup)
          await this.call.hangup('completed')
          this.show({ kind: 'hangup' }, { heard: [], waiting: 'ended', attributes: {}, numbers: [], documents: [] })
          break
        }
        const waitsFor = WAITS_FOR[next.answer.kind]
        if (waitsFor !== 'any' && waitsFor !== turn.waiting) {
          this.error(`${next.from} answers ${DESCRIBE_WAIT[waitsFor]}, but the call waits for ${DESCRIBE_WAIT[turn.waiting]}; hanging up`)
          await this.call.hangup('completed')
          this.reportProblems()
          return 2
        }
        turn = await this.apply(next.answer, turn)
        if (!this.show(next.answer, turn)) return await this.fail()
      }
      const unused = source.unused()
      if (unused > 0) this.warn(`the call ended with ${unused} --press item${unused === 1 ? '' : 's'} unused`)
      return this.reportProblems() ? 1 : 0
    } catch (error) {
      this.error(this.explain(error))
      this.reportProblems()
      return 1
    } finally {
      source.close()
    }
  }

  /** Requests go to the address reached, even when TwiML names the public URL. */
  private readonly transport: Transport = async (url, init) => {
    const target = this.toReachable(url)
    let response: Response
    try {
      response = await fetch(target, { ...init, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) })
    } catch (error) {
      throw new ReachError(target, url, error)
    }
    if (response.status === 403) this.refused = true
    return response
  }

  private toReachable(url: string): string {
    const base = this.options.publicBase
    if (base === undefined || !(url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) return url
    return `${this.options.url.origin}${url.slice(base.length)}`
  }

  private async apply(answer: Answer, turn: Turn): Promise<Turn> {
    const call = this.call
    switch (answer.kind) {
      case 'press': {
        const finishOnKey = turn.attributes.finishOnKey ?? '#'
        const cut = finishOnKey !== '' && answer.keys.includes(finishOnKey) ? answer.keys.slice(0, answer.keys.indexOf(finishOnKey)) : answer.keys
        const numDigits = Number(turn.attributes.numDigits ?? Number.POSITIVE_INFINITY)
        const digits = cut.slice(0, numDigits)
        const input = (turn.attributes.input ?? 'dtmf').split(/\s+/)
        if (!input.includes('dtmf')) {
          this.say('keys', `pressed ${answer.keys} (this gather listens for speech only: it times out)`)
          return call.silence()
        }
        if (digits === '') {
          this.say('keys', `pressed ${answer.keys} (nothing before the finish key: Twilio treats it as no input)`)
          return call.silence()
        }
        this.say('keys', cut.length > digits.length ? `pressed ${answer.keys} (the gather takes ${numDigits} key${numDigits === 1 ? '' : 's'}: sent ${digits})` : `pressed ${answer.keys}`)
        return call.press(digits)
      }
      case 'silence':
        this.say('quiet', 'silence (no input)')
        return call.silence()
      case 'say': {
        const input = (turn.attributes.input ?? 'dtmf').split(/\s+/)
        if (!input.includes('speech')) {
          this.say('said', `"${answer.speech}" (this gather does not listen for speech: it times out)`)
          return call.silence()
        }
        this.say('said', `"${answer.speech}"`)
        return call.speak(answer.speech)
      }
      case 'dial':
        this.say('dial', answer.status)
        return call.dialResult(answer.status)
      case 'record':
        this.say('record', answer.url === undefined ? 'nothing recorded' : `left a message: ${answer.url}`)
        return answer.url === undefined ? call.recording() : call.recording(answer.url)
      case 'queue':
        this.say('queue', `left the queue: ${answer.result}`)
        return call.queueResult(answer.result)
      case 'hangup':
        throw new Error('a hang-up is not sent as an answer')
    }
  }

  /** Prints a turn; false when the server's answer had problems. */
  private show(answer: Answer | undefined, turn: Turn): boolean {
    const problems = this.call.problems.slice(this.reported)
    const index = this.turns++
    if (this.options.json) {
      const queue = turn.waiting === 'enqueue' ? queueName(turn) : undefined
      this.io.out(JSON.stringify({
        turn: index, call: this.call.sid, answer: answer === undefined ? null : answerJson(answer),
        heard: turn.heard, waiting: turn.waiting, attributes: turn.attributes, numbers: turn.numbers,
        ...(queue !== undefined ? { queue } : {}), problems,
      }))
    } else {
      for (const line of turn.heard) this.say('hear', line)
      switch (turn.waiting) {
        case 'dial': {
          const ring = turn.attributes.timeout !== undefined ? `, rings ${turn.attributes.timeout} s` : ''
          this.say('dial', `dialling ${turn.numbers.join(' and ') || '(no number)'} (waiting for: completed, busy, no-answer, failed, canceled${ring})`)
          break
        }
        case 'record': {
          const max = turn.attributes.maxLength !== undefined ? `up to ${turn.attributes.maxLength} s` : 'up to an hour'
          this.say('record', `recording… (${turn.attributes.playBeep === 'false' ? 'no beep' : 'beep'}, ${max})`)
          break
        }
        case 'enqueue':
          this.say('queue', `waiting in queue "${queueName(turn) ?? '?'}"`)
          break
        case 'ended':
          if (answer?.kind === 'hangup') this.say('call', 'hung up; call ended')
          else if (problems.length > 0) this.say('call', 'call ended: Twilio would say "an application error has occurred" and hang up')
          else this.say('call', 'call ended')
          break
        case 'gather':
          break
      }
    }
    return problems.length === 0
  }

  private async fail(): Promise<number> {
    if (!this.call.done) await this.call.hangup('completed').catch(() => undefined)
    this.reportProblems()
    return 1
  }

  /** Prints problems not yet printed; true when the call had any. */
  private reportProblems(): boolean {
    const problems = this.call.problems.slice(this.reported)
    this.reported = this.call.problems.length
    for (const problem of problems) this.error(problem)
    if (problems.length > 0 && this.refused) {
      this.error(this.options.token === undefined
        ? 'the server refused an unsigned webhook (403): pass --token with its TWILIO_AUTH_TOKEN (or set TWILIO_AUTH_TOKEN)'
        : `the server refused the signature (403): check --token, and pass --public-url with the server's PUBLIC_URL when it differs from ${this.options.url.origin}`)
    }
    return this.call.problems.length > 0
  }

  private explain(error: unknown): string {
    if (error instanceof ReachError) {
      const reason = describeFetchError(error.cause)
      if (error.target !== error.url) return `cannot reach ${error.target} (for ${error.url}): ${reason}`
      const requested = new URL(error.target)
      if (requested.origin === this.options.url.origin) {
        return this.turns === 0
          ? `cannot reach the Phonetree server at ${requested.origin} (${reason}). Is it running? Start it with "npm start" (or "phonetree serve").`
          : `lost the Phonetree server at ${requested.origin} in the middle of the call (${reason}). Did it stop?`
      }
      return `cannot reach ${error.target} (${reason}); if that is the server's PUBLIC_URL, pass --public-url ${requested.origin} so requests go to ${this.options.url.origin}`
    }
    return error instanceof Error ? error.message : String(error)
  }

  private answerSource(): AnswerSource {
    const { script, silence } = this.options
    if (script !== undefined) return scriptSource(script, silence)
    return promptSource(this.input, this.io, this.options.json, (message) => this.warn(message))
  }

  private say(mark: keyof Marks, text: string): void {
    if (!this.options.json) this.io.out(`${this.marks[mark]}${text}`)
  }

  private warn(text: string): void {
    this.io.err(`${this.marks.warn}${text}`)
  }

  private error(text: string): void {
    this.io.err(`${this.marks.fail}${text}`)
  }
}

class ReachError extends Error {
  constructor(readonly target: string, readonly url: string, override readonly cause: unknown) {
    super(`cannot reach ${target}`)
  }
}

function scriptSource(script: readonly Answer[], silence: boolean): AnswerSource {
  let index = 0
  let silences = 0
  return {
    next: async (turn) => {
      const answer = script[index]
      if (answer !== undefined) {
        index++
        return { answer, from: `--press item ${index} (${describeAnswer(answer)})` }
      }
      if (silence && turn.waiting === 'gather') {
        if (++silences > MAX_SILENCES) return { hangup: `--silence answered ${MAX_SILENCES} gathers in a row and the call still waits; hanging up` }
        return { answer: { kind: 'silence' }, from: '--silence' }
      }
      const what = DESCRIBE_WAIT[turn.waiting as Waiting]
      if (silence) return { hangup: `--silence answers only gathers, and the call waits for ${what}; hanging up` }
      return { hangup: `the script ran out while the call waits for ${what}; hanging up` }
    },
    unused: () => script.length - index,
    close: () => undefined,
  }
}

const PROMPTS: Record<Waiting, (turn: Turn) => string> = {
  gather: (turn) => ((turn.attributes.input ?? 'dtmf').includes('speech') ? 'keys (or "silence", "say: …", "hangup") > ' : 'keys (or "silence", "hangup") > '),
  dial: () => 'dial outcome (completed, busy, no-answer, failed, canceled, or "hangup") > ',
  record: () => 'recording (a URL, "record", "empty", or "hangup") > ',
  enqueue: () => 'queue result (bridged, leave, queue:hangup, queue-full…, or "hangup") > ',
}

/** Answers typed at a prompt, one per line; end of input hangs up. */
function promptSource(input: AsyncIterable<string> | NodeJS.ReadableStream | undefined, io: Output, json: boolean, complain: (message: string) => void): AnswerSource {
  const stream = input ?? process.stdin
  const terminal = input === undefined && process.stdin.isTTY === true && process.stdout.isTTY === true
  let rl: Interface | undefined
  let lines: AsyncIterator<string>
  if (isReadableStream(stream)) {
    rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY, ...(terminal ? { output: process.stdout, terminal: true } : { terminal: false }) })
    const opened = rl
    // Ctrl-C at the prompt hangs up, so the server still hears how the call ended.
    opened.on('SIGINT', () => opened.close())
    lines = opened[Symbol.asyncIterator]()
  } else {
    lines = splitLines(stream)
  }
  const ask = (prompt: string) => {
    if (rl !== undefined && terminal) {
      rl.setPrompt(prompt)
      rl.prompt()
    } else if (json) io.err(prompt.trimEnd())
    else io.out(prompt.trimEnd())
  }
  return {
    next: async (turn) => {
      const waiting = turn.waiting as Waiting
      for (;;) {
        ask(PROMPTS[waiting](turn))
        const line = await lines.next()
        if (line.done === true) {
          // Ctrl-D or Ctrl-C at a terminal leaves the cursor after the prompt.
          if (terminal) process.stdout.write('\n')
          return { hangup: '' }
        }
        const text = line.value.trim()
        if (text === '') {
          if (waiting === 'gather') return { answer: { kind: 'silence' }, from: 'the empty line' }
          continue
        }
        let answer: Answer
        try {
          answer = parseAnswer(text)
        } catch (error) {
          complain(error instanceof Error ? error.message : String(error))
          continue
        }
        const waitsFor = WAITS_FOR[answer.kind]
        if (waitsFor !== 'any' && waitsFor !== waiting) {
          complain(`"${text}" answers ${DESCRIBE_WAIT[waitsFor]}, but the call waits for ${DESCRIBE_WAIT[waiting]}`)
          continue
        }
        return { answer, from: `"${text}"` }
      }
    },
    unused: () => 0,
    close: () => rl?.close(),
  }
}

function isReadableStream(input: AsyncIterable<string> | NodeJS.ReadableStream): input is NodeJS.ReadableStream {
  return typeof (input as Partial<NodeJS.ReadableStream>).pipe === 'function'
}

/** Lines from chunks of text that may hold several lines, or part of one. */
async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of chunks) {
    rest += chunk
    let at: number
    while ((at = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, at).replace(/\r$/, '')
      rest = rest.slice(at + 1)
    }
  }
  if (rest !== '') yield rest
}

function queueName(turn: Turn): string | undefined {
  const document = turn.documents.at(-1)
  if (document === undefined) return undefined
  try {
    const find = (element: TwimlElement): TwimlElement | undefined =>
      element.name === 'Enqueue' ? element : element.children.filter(isElement).map(find).find((e) => e !== undefined)
    const enqueue = find(parseTwiml(document))
    return enqueue?.children.map((c) => ('text' in c ? c.text : '')).join('').trim()
  } catch {
    return undefined
  }
}

function isElement(node: TwimlElement['children'][number]): node is TwimlElement {
  return 'name' in node
}

function answerJson(answer: Answer): Record<string, unknown> {
  switch (answer.kind) {
    case 'press': return { press: answer.keys }
    case 'silence': return { silence: true }
    case 'say': return { say: answer.speech }
    case 'dial': return { dial: answer.status }
    case 'record': return { record: answer.url ?? null }
    case 'queue': return { queue: answer.result }
    case 'hangup': return { hangup: true }
  }
}

function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case 'press': return answer.keys
    case 'silence': return 'silence'
    case 'say': return `say:${answer.speech}`
    case 'dial': return answer.status
    case 'record': return answer.url === undefined ? 'record:empty' : `record:${answer.url}`
    case 'queue': return `queue:${answer.result}`
    case 'hangup': return 'hangup'
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s; Twilio gives up after 15 s`
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  if (cause !== undefined && typeof cause.code === 'string') return typeof cause.message === 'string' ? cause.message : cause.code
  return error instanceof Error ? error.message : String(error)
}

function parseUrl(text: string, what: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`${what} must be an http(s) URL like http://127.0.0.1:3000/voice/support, or a flow id, not "${text}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${what} must be an http(s) URL, not "${text}"`)
  return url
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text
}

function madeUpRecording(): string {
  let hex = ''
  while (hex.length < 32) hex += Math.random().toString(16).slice(2)
  return `https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings/RE${hex.slice(0, 32)}`
}
