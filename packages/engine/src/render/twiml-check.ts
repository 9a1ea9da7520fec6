/**
 * A strict structural validator for the TwiML voice subset Phonetree speaks.
 *
 * Twilio publishes no schema and `twilio`'s own builder validates nothing (twiml-protocol.md §5),
 * so this is the project's stand-in: every document the server answers with in tests goes through
 * `checkTwiml`. Attribute allow-lists come from the `*Attributes` interfaces in twilio 6.2.0's
 * `lib/twiml/VoiceResponse.d.ts`; value rules and limits from twiml-protocol.md §1 and §7.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** A parsed TwiML element; text is decoded (entities resolved). */
export interface TwimlElement {
  name: string
  attributes: Record<string, string>
  children: TwimlNode[]
}
export type TwimlNode = TwimlElement | { text: string }

/** Twilio rejects response bodies above 64 kB (error 11750). */
export const MAX_BODY_BYTES = 64 * 1024

const TOP_LEVEL_VERBS = ['Say', 'Play', 'Pause', 'Gather', 'Dial', 'Record', 'Enqueue', 'Hangup', 'Redirect', 'Reject', 'Leave']
const DIAL_NOUNS = ['Number', 'Client', 'Sip', 'Queue', 'Conference']
/** Nouns that take the whole call somewhere else; Twilio does not ring them alongside others. */
const EXCLUSIVE_NOUNS = new Set(['Queue', 'Conference'])
/** Verbs after which nothing in the document runs. */
const TERMINAL_VERBS = new Set(['Hangup', 'Redirect', 'Reject'])
const SSML_ELEMENTS = ['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w']

type TextRule = 'required' | 'optional' | 'forbidden'

interface ElementRule {
  attributes: readonly string[]
  /** Element children allowed; none when absent. */
  children?: readonly string[]
  text: TextRule
}

const STATUS_CALLBACK = ['statusCallback', 'statusCallbackEvent', 'statusCallbackMethod']
const MACHINE_DETECTION = [
  'amdStatusCallback',
  'amdStatusCallbackMethod',
  'machineDetection',
  'machineDetectionSilenceTimeout',
  'machineDetectionSpeechEndThreshold',
  'machineDetectionSpeechThreshold',
  'machineDetectionTimeout',
]
const SSML_RULE: ElementRule = { attributes: [], children: SSML_ELEMENTS, text: 'optional' }

