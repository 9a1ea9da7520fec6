/**
 * Renders a provider-neutral view as a Twilio TwiML document.
 *
 * The output is byte-identical to what the official `twilio` package's `VoiceResponse#toString()`
 * produces for the same document (tests use it as an oracle), but this module has no dependencies
 * and no Node-only APIs, so it also runs in a browser (the flow editor's preview).
 */
import type {
  DialInstruction,
  EnqueueInstruction,
  GatherInstruction,
  Instruction,
  RecordInstruction,
  Speech,
  View,
} from '../step/view.ts'
import { DEFAULT_APOLOGY } from '../step/view.ts'

export interface TwimlOptions {
  /** URL Twilio calls back after a gather, dial, record or enqueue (already carries the call's step number). */
  actionUrl: string
  /** Base URL for play parts whose url is a relative path (e.g. "https://host/audio/"); absolute URLs (with a scheme) are left alone. */
  audioBaseUrl?: string
  /** Where Twilio posts transcriptions when a record instruction has transcribe: true. */
  transcribeCallbackUrl?: string
  /** Default voice/language applied to say instructions that have none. */
  voice?: string
  language?: string
}


const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

/**
 * Renders a view as a complete TwiML document, one verb per instruction, in order.
 *
 * @example
 * renderTwiml([{ kind: 'say', text: 'Bye' }, { kind: 'hangup' }], { actionUrl: '/calls/step/3' })
 * // '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bye</Say><Hangup/></Response>'
 */
export function renderTwiml(view: View, options: TwimlOptions): string {
  return serializeDocument(view.flatMap((instruction) => renderInstruction(instruction, options)))
}

/**
 * The document of last resort: a short apology, then hang up. It has no callbacks, so it works
 * even when the flow, the store or the action URL is what broke.
 *
 * @example
 * renderApology()
 * // '<?xml version="1.0" encoding="UTF-8"?><Response><Say>We're sorry, … later.</Say><Hangup/></Response>'
 */
export function renderApology(message?: string, options: { voice?: string; language?: string } = {}): string {
  const text = message === undefined || isBlank(removeIllegalXmlChars(message)) ? DEFAULT_APOLOGY : message
  const attributes = { voice: nonEmpty(options.voice), language: nonEmpty(options.language) }
  // The message may come from configuration; the last resort must not be rejected for its length.
  const says = splitSayText(removeIllegalXmlChars(text), sayLimit(attributes.voice)).map((chunk) => element('Say', { ...attributes }, [chunk]))
  return serializeDocument([...says, element('Hangup')])
}

// ---------------------------------------------------------------------------------------------
// Instructions → elements

type AttributeValue = string | number | boolean | undefined

interface XmlElement {
  name: string
  /** Emitted in insertion order, which is what twilio does too; undefined values are left out. */
  attributes: Record<string, AttributeValue>
  children: XmlNode[]
}

/** A string child is a text node. */
type XmlNode = XmlElement | string

function element(name: string, attributes: Record<string, AttributeValue> = {}, children: XmlNode[] = []): XmlElement {
  return { name, attributes, children }
}

function renderInstruction(instruction: Instruction, options: TwimlOptions): XmlElement[] {
  switch (instruction.kind) {
    case 'say':
    case 'play':
    case 'pause':
      return renderSpeech(instruction, options)
    case 'gather':
      // Without input Twilio falls through to the next verb (twiml-protocol.md §1.4); the
      // redirect makes sure the engine still hears about it even if actionOnEmptyResult is ignored.
      return [renderGather(instruction, options), callBack(options.actionUrl)]
    case 'dial':
      return [renderDial(instruction, options)]
    case 'record':
      // An empty recording continues the document instead of requesting action.
      return [renderRecord(instruction, options), callBack(options.actionUrl)]
    case 'enqueue':
      return [renderEnqueue(instruction, options)]
    case 'hangup':
      return [element('Hangup')]
    case 'redirect':
      return [element('Redirect', { method: instruction.method }, [instruction.url])]
    default:
      return assertNever(instruction)
  }
}

