import { orderedEntries, promptText } from '../app/draft.ts'
import type { DraftNode } from '../app/draft.ts'

/** What a node shows in its body: a prompt (at most two lines) and short facts. */
export interface Gist {
  /** The prompt, wrapped to at most PROMPT_LINES lines of LINE_CHARS characters. */
  prompt: string[]
  /** The whole prompt, for the tooltip. */
  fullPrompt: string
  /** Other essentials, one line each: "GET https://…", "→ vars.account", … */
  facts: string[]
}

/** Characters that fit on one line of a node at the node font (240px wide, 12px; see styles/canvas.css). */
export const LINE_CHARS = 32
export const PROMPT_LINES = 2
const MAX_FACTS = 4

/**
 * Wraps text at word boundaries into at most `lines` lines, ending with "…" when cut.
 *
 * @example wrap('For sales, press 1. For support, press 2.', 20, 2) // ['For sales, press 1.', 'For support, press 2.'] (cut to fit)
 */
export function wrap(text: string, width = LINE_CHARS, lines = PROMPT_LINES): string[] {
  // Words longer than a line (URLs) are cut into line-sized pieces first.
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter((w) => w !== '')
    .flatMap((w) => (w.length <= width ? [w] : Array.from({ length: Math.ceil(w.length / width) }, (_, i) => w.slice(i * width, (i + 1) * width))))
  const out: string[] = []
  let line = ''
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`
    if (candidate.length <= width) {
      line = candidate
      continue
    }
    out.push(line)
    line = word
  }
  if (line !== '') out.push(line)
  if (out.length <= lines) return out
  const kept = out.slice(0, lines)
  const last = kept[lines - 1]!
  kept[lines - 1] = `${last.length >= width ? last.slice(0, width - 1) : last}…`
  return kept
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value))

function numbers(value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join(', ')
  return text(value)
}

function hoursFacts(node: DraftNode): string[] {
  const { data } = node
  const facts: string[] = []
  if (typeof data.timezone === 'string') facts.push(data.timezone)
  for (const [days, windows] of orderedEntries(node, 'hours')) facts.push(`${days} ${Array.isArray(windows) ? windows.map(text).join(', ') : text(windows)}`)
  if (Array.isArray(data.holidays) && data.holidays.length > 0) facts.push(`${data.holidays.length} holiday${data.holidays.length === 1 ? '' : 's'}`)
  return facts
}

/**
 * The essentials of a node for its box on the canvas.
 *
 * @example gistOf({ kind: 'http', data: { type: 'http', url: 'https://x', method: 'POST' } }).facts // ['POST https://x']
 */
export function gistOf(node: DraftNode): Gist {
  const { data } = node
  const fullPrompt = promptText(data.prompt)
  const facts: string[] = []
  switch (node.kind) {
    case 'say':
      if (typeof data.repeat === 'number' && data.repeat > 1) facts.push(`repeated ${data.repeat}×`)
      break
    case 'menu':
      if (typeof data.input === 'string' && data.input !== 'dtmf') facts.push(`input: ${data.input}`)
      break
    case 'input': {
      if (typeof data.saveAs === 'string') facts.push(`→ vars.${data.saveAs}`)
      const min = typeof data.minDigits === 'number' ? data.minDigits : 1
      const max = typeof data.maxDigits === 'number' ? data.maxDigits : 20
      facts.push(`${min}–${max} digits`)
      break
    }
    case 'branch':
      break
    case 'hours':
      facts.push(...hoursFacts(node))
      break
    case 'set':
      for (const [key, value] of orderedEntries(node, 'vars')) facts.push(`${key} = ${text(value)}`)
      break
    case 'http':
      facts.push(`${typeof data.method === 'string' ? data.method : 'GET'} ${text(data.url)}`)
      if (typeof data.saveAs === 'string') facts.push(`→ vars.${data.saveAs}`)
      break
    case 'dial':
      facts.push(`☎ ${numbers(data.number)}`)
      break
    case 'record':
      facts.push(`up to ${typeof data.maxLength === 'number' ? data.maxLength : 120}s${data.transcribe === true ? ', transcribed' : ''}`)
      if (typeof data.saveAs === 'string') facts.push(`→ vars.${data.saveAs}`)
      break
    case 'enqueue':
      facts.push(`queue: ${text(data.queue)}`)
      break
    case 'hangup':
      facts.push('ends the call')
      break
    case 'redirect':
      facts.push(`${typeof data.method === 'string' ? data.method : 'POST'} ${text(data.url)}`)
      break
    case 'unknown':
      facts.push(typeof data.type === 'string' ? `unknown type "${data.type}"` : 'no type')
      break
  }
  const shown = facts.slice(0, MAX_FACTS).map((f) => (f.length > LINE_CHARS ? `${f.slice(0, LINE_CHARS - 1)}…` : f))
  if (facts.length > MAX_FACTS) shown[MAX_FACTS - 1] = `+${facts.length - MAX_FACTS + 1} more`
  return { prompt: fullPrompt === '' ? [] : wrap(fullPrompt), fullPrompt, facts: shown }
}