const RULES: Record<string, ElementRule> = {
  Response: { attributes: [], children: TOP_LEVEL_VERBS, text: 'forbidden' },
  Say: { attributes: ['voice', 'language', 'loop'], children: SSML_ELEMENTS, text: 'required' },
  Play: { attributes: ['loop', 'digits'], text: 'required' },
  Pause: { attributes: ['length'], text: 'forbidden' },
  Gather: {
    attributes: [
      'action', 'actionOnEmptyResult', 'bargeIn', 'debug', 'enhanced', 'finishOnKey', 'hints', 'input', 'language',
      'maxSpeechTime', 'method', 'numDigits', 'partialResultCallback', 'partialResultCallbackMethod',
      'profanityFilter', 'speechModel', 'speechTimeout', 'timeout',
    ],
    children: ['Say', 'Play', 'Pause'],
    text: 'forbidden',
  },
  Dial: {
    attributes: [
      'action', 'answerOnBridge', 'callerId', 'events', 'hangupOnStar', 'method', 'passports', 'record',
      'recordingConfigurationId', 'recordingStatusCallback', 'recordingStatusCallbackEvent',
      'recordingStatusCallbackMethod', 'recordingTrack', 'referMethod', 'referUrl', 'ringTone', 'sequential',
      'timeLimit', 'timeout', 'trim',
    ],
    children: DIAL_NOUNS,
    // A bare number may be given as text instead of a <Number>.
    text: 'optional',
  },
  Record: {
    attributes: [
      'action', 'finishOnKey', 'maxLength', 'method', 'playBeep', 'recordingConfigurationId',
      'recordingStatusCallback', 'recordingStatusCallbackEvent', 'recordingStatusCallbackMethod', 'timeout',
      'transcribe', 'transcribeCallback', 'trim',
    ],
    text: 'forbidden',
  },
  Enqueue: {
    attributes: ['action', 'maxQueueSize', 'method', 'waitUrl', 'waitUrlMethod', 'workflowSid'],
    children: ['Task'],
    text: 'required',
  },
  Hangup: { attributes: [], text: 'forbidden' },
  Redirect: { attributes: ['method'], text: 'required' },
  Reject: { attributes: ['reason'], text: 'forbidden' },
  Leave: { attributes: [], text: 'forbidden' },
  Number: { attributes: ['byoc', 'method', 'sendDigits', 'url', ...STATUS_CALLBACK, ...MACHINE_DETECTION], text: 'required' },
  Client: { attributes: ['method', 'url', ...STATUS_CALLBACK], children: ['Identity', 'Parameter'], text: 'optional' },
  Sip: {
    attributes: ['method', 'password', 'url', 'username', ...STATUS_CALLBACK, ...MACHINE_DETECTION],
    text: 'required',
  },
  Queue: { attributes: ['method', 'postWorkActivitySid', 'reservationSid', 'url'], text: 'required' },
  Conference: {
    attributes: [
      'beep', 'coach', 'endConferenceOnExit', 'eventCallbackUrl', 'jitterBufferSize', 'maxParticipants', 'muted',
      'participantLabel', 'record', 'recordingConfigurationId', 'recordingStatusCallback',
      'recordingStatusCallbackEvent', 'recordingStatusCallbackMethod', 'region', 'startConferenceOnEnter',
      'waitMethod', 'waitUrl', 'trim', ...STATUS_CALLBACK,
    ],
    text: 'required',
  },
  Task: { attributes: ['priority', 'timeout'], text: 'required' },
  Identity: { attributes: [], text: 'required' },
  Parameter: { attributes: ['name', 'value'], text: 'forbidden' },
  break: { attributes: ['strength', 'time'], text: 'forbidden' },
  emphasis: { ...SSML_RULE, attributes: ['level'] },
  lang: { ...SSML_RULE, attributes: ['xml:lang'] },
  p: SSML_RULE,
  phoneme: { ...SSML_RULE, attributes: ['alphabet', 'ph'] },
  prosody: { ...SSML_RULE, attributes: ['pitch', 'rate', 'volume'] },
  s: SSML_RULE,
  'say-as': { ...SSML_RULE, attributes: ['interpret-as', 'format'] },
  sub: { ...SSML_RULE, attributes: ['alias'] },
  w: { ...SSML_RULE, attributes: ['role'] },
}

// ---------------------------------------------------------------------------------------------
// Attribute values

/** Returns what is wrong with a value ("must be …"), or undefined when it is fine. */
type ValueRule = (value: string) => string | undefined

