import { checkTemplate } from '../template/template.ts'
import { varNameFrom } from './names.ts'

/**
 * Studio's Liquid paths rewritten to Phonetree's. Studio and Phonetree both template with
 * Liquid, so only the variable paths change:
 *
 * | Studio | Phonetree |
 * |---|---|
 * | `trigger.call.From`, `.To`, `.CallSid`, `.Direction`, `.CallerName`, `.FromCity`, … | `call.from`, `call.to`, `call.sid`, `call.direction`, `call.callerName`, `call.FromCity`, … |
 * | `contact.channel.address` / `flow.channel.address` | the caller's / the Twilio number: `call.from` / `call.to` (swapped on outbound calls) |
 * | `flow.variables.x`, `flow.data.x` | `vars.x` |
 * | `widgets.<gather>.Digits` | `input.digits` (a menu) or `vars.<gather>` (an input node) |
 * | `widgets.<gather>.SpeechResult`, `.Confidence` | `input.speech`, `input.confidence` |
 * | `widgets.<http>.parsed.x`, `.body` | `vars.<http>.x`, `vars.<http>` |
 * | `widgets.<record>.RecordingUrl`, `.RecordingDuration`, `.TranscriptionText` | `vars.<record>.url`, `.duration`, `.transcript` |
 * | `widgets.<outgoing call>.AnsweredBy` | `call.answeredBy` |
 *
 * A path with no equivalent becomes `vars.studio.<the Studio path>`, which renders empty and
 * which the validator reports as unset, and the caller is told with a warning.
 */

/** What a widget's output variables became in the converted flow. */
export type WidgetOutputs =
  | { kind: 'menu' }
  | { kind: 'input'; saveAs: string }
  | { kind: 'http'; saveAs: string }
  | { kind: 'record'; saveAs: string }
  | { kind: 'outgoing-call' }

export interface PathContext {
  /** How the outputs of the widget with this name were converted, if at all. */
  outputs(widget: string): WidgetOutputs | undefined
  /** True for a flow started by the REST API (an outbound call): contact and flow numbers swap. */
  outbound: boolean
  /** Reports a path that has no equivalent or changes meaning. */
  warn(message: string): void
  /** Records a `flow.data.x` read, so the flow can declare `x` among its starting vars. */
  readsData?(name: string): void
}

const CALL_FIELDS: Record<string, string> = {
  From: 'from', Caller: 'from', To: 'to', Called: 'to', CallSid: 'sid', Direction: 'direction', CallerName: 'callerName', AnsweredBy: 'answeredBy',
}
const GEO = /^(From|To|Caller|Called)(City|State|Zip|Country)$/
const RECORD_FIELDS: Record<string, string> = { RecordingUrl: 'url', RecordingDuration: 'duration', TranscriptionText: 'transcript' }
const INPUT_FIELDS: Record<string, string> = { Digits: 'digits', SpeechResult: 'speech', Confidence: 'confidence' }

