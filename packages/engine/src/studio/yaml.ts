import { Document, isMap, isPair, isScalar, isSeq, visit } from 'yaml'
import type { StudioConversion } from './convert.ts'

/**
 * A converted flow as a readable flow file: a comment saying where it came from and what to
 * review, then the flow with each node's keys in reading order (type, description, prompt,
 * choices, …, then the edges) and a blank line between nodes.
 */

/** The order of a node's keys in the file; keys not listed keep their place after these. */
const NODE_KEY_ORDER = [
  'type', 'description', 'prompt', 'voice', 'language', 'repeat', 'reprompt', 'choices', 'input', 'hints', 'speechTimeout',
  'cases', 'else', 'timezone', 'hours', 'holidays', 'open', 'closed', 'vars',
  'method', 'url', 'headers', 'body', 'number', 'callerId', 'queue', 'waitUrl',
  'saveAs', 'minDigits', 'maxDigits', 'maxLength', 'finishOnKey', 'pattern',
  'noInput', 'noMatch', 'maxNoInput', 'maxNoMatch', 'maxAttempts', 'timeout', 'timeLimit', 'record', 'playBeep', 'transcribe',
  'next', 'onNoInput', 'onNoMatch', 'onFailure', 'onError', 'onNoAnswer',
]
const FLOW_KEY_ORDER = ['flow', 'title', 'description', 'voice', 'language', 'vars', 'start', 'onError', 'nodes']

export interface FlowYamlOptions {
  /** A `$schema` path for the YAML language server's first line (`./flow.schema.json`), if any. */
  schema?: string
}

/**
 * The flow file text for a conversion.
 *
 * @example
 * studioFlowYaml(convertStudioFlow(source), { schema: './flow.schema.json' })
 * // '# yaml-language-server: $schema=./flow.schema.json\n#\n# Converted from the Twilio Studio flow "IVR" …'
 */
export function studioFlowYaml(conversion: StudioConversion, options: FlowYamlOptions = {}): string {
  const { flow, warnings } = conversion
  const nodes = Object.fromEntries(Object.entries(flow.nodes).map(([id, node]) => [id, sortKeys(node as Record<string, unknown>, NODE_KEY_ORDER)]))
  const doc = new Document(sortKeys({ ...flow, nodes }, FLOW_KEY_ORDER))
  // Conditions, speech choices and short lists of plain values read best on one line: {var: vars.x, equals: gold}.
  visit(doc, {
    Pair(_, pair, path) {
      if (isScalar(pair.key) && isSeq(pair.value) && pair.value.items.every(isScalar) && JSON.stringify(pair.value.toJSON()).length <= 80) pair.value.flow = true
      if (!isScalar(pair.key) || !isMap(pair.value)) return
      const parent = path.at(-2)
      const inChoices = isPair(parent) && isScalar(parent.key) && parent.key.value === 'choices'
      if (pair.key.value === 'when' || inChoices || pair.key.value === 'headers') pair.value.flow = true
    },
  })
  const header = [
    ...(options.schema !== undefined ? [`# yaml-language-server: $schema=${options.schema}`, '#'] : []),
    `# Converted from the Twilio Studio flow ${conversion.name !== undefined ? `"${oneLine(conversion.name)}"` : `"${conversion.id}"`} by phonetree import studio.`,
    ...(warnings.length === 0
      ? ['# Every widget was converted; compare the flow tests with the Studio flow before going live.']
      : [`# Review before going live (${warnings.length} warning${warnings.length === 1 ? '' : 's'}; docs/migrating-from-studio.md explains each):`, ...warnings.map((w) => `#   - ${oneLine(w.widget)} (${w.type}): ${oneLine(w.message)}`)]),
  ]
  return `${header.join('\n')}\n${spaceNodes(doc.toString({ lineWidth: 0, flowCollectionPadding: false }))}`
}

function sortKeys(value: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const rank = (key: string) => {
    const i = order.indexOf(key)
    return i === -1 ? order.length : i
  }
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => rank(a) - rank(b)))
}

/** A blank line before each node, as hand-written flows have. */
function spaceNodes(text: string): string {
  const lines = text.split('\n')
  const at = lines.indexOf('nodes:')
  return lines.map((line, i) => (i > at + 1 && at >= 0 && /^ {2}\S/.test(line) ? `\n${line}` : line)).join('\n')
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