const positiveInteger: ValueRule = (v) => (/^[0-9]+$/.test(v) && Number(v) > 0 ? undefined : 'must be a positive integer')
const nonNegativeInteger: ValueRule = (v) => (/^[0-9]+$/.test(v) ? undefined : 'must be a non-negative integer')
const boolean: ValueRule = (v) => (v === 'true' || v === 'false' ? undefined : 'must be true or false')
const httpMethod: ValueRule = (v) => (v === 'GET' || v === 'POST' ? undefined : 'must be GET or POST')
const oneOf =
  (...allowed: string[]): ValueRule =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`

const gatherInput: ValueRule = (v) => {
  const kinds = v.split(' ')
  const valid = kinds.every((k) => k === 'dtmf' || k === 'speech') && new Set(kinds).size === kinds.length
  return valid ? undefined : 'must be dtmf, speech or "dtmf speech"'
}

const VALUE_RULES: Record<string, Record<string, ValueRule>> = {
  Say: { loop: nonNegativeInteger },
  Play: { loop: nonNegativeInteger, digits: (v) => (/^[0-9#*wW]+$/.test(v) ? undefined : 'must contain only 0-9, #, *, w and W') },
  Pause: { length: positiveInteger },
  Gather: {
    input: gatherInput,
    timeout: positiveInteger,
    numDigits: positiveInteger,
    // One key, or '' to disable it.
    finishOnKey: (v) => (/^[0-9#*]?$/.test(v) ? undefined : 'must be one of 0-9, #, * or empty'),
    speechTimeout: (v) => (v === 'auto' || positiveInteger(v) === undefined ? undefined : 'must be a positive integer or auto'),
    actionOnEmptyResult: boolean,
    bargeIn: boolean,
    debug: boolean,
    enhanced: boolean,
    profanityFilter: boolean,
    maxSpeechTime: positiveInteger,
  },
  Dial: {
    timeout: positiveInteger,
    timeLimit: positiveInteger,
    record: oneOf('do-not-record', 'record-from-answer', 'record-from-ringing', 'record-from-answer-dual',
      'record-from-ringing-dual', 'true', 'false'),
    hangupOnStar: boolean,
    answerOnBridge: boolean,
  },
  Record: {
    maxLength: positiveInteger,
    // 0 turns silence detection off.
    timeout: nonNegativeInteger,
    // Unlike Gather, Record stops on any key of a set ("1234567890*#" by default).
    finishOnKey: (v) => (/^[0-9#*]*$/.test(v) ? undefined : 'must contain only 0-9, # and *'),
    playBeep: boolean,
    transcribe: boolean,
    trim: oneOf('trim-silence', 'do-not-trim'),
  },
  Enqueue: { maxQueueSize: positiveInteger },
  Reject: { reason: oneOf('rejected', 'busy') },
}

function valueProblem(element: string, attribute: string, value: string): string | undefined {
  const rule = VALUE_RULES[element]?.[attribute] ?? (attribute === 'method' || attribute.endsWith('Method') ? httpMethod : undefined)
  return rule?.(value)
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Lists what is wrong with a TwiML document; an empty list means Twilio should accept it as is.
 * Messages start with the element's path below `<Response>`.
 *
 * @example
 * checkTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Gather foo="1"/></Response>')
 * // ['Gather: attribute "foo" is not allowed']
 */
export function checkTwiml(xml: string): string[] {
  const problems = checkDocument(xml)
  const parsed = parseDocument(xml)
  if (typeof parsed === 'string') return [...problems, parsed]
  problems.push(...parsed.problems)
  if (parsed.root) checkElement(parsed.root, [], problems)
  return problems
}

/**
 * Parses a TwiML document into a small tree with decoded text, for tests that want to look
 * inside an answer. Throws when the document is not well-formed XML.
 *
 * @example
 * parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Say>a &amp; b</Say></Response>')
 * // { name: 'Response', attributes: {}, children: [{ name: 'Say', attributes: {}, children: [{ text: 'a & b' }] }] }
 */
export function parseTwiml(xml: string): TwimlElement {
  const parsed = parseDocument(xml)
  if (typeof parsed === 'string') throw new Error(parsed)
  if (!parsed.root) throw new Error(parsed.problems.join('; '))
  return parsed.root
}

// ---------------------------------------------------------------------------------------------
// Document-level checks

function checkDocument(xml: string): string[] {
  const problems: string[] = []
  const bytes = new TextEncoder().encode(xml).length
  if (bytes > MAX_BODY_BYTES) problems.push(`document: body is ${bytes} bytes, over Twilio's 64 kB limit (${MAX_BODY_BYTES} bytes)`)
  const declaration = /^<\?xml\s[^>]*\?>/.exec(xml)
  if (!declaration) {
    problems.push(
      /^\s+<\?xml/.test(xml)
        ? 'document: whitespace before the XML declaration (it must be the very first thing)'
        : 'document: missing XML declaration (<?xml version="1.0" encoding="UTF-8"?>) at the start',
    )
  } else if (!/\bencoding=["']UTF-8["']/i.test(declaration[0]) && /\bencoding=/.test(declaration[0])) {
    problems.push('document: the XML declaration must declare encoding="UTF-8"')
  }
  const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u.exec(xml)
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    problems.push(`document: character U+${code} at offset ${illegal.index} is not allowed in XML 1.0`)
  }
  return problems
}