/** One speech part as verbs: a say over its voice's length limit becomes several says. */
function renderSpeech(speech: Speech, options: TwimlOptions): XmlElement[] {
  switch (speech.kind) {
    case 'say': {
      const attributes = {
        voice: nonEmpty(speech.voice) ?? nonEmpty(options.voice),
        language: nonEmpty(speech.language) ?? nonEmpty(options.language),
        loop: repeatCount(speech.loop),
      }
      // Caller- or CRM-controlled text can be any length, and Twilio rejects the whole document
      // (error 13521) when one <Say> is too long, so long text is spoken as consecutive says.
      const limit = sayLimit(attributes.voice)
      return splitSayText(removeIllegalXmlChars(speech.text), limit).map((chunk) => element('Say', { ...attributes }, [chunk]))
    }
    case 'play':
      return [element('Play', { loop: repeatCount(speech.loop) }, [audioUrl(speech.url, options.audioBaseUrl)])]
    case 'pause':
      return [element('Pause', { length: speech.seconds })]
    default:
      return assertNever(speech)
  }
}

function renderGather(gather: GatherInstruction, options: TwimlOptions): XmlElement {
  const attributes = {
    input: gather.input.join(' '),
    action: options.actionUrl,
    method: 'POST',
    timeout: gather.timeout,
    numDigits: gather.numDigits,
    // '' is meaningful here (no finishing key), so only undefined is left out.
    finishOnKey: gather.finishOnKey,
    speechTimeout: gather.speechTimeout,
    hints: nonEmpty(gather.hints),
    language: nonEmpty(gather.language),
    actionOnEmptyResult: true,
  }
  return element('Gather', attributes, gather.prompts.flatMap((prompt) => renderSpeech(prompt, options)))
}

function renderDial(dial: DialInstruction, options: TwimlOptions): XmlElement {
  const attributes = {
    action: options.actionUrl,
    method: 'POST',
    timeout: dial.timeout,
    callerId: nonEmpty(dial.callerId),
    timeLimit: dial.timeLimit,
    record: dial.record ? 'record-from-answer' : undefined,
  }
  return element('Dial', attributes, dial.numbers.map((number) => element('Number', {}, [number])))
}

function renderRecord(record: RecordInstruction, options: TwimlOptions): XmlElement {
  return element('Record', {
    action: options.actionUrl,
    method: 'POST',
    maxLength: record.maxLength,
    timeout: record.timeout,
    finishOnKey: record.finishOnKey,
    playBeep: record.playBeep,
    transcribe: record.transcribe,
    transcribeCallback: record.transcribe ? nonEmpty(options.transcribeCallbackUrl) : undefined,
  })
}

function renderEnqueue(enqueue: EnqueueInstruction, options: TwimlOptions): XmlElement {
  const attributes = { action: options.actionUrl, method: 'POST', waitUrl: nonEmpty(enqueue.waitUrl) }
  return element('Enqueue', attributes, [enqueue.queue])
}

// ---------------------------------------------------------------------------------------------
// Long say text

/**
 * The most characters one `<Say>` may speak (error 13521, twiml-protocol.md §7): basic voices
 * 4096, Polly 3000, Google 5000. Counted in code points, as twiml-check.ts does.
 *
 * @example sayLimit('Polly.Joanna') // 3000
 */
export function sayLimit(voice: string | undefined): number {
  // The attribute is written without illegal characters, so that is the name Twilio sees.
  const name = removeIllegalXmlChars(voice ?? '')
  if (name.startsWith('Polly.')) return 3000
  if (name.startsWith('Google.')) return 5000
  return 4096
}

/**
 * Splits text into pieces of at most `limit` code points, preferring sentence ends, then word
 * boundaries; a word is cut only when it alone is longer than the limit. The whitespace at each
 * split (and at the ends) is dropped, so the pieces joined with it give the text back. Text
 * within the limit comes back whole and untouched; whitespace-only text over it gives no pieces.
 *
 * @example splitSayText('One. Two three.', 10) // ['One.', 'Two three.']
 */
export function splitSayText(text: string, limit: number): string[] {
  // Code points, not UTF-16 units, so a surrogate pair is never cut in half.
  const chars = [...text]
  if (chars.length <= limit) return [text]
  const pieces: string[] = []
  let start = skipSpaces(chars, 0)
  while (start < chars.length) {
    let end = chars.length - start > limit ? breakPoint(chars, start, limit) : chars.length
    const next = skipSpaces(chars, end)
    while (end > start && isBreakingSpace(chars[end - 1]!)) end--
    pieces.push(chars.slice(start, end).join(''))
    start = next
  }
  return pieces
}

