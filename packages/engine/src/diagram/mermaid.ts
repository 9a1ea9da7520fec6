import { flowEdges } from '../schema/edges.ts'
import type { Flow, NodeType } from '../schema/flow.ts'
import { edgeLabel, nodeSummary } from './labels.ts'

/**
 * A flow as a Mermaid flowchart, for docs and code review (GitHub renders ```mermaid blocks).
 * One Mermaid node per flow node, with a shape per node type and a label of its id, type and
 * a few words; one edge per flow edge, labelled with its handle (`1`, `no input`, `open`, …).
 */

/** Mermaid's opening and closing brackets for each node type's shape. */
export const MERMAID_SHAPES: Record<NodeType, readonly [string, string]> = {
  say: ['(', ')'], // rounded
  menu: ['{{', '}}'], // hexagon
  input: ['[/', '/]'], // parallelogram
  branch: ['{', '}'], // rhombus
  hours: ['[/', '\\]'], // trapezoid
  set: ['[', ']'], // rectangle
  http: ['[[', ']]'], // subroutine
  dial: ['([', '])'], // stadium
  record: ['[(', ')]'], // cylinder
  enqueue: ['>', ']'], // flag
  hangup: ['(((', ')))'], // double circle
  redirect: ['[\\', '/]'], // inverted trapezoid
}

/**
 * The Mermaid source for a flow (`flowchart TD`).
 *
 * @example
 * flowToMermaid(loadFlow(text, 'flows/support.yaml').flow!)
 * // 'flowchart TD\n  n_welcome("welcome · say<br/>Thanks for calling Acme.")\n  …\n  n_welcome --> n_office_hours\n  …'
 */
export function flowToMermaid(flow: Flow): string {
  const ids = mermaidIds(Object.keys(flow.nodes))
  const lines = ['flowchart TD']
  lines.push(`  flowStart(("start")) --> ${ids.get(flow.start) ?? 'flowStart'}`)
  for (const [id, node] of Object.entries(flow.nodes)) {
    const [open, close] = MERMAID_SHAPES[node.type]
    const summary = nodeSummary(node)
    lines.push(`  ${ids.get(id)!}${open}"${escapeMermaid(`${id} · ${node.type}`)}${summary !== '' ? `<br/>${escapeMermaid(summary)}` : ''}"${close}`)
  }
  for (const edge of flowEdges(flow)) {
    if (edge.from === '') continue
    const from = ids.get(edge.from)
    const to = ids.get(edge.to)
    if (from === undefined || to === undefined) continue
    const label = edgeLabel(flow, edge)
    lines.push(`  ${from} -->${label !== '' ? `|"${escapeMermaid(label)}"|` : ''} ${to}`)
  }
  if (flow.onError !== undefined && ids.has(flow.onError)) lines.push(`  flowError(("any error")) -.-> ${ids.get(flow.onError)!}`)
  lines.push('  classDef entry stroke-width:3px')
  lines.push(`  class ${ids.get(flow.start) ?? 'flowStart'} entry`)
  return `${lines.join('\n')}\n`
}

/**
 * Text for inside a quoted Mermaid label: quotes, angle brackets, `#`, `&` and `|` as
 * Mermaid's entity codes, and everything on one line.
 *
 * @example escapeMermaid('Say "yes" <now>') // 'Say #quot;yes#quot; #lt;now#gt;'
 */
export function escapeMermaid(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
}

/**
 * Mermaid ids for node ids: `n_` and the id with anything but letters, digits and `_` as
 * `_` (so `end`, `graph` and `o`/`x` edge markers can never be misread), kept unique.
 */
function mermaidIds(nodeIds: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>()
  const used = new Set<string>()
  for (const id of nodeIds) {
    const base = `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`
    let candidate = base
    for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`
    used.add(candidate)
    ids.set(id, candidate)
  }
  return ids
}