interface ParsedDocument {
  root?: TwimlElement
  problems: string[]
}

/** fast-xml-parser's preserveOrder shape: one key naming the node, plus ':@' for attributes. */
type OrderedNode = Record<string, unknown>

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded here instead, so that an undefined one is reported rather than kept.
  processEntities: false,
  cdataPropName: '#cdata',
})

/** Returns a message instead of a tree when the XML is not well-formed. */
function parseDocument(xml: string): ParsedDocument | string {
  const verdict = XMLValidator.validate(xml)
  if (verdict !== true) {
    const { msg, line, col } = verdict.err
    return `document: not well-formed XML: ${msg} (line ${line}${col === undefined ? '' : `, column ${col}`})`
  }
  const problems: string[] = []
  const top = (parser.parse(xml) as OrderedNode[]).map((node) => toTwimlNode(node, 'document', problems))
  const elements = top.filter((node): node is TwimlElement => 'name' in node && !node.name.startsWith('?'))
  if (hasTextOutsideRoot(xml)) problems.push('document: text outside the root element')
  if (elements.length !== 1) {
    const found = elements.map((e) => `<${e.name}>`).join(', ') || 'none'
    problems.push(`document: expected exactly one root element <Response>, found ${elements.length} (${found})`)
    return { problems }
  }
  const root = elements[0]
  if (root?.name !== 'Response') {
    problems.push(`document: the root element must be <Response>, found <${root?.name}>`)
    return { problems }
  }
  return { root, problems }
}

/** The parser drops text around the root silently, so it is looked for in the source. */
function hasTextOutsideRoot(xml: string): boolean {
  const body = xml.replace(/^\s*<\?xml[^>]*\?>/, '')
  return !/^\s*</.test(body) || !/>\s*$/.test(body)
}

function toTwimlNode(node: OrderedNode, parentPath: string, problems: string[]): TwimlNode {
  const name = Object.keys(node).find((key) => key !== ':@') ?? ''
  const content = node[name]
  if (name === '#text') return { text: decodeEntities(String(content), parentPath, problems) }
  const children = Array.isArray(content) ? (content as OrderedNode[]) : []
  if (name === '#cdata') return { text: children.map((c) => String(c['#text'] ?? '')).join('') }
  const path = parentPath === 'document' || parentPath === 'Response' ? name : `${parentPath} > ${name}`
  const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>
  const attributes: Record<string, string> = {}
  for (const [attribute, value] of Object.entries(rawAttributes)) {
    const raw = String(value)
    if (raw.includes('<')) problems.push(`${path}: attribute "${attribute}" contains a raw "<"`)
    attributes[attribute] = decodeEntities(raw, `${path}: attribute "${attribute}"`, problems)
  }
  return { name, attributes, children: children.map((child) => toTwimlNode(child, path, problems)) }
}

const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Resolves the five predefined entities and character references; reports anything else. */
function decodeEntities(raw: string, where: string, problems: string[]): string {
  return raw.replace(/&([#\w.:-]*);?/g, (match, body: string) => {
    const decoded = match.endsWith(';') ? decodeEntity(body) : undefined
    if (decoded === undefined) problems.push(`${where}: invalid entity reference "${match}" (escape "&" as "&amp;")`)
    return decoded ?? match
  })
}

function decodeEntity(body: string): string | undefined {
  const predefined = PREDEFINED_ENTITIES[body]
  if (predefined !== undefined) return predefined
  const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body)
  if (!numeric) return undefined
  const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2])
  const legal = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  return legal ? String.fromCodePoint(code) : undefined
}

// ---------------------------------------------------------------------------------------------
// Element checks