/** No-break spaces (and the BOM, which `\s` also matches) join words, so text is never split there. */
const NO_BREAK = /[\u00A0\u2007\u202F\uFEFF]/
const SENTENCE_END = /[.!?…。！？]/
const CLOSER = /["'”’)\]»]/
/** Full stops after which CJK text, written without spaces, may be split. */
const CJK_STOP = /[。！？]/

function isBreakingSpace(char: string): boolean {
  return /\s/.test(char) && !NO_BREAK.test(char)
}

function skipSpaces(chars: readonly string[], from: number): number {
  let i = from
  while (i < chars.length && isBreakingSpace(chars[i]!)) i++
  return i
}

/**
 * Where to end the piece that begins at `start` (which is not a space), given more than `limit`
 * characters remain: the last sentence end in the window's second half, otherwise the last word
 * boundary, otherwise (one very long word) exactly at the limit.
 */
function breakPoint(chars: readonly string[], start: number, limit: number): number {
  const max = start + limit
  // A sentence end early in the window would make a needlessly short piece.
  const sentenceFloor = start + Math.floor(limit / 2)
  let word = -1
  for (let p = max; p > start; p--) {
    const before = chars[p - 1]!
    const at = chars[p]!
    if (isBreakingSpace(before)) continue
    const wordEnd = isBreakingSpace(at)
    const sentenceEnd =
      (wordEnd && (SENTENCE_END.test(before) || (CLOSER.test(before) && p - 2 >= start && SENTENCE_END.test(chars[p - 2]!)))) ||
      CJK_STOP.test(before)
    if (sentenceEnd && p >= sentenceFloor) return p
    if (wordEnd && word < 0) word = p
  }
  return word !== -1 ? word : max
}

function callBack(actionUrl: string): XmlElement {
  return element('Redirect', { method: 'POST' }, [actionUrl])
}

/** Optional text attributes are left out rather than written as `voice=""`, which Twilio rejects. */
function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && removeIllegalXmlChars(value) !== '' ? value : undefined
}

/** loop="1" is Twilio's default, so it is only written when it changes something. */
function repeatCount(loop: number | undefined): number | undefined {
  return loop !== undefined && loop > 1 ? loop : undefined
}

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** Joins a relative audio path to the base; absolute and protocol-relative URLs pass through. */
function audioUrl(url: string, base: string | undefined): string {
  if (!base || url === '' || HAS_SCHEME.test(url) || url.startsWith('//')) return url
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
}

function assertNever(value: never): never {
  throw new Error(`renderTwiml: unknown instruction ${JSON.stringify(value)}`)
}

// ---------------------------------------------------------------------------------------------
// Serialization

/**
 * Characters XML 1.0 forbids anywhere, even escaped: C0 controls other than tab/LF/CR, lone
 * surrogates (with the `u` flag a valid pair is one code point, outside the class), U+FFFE/U+FFFF.
 * Caller-controlled text (speech results, CRM answers) can contain them; one would make the whole
 * document unparsable, so they are dropped.
 */
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu

function removeIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '')
}

function isBlank(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text)
}

// The escaping mirrors xmlbuilder's (which twilio uses) so the output is byte-identical: in text
// `>` is escaped (it guards `]]>`) and CR becomes a reference so parsers do not normalise it away;
// in attributes `"` is escaped (values are always double-quoted, so `'` and `>` are harmless) and
// tab/LF/CR become references so attribute-value normalisation keeps them.
function escapeText(text: string): string {
  return removeIllegalXmlChars(text).replace(TEXT_SPECIAL, (c) => ENTITIES[c]!)
}

function escapeAttribute(value: string): string {
  return removeIllegalXmlChars(value).replace(ATTRIBUTE_SPECIAL, (c) => ENTITIES[c]!)
}

const TEXT_SPECIAL = /[&<>\r]/g
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/g
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' }

function serializeDocument(verbs: XmlElement[]): string {
  return XML_DECLARATION + serialize(element('Response', {}, verbs))
}

function serialize(node: XmlNode): string {
  if (typeof node === 'string') return escapeText(node)
  let attributes = ''
  for (const name of Object.keys(node.attributes)) {
    const value = node.attributes[name]
    if (value !== undefined) attributes += ` ${name}="${escapeAttribute(String(value))}"`
  }
  let content = ''
  for (const child of node.children) content += serialize(child)
  // Like xmlbuilder, an element whose content ends up empty is self-closed.
  return content === '' ? `<${node.name}${attributes}/>` : `<${node.name}${attributes}>${content}</${node.name}>`
}
