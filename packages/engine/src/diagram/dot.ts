import { flowEdges } from '../schema/edges.ts'
import type { Flow, NodeType } from '../schema/flow.ts'
import { edgeLabel, nodeSummary } from './labels.ts'

/**
 * A flow as a Graphviz DOT digraph (`dot -Tsvg`), with the same shapes and labels as the
 * Mermaid diagram as far as Graphviz has them.
 */

/** Graphviz node attributes for each node type. */
export const DOT_SHAPES: Record<NodeType, string> = {
  say: 'shape=box, style=rounded',
  menu: 'shape=hexagon',
  input: 'shape=parallelogram',
  branch: 'shape=diamond',
  hours: 'shape=trapezium',
  set: 'shape=box',
  http: 'shape=component',
  dial: 'shape=box, style="rounded,bold"',
  record: 'shape=cylinder',
  enqueue: 'shape=cds',
  hangup: 'shape=doublecircle',
  redirect: 'shape=invtrapezium',
}

/**
 * The DOT source for a flow.
 *
 * @example flowToDot(flow) // 'digraph "support" {\n  rankdir=TB\n  …\n  "main-menu" -> "sales" [label="1"]\n  …\n}\n'
 */
export function flowToDot(flow: Flow): string {
  const lines = [`digraph ${quote(flow.flow)} {`, '  rankdir=TB', '  node [fontname="Helvetica", fontsize=11]', '  edge [fontname="Helvetica", fontsize=10]']
  lines.push('  "$start" [shape=circle, label="start", width=0.5]')
  lines.push(`  "$start" -> ${quote(flow.start)}`)
  for (const [id, node] of Object.entries(flow.nodes)) {
    const summary = nodeSummary(node)
    lines.push(`  ${quote(id)} [${DOT_SHAPES[node.type]}, label=${quote(`${id} · ${node.type}${summary !== '' ? `\n${summary}` : ''}`)}${id === flow.start ? ', penwidth=2' : ''}]`)
  }
  for (const edge of flowEdges(flow)) {
    if (edge.from === '' || !(edge.to in flow.nodes)) continue
    const label = edgeLabel(flow, edge)
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${label !== '' ? ` [label=${quote(label)}]` : ''}`)
  }
  if (flow.onError !== undefined && flow.onError in flow.nodes) {
    lines.push('  "$error" [shape=circle, label="any error", width=0.5]')
    lines.push(`  "$error" -> ${quote(flow.onError)} [style=dashed]`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

/**
 * A DOT string literal: backslashes and quotes escaped, newlines as `\n`.
 *
 * @example quote('say "hi"') // '"say \\"hi\\""'
 */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`
}