function checkElement(element: TwimlElement, ancestors: string[], problems: string[]): void {
  const rule = RULES[element.name]
  if (!rule) return // reported by the parent, which knows where it is not allowed
  const path = [...ancestors, element.name].filter((n) => n !== 'Response').join(' > ') || 'Response'
  checkAttributes(element, rule, path, problems)
  checkText(element, rule, path, problems)
  const elements = element.children.filter(isElement)
  for (const child of elements) {
    if (!rule.children?.includes(child.name)) {
      const allowed = rule.children ? `allowed: ${rule.children.join(', ')}` : 'it takes no elements'
      problems.push(`${path}: element <${child.name}> is not allowed inside <${element.name}> (${allowed})`)
    } else {
      checkElement(child, [...ancestors, element.name], problems)
    }
  }
  if (element.name === 'Response') checkReachability(elements, problems)
  if (element.name === 'Dial') checkDialNouns(element, elements, problems)
  if (element.name === 'Say') checkSayLength(element, path, problems)
}

function checkAttributes(element: TwimlElement, rule: ElementRule, path: string, problems: string[]): void {
  for (const [attribute, value] of Object.entries(element.attributes)) {
    if (!rule.attributes.includes(attribute)) {
      problems.push(`${path}: attribute "${attribute}" is not allowed`)
      continue
    }
    const problem = valueProblem(element.name, attribute, value)
    if (problem) problems.push(`${path}: attribute "${attribute}" ${problem}, got "${value}"`)
  }
}

function checkText(element: TwimlElement, rule: ElementRule, path: string, problems: string[]): void {
  const text = textContent(element)
  if (rule.text === 'forbidden' && !isBlank(ownText(element))) {
    problems.push(`${path}: unexpected text "${truncate(ownText(element).trim())}"`)
  }
  if (rule.text === 'required' && isBlank(text) && !textIsOptional(element)) {
    problems.push(`${path}: text is empty`)
  }
}

/** Cases where a verb that normally needs text is complete without it. */
function textIsOptional(element: TwimlElement): boolean {
  if (element.name === 'Play') return element.attributes.digits !== undefined // <Play digits="1w2"/> sends DTMF
  if (element.name === 'Enqueue') return element.attributes.workflowSid !== undefined // TaskRouter picks the queue
  return false
}

function checkReachability(verbs: TwimlElement[], problems: string[]): void {
  const end = verbs.findIndex((verb) => TERMINAL_VERBS.has(verb.name))
  const next = end >= 0 ? verbs[end + 1] : undefined
  if (next) problems.push(`Response: <${next.name}> after <${verbs[end]?.name}> is never reached`)
}

function checkDialNouns(dial: TwimlElement, nouns: TwimlElement[], problems: string[]): void {
  const exclusive = nouns.find((noun) => EXCLUSIVE_NOUNS.has(noun.name))
  if (exclusive && nouns.length > 1) {
    const found = nouns.map((noun) => noun.name).join(', ')
    problems.push(`Dial: <${exclusive.name}> cannot be combined with other nouns (found ${found})`)
  }
  const text = ownText(dial)
  if (nouns.length > 0 && !isBlank(text)) problems.push('Dial: a number given as text cannot be combined with nouns')
  if (nouns.length === 0 && isBlank(text)) problems.push('Dial: nothing to dial (add a <Number> or another noun)')
}

/** Error 13521: basic voices 4096 characters, Polly 3000 (SSML tags not counted), Google 5000. */
function checkSayLength(say: TwimlElement, path: string, problems: string[]): void {
  const voice = say.attributes.voice ?? ''
  const limit = voice.startsWith('Polly.') ? 3000 : voice.startsWith('Google.') ? 5000 : 4096
  const length = [...textContent(say)].length
  if (length > limit) {
    const forVoice = voice ? ` for voice "${voice}"` : ''
    problems.push(`${path}: text is ${length} characters, over the limit of ${limit}${forVoice}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isElement(node: TwimlNode): node is TwimlElement {
  return 'name' in node
}

function ownText(element: TwimlElement): string {
  return element.children.map((child) => ('text' in child ? child.text : '')).join('')
}

function textContent(node: TwimlNode): string {
  return 'text' in node ? node.text : node.children.map(textContent).join('')
}

function isBlank(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text)
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
