import type { Edge } from '../schema/edges.ts'
import type { Condition, Flow, FlowNode, Prompt } from '../schema/flow.ts'

/**
 * The words on a diagram: a short summary of each node and a label for each edge, shared by
 * the Mermaid and DOT renderers so both diagrams say the same thing.
 */

/** Longest node summary, in characters; longer ones end in "…". */
export const SUMMARY_LENGTH = 40

/**
 * What a node does in a few words: the start of its prompt, the number it dials, the URL it
 * calls, the variables it sets…
 *
 * @example nodeSummary({ type: 'say', prompt: 'Thanks for calling Acme. How can we help?', repeat: 1, next: 'x' })
 * // 'Thanks for calling Acme. How can we help?'
 */
export function nodeSummary(node: FlowNode): string {
  const prompt = 'prompt' in node && node.prompt !== undefined ? promptText(node.prompt) : ''
  switch (node.type) {
    case 'dial':
      return truncate(`dial ${(Array.isArray(node.number) ? node.number : [node.number]).join(', ')}`)
    case 'http':
      return truncate(`${node.method} ${node.url.replace(/^https?:\/\//, '')}`)
    case 'branch':
      return `${node.cases.length} case${node.cases.length === 1 ? '' : 's'}`
    case 'hours':
      return truncate(node.timezone)
    case 'set':
      return truncate(Object.keys(node.vars).join(', ') || (node.description ?? ''))
    case 'enqueue':
      return truncate(`queue ${node.queue}`)
    case 'redirect':
      return truncate(`to ${node.url.replace(/^https?:\/\//, '')}`)
    case 'record':
      return truncate(prompt !== '' ? prompt : `record up to ${node.maxLength} s`)
    case 'hangup':
      return truncate(prompt !== '' ? prompt : 'hang up')
    default:
      return truncate(prompt)
  }
}

/**
 * The label of an edge: the key or words of a menu choice, a branch case's condition, `no
 * input`, `open`, `no answer / busy`, … and nothing for a plain `next`.
 *
 * @example edgeLabel(flow, { from: 'main-menu', handle: 'choice:1', to: 'sales', path: [] }) // '1'
 */
export function edgeLabel(flow: Flow, edge: Edge): string {
  const node = flow.nodes[edge.from]
  const [kind, detail = ''] = splitHandle(edge.handle)
  if (node === undefined) return edge.handle
  switch (kind) {
    case 'choice': {
      if (node.type !== 'menu') return detail
      const choice = node.choices[detail]
      const words = typeof choice === 'object' ? choice.words ?? [] : []
      if (node.input === 'speech') return truncate(words.map((w) => `"${w}"`).join(' / ') || detail)
      return words.length > 0 ? truncate(`${detail} / "${words[0]}"`) : detail
    }
    case 'case':
      return node.type === 'branch' ? truncate(conditionText(node.cases[Number(detail)]!.when)) : edge.handle
    case 'else': return 'else'
    case 'open': return 'open'
    case 'closed': return 'closed'
    case 'onNoInput': return 'no input'
    case 'onNoMatch': return 'no match'
    case 'onFailure': return 'failed'
    case 'onError': return 'error'
    case 'onNoAnswer': return 'no answer / busy'
    case 'next':
      if (node.type === 'http') return 'ok'
      if (node.type === 'dial') return 'answered'
      if (node.type === 'input') return 'entered'
      return ''
    default:
      return edge.handle
  }
}

/**
 * A condition as people write it: `vars.customer.tier = gold`, `call.from starts with +81`.
 *
 * @example conditionText({ var: 'call.from', startsWith: '+81' }) // 'call.from starts with +81'
 */
export function conditionText(condition: Condition): string {
  if ('all' in condition) return condition.all.map(conditionText).join(' and ')
  if ('any' in condition) return condition.any.map(conditionText).join(' or ')
  if ('not' in condition) return `not (${conditionText(condition.not)})`
  const v = condition.var
  if (condition.equals !== undefined) return `${v} = ${String(condition.equals)}`
  if (condition.notEquals !== undefined) return `${v} ≠ ${String(condition.notEquals)}`
  if (condition.in !== undefined) return `${v} in ${condition.in.map(String).join(', ')}`
  if (condition.startsWith !== undefined) return `${v} starts with ${condition.startsWith}`
  if (condition.matches !== undefined) return `${v} ~ /${condition.matches}/`
  if (condition.greaterThan !== undefined) return `${v} > ${condition.greaterThan}`
  if (condition.lessThan !== undefined) return `${v} < ${condition.lessThan}`
  if (condition.exists !== undefined) return condition.exists ? `${v} is set` : `${v} is empty`
  return v
}

/** The spoken text of a prompt on one line: say parts as they are, digits, pauses and audio as marks. */
function promptText(prompt: Prompt): string {
  if (typeof prompt === 'string') return oneLine(prompt)
  return oneLine(prompt.map((part) => {
    if ('say' in part) return part.say
    if ('digits' in part) return part.digits
    if ('pause' in part) return '…'
    return `♪ ${part.play.replace(/^.*\//, '')}`
  }).join(' '))
}

function splitHandle(handle: string): [string, string | undefined] {
  const at = handle.indexOf(':')
  return at === -1 ? [handle, undefined] : [handle.slice(0, at), handle.slice(at + 1)]
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * Text cut to `max` characters at a word boundary where one is near, with "…".
 *
 * @example truncate('For sales, press 1. For support, press 2. For an operator, press 0.', 20) // 'For sales, press 1.…'
 */
export function truncate(text: string, max = SUMMARY_LENGTH): string {
  const line = oneLine(text)
  if (line.length <= max) return line
  const cut = line.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