/** One Studio path inside a Liquid block: a root and dotted segments (hyphens allowed in names). */
const STUDIO_PATH = /(?<![\w.'"-])(trigger|widgets|flow|contact)((?:\.[A-Za-z0-9_-]+)+)/g
const BLOCK = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g

/**
 * Rewrites one Studio path (`widgets.gather_1.Digits`) to its Phonetree path, or
 * `vars.studio.…` with a warning when there is none.
 *
 * @example rewritePath('trigger.call.From', context) // 'call.from'
 */
export function rewritePath(path: string, context: PathContext): string {
  const mapped = mapPath(path.split('.'), context)
  if (mapped !== undefined) return mapped
  context.warn(`reads {{${path}}}, which has no equivalent in Phonetree; it now reads vars.studio.${path}, which is empty`)
  return `vars.studio.${path}`
}

function mapPath(segments: string[], context: PathContext): string | undefined {
  const [root, a, b, ...rest] = segments
  const tail = (more: readonly string[]) => more.map((s) => `.${s}`).join('')
  switch (root) {
    case 'trigger': {
      if (a !== 'call' || b === undefined) return undefined
      const field = CALL_FIELDS[b] ?? (GEO.test(b) ? b : undefined)
      return field === undefined || rest.length > 0 ? undefined : `call.${field}`
    }
    case 'contact':
      if (a === 'channel' && b === 'address' && rest.length === 0) return context.outbound ? 'call.to' : 'call.from'
      return undefined
    case 'flow':
      if (a === 'channel' && b === 'address' && rest.length === 0) return context.outbound ? 'call.from' : 'call.to'
      if ((a === 'variables' || a === 'data') && b !== undefined) {
        if (a === 'data') context.readsData?.(varNameFrom(b))
        return `vars.${varNameFrom(b)}${tail(rest)}`
      }
      return undefined
    case 'widgets': {
      if (a === undefined || b === undefined) return undefined
      const outputs = context.outputs(a)
      if (outputs === undefined) return undefined
      return widgetPath(outputs, b, rest, context, a)
    }
    default:
      return undefined
  }
}

function widgetPath(outputs: WidgetOutputs, field: string, rest: string[], context: PathContext, widget: string): string | undefined {
  const tail = rest.map((s) => `.${s}`).join('')
  switch (outputs.kind) {
    case 'menu':
      return INPUT_FIELDS[field] !== undefined && rest.length === 0 ? `input.${INPUT_FIELDS[field]}` : undefined
    case 'input':
      if (field === 'Digits' && rest.length === 0) return `vars.${outputs.saveAs}`
      return INPUT_FIELDS[field] !== undefined && rest.length === 0 ? `input.${INPUT_FIELDS[field]}` : undefined
    case 'http':
      if (field === 'parsed') return `vars.${outputs.saveAs}${tail}`
      if (field === 'body' && rest.length === 0) {
        context.warn(`reads {{widgets.${widget}.body}}: Phonetree keeps the parsed answer (JSON, else text) in vars.${outputs.saveAs}`)
        return `vars.${outputs.saveAs}`
      }
      return undefined
    case 'record':
      return RECORD_FIELDS[field] !== undefined && rest.length === 0 ? `vars.${outputs.saveAs}.${RECORD_FIELDS[field]}` : undefined
    case 'outgoing-call':
      return CALL_FIELDS[field] !== undefined && rest.length === 0 ? `call.${CALL_FIELDS[field]}` : undefined
  }
}

/**
 * Rewrites every Studio path inside the `{{ }}` and `{% %}` blocks of a template; text
 * outside the blocks is left alone. A block that no longer parses (a Liquid filter Phonetree
 * does not have) is dropped with a warning, so the converted flow always validates.
 *
 * @example rewriteTemplate('Hi {{trigger.call.From}}', context) // 'Hi {{call.from}}'
 */
export function rewriteTemplate(text: string, context: PathContext): string {
  const rewritten = text.replace(BLOCK, (block) => block.replace(STUDIO_PATH, (path) => rewritePath(path, context)))
  if (checkTemplate(rewritten).ok) return rewritten
  // Find the blocks that do not parse on their own and drop them, keeping the rest.
  const kept = rewritten.replace(/\{\{[\s\S]*?\}\}/g, (block) => {
    if (checkTemplate(block).ok) return block
    context.warn(`uses ${block}, which Phonetree's Liquid cannot run (${describeFailure(block)}); it was left out`)
    return ''
  })
  if (checkTemplate(kept).ok) return kept
  context.warn(`has Liquid tags Phonetree cannot run (${describeFailure(kept)}); they were left out`)
  return kept.replace(/\{%[\s\S]*?%\}/g, '')
}

function describeFailure(source: string): string {
  const result = checkTemplate(source)
  return result.ok ? 'unknown reason' : result.message
}

/**
 * The single path a template reads when it is exactly `{{ path }}` (no filters), else undefined.
 *
 * @example wholePath('{{ vars.count }}') // 'vars.count'
 */
export function wholePath(template: string): string | undefined {
  return /^\s*\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}\s*$/.exec(template)?.[1]
}
