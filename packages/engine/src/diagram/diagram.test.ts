import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { flowEdges } from '../schema/edges.ts'
import type { Flow } from '../schema/flow.ts'
import { loadFlow } from '../validate/validate.ts'
import { edgeLabel, flowToDot, flowToMermaid, MERMAID_SHAPES, truncate } from './index.ts'

const flowsDir = new URL('../../../../flows/', import.meta.url)

function example(id: string): Flow {
  const loaded = loadFlow(readFileSync(new URL(`${id}.yaml`, flowsDir), 'utf8'), `flows/${id}.yaml`)
  expect(loaded.ok).toBe(true)
  return loaded.flow!
}

function inline(text: string): Flow {
  const loaded = loadFlow(text, 't.yaml')
  expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([])
  return loaded.flow!
}

interface MermaidNode { id: string; open: string; label: string; close: string }
interface MermaidEdge { from: string; to: string; label: string; dotted: boolean }

// No Mermaid parser is available offline, so this reads the subset of Mermaid the exporter
// writes, line by line, and refuses any line outside it.
const SHAPES = Object.values(MERMAID_SHAPES).map(([open, close]) => [open, close] as const).concat([['((', '))']])
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
function parseMermaid(source: string): { nodes: MermaidNode[]; edges: MermaidEdge[] } {
  const [header, ...lines] = source.trimEnd().split('\n')
  expect(header).toBe('flowchart TD')
  const nodes: MermaidNode[] = []
  const edges: MermaidEdge[] = []
  for (const line of lines) {
    const edge = /^ {2}(\w+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\w+)$/.exec(line)
    if (edge !== null) {
      edges.push({ from: edge[1]!, dotted: edge[2] === '-.->', label: edge[3] ?? '', to: edge[4]! })
      continue
    }
    const start = /^ {2}(flowStart|flowError)\(\("[^"]*"\)\) (-->|-\.->) (\w+)$/.exec(line)
    if (start !== null) continue
    if (/^ {2}classDef \w+ [\w:;-]+$/.test(line) || /^ {2}class \w+ \w+$/.test(line)) continue
    const shape = SHAPES.find(([open, close]) => new RegExp(`^ {2}\\w+${escape(open)}"[^"]*"${escape(close)}$`).test(line))
    if (shape === undefined) throw new Error(`not a Mermaid line the exporter writes: ${line}`)
    const m = new RegExp(`^ {2}(\\w+)${escape(shape[0])}"([^"]*)"${escape(shape[1])}$`).exec(line)!
    nodes.push({ id: m[1]!, open: shape[0], label: m[2]!, close: shape[1] })
  }
  return { nodes, edges }
}

describe('Mermaid export', () => {
  it('draws support.yaml: every node with its type and shape, every edge with its label', () => {
    const flow = example('support')
    const source = flowToMermaid(flow)
    const { nodes, edges } = parseMermaid(source)
    const mermaidId = (id: string) => `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`
    expect(nodes.map((n) => n.id).sort()).toEqual(Object.keys(flow.nodes).map(mermaidId).sort())
    for (const [id, node] of Object.entries(flow.nodes)) {
      const drawn = nodes.find((n) => n.id === mermaidId(id))!
      expect(drawn.label.startsWith(`${id} · ${node.type}`)).toBe(true)
      expect([drawn.open, drawn.close]).toEqual([...MERMAID_SHAPES[node.type]])
    }
    const expected = flowEdges(flow).filter((e) => e.from !== '').map((e) => `${mermaidId(e.from)} -${edgeLabel(flow, e)}-> ${mermaidId(e.to)}`)
    expect(edges.filter((e) => !e.dotted).map((e) => `${e.from} -${e.label}-> ${e.to}`)).toEqual(expected)
    expect(source).toContain('  n_main_menu -->|"1"| n_sales\n')
    expect(source).toContain('  n_main_menu -->|"failed"| n_operator\n')
    expect(source).toContain('  n_sales -->|"no answer / busy"| n_voicemail\n')
    expect(source).toContain('  n_office_hours -->|"open"| n_main_menu\n')
    expect(source).toContain('  n_route -->|"vars.customer.tier = gold"| n_priority\n')
    expect(source).toContain('  flowStart(("start")) --> n_welcome\n')
    expect(source).toContain('  flowError(("any error")) -.-> n_sorry\n')
  })

  it('gives every node type its own shape', () => {
    const shapes = Object.values(MERMAID_SHAPES).map(([open, close]) => open + close)
    expect(new Set(shapes).size).toBe(shapes.length)
  })

  it('draws every example flow in the subset it writes', () => {
    for (const file of readdirSync(flowsDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))) {
      const flow = example(file.replace(/\.yaml$/, ''))
      const { nodes, edges } = parseMermaid(flowToMermaid(flow))
      expect(nodes).toHaveLength(Object.keys(flow.nodes).length)
      expect(edges.filter((e) => !e.dotted)).toHaveLength(flowEdges(flow).filter((e) => e.from !== '').length)
    }
  })

  it('escapes what Mermaid would misread and keeps ids Mermaid accepts (end, dashes)', () => {
    const flow = inline(`flow: t
start: end
nodes:
  end:
    type: menu
    prompt: "Say \\"yes\\" <now> & press # | or\\nwait"
    input: dtmf speech
    choices:
      "1": { goto: a-b, words: [yes] }
    onFailure: a-b
  a-b: { type: hangup }
`)
    const source = flowToMermaid(flow)
    const { nodes, edges } = parseMermaid(source)
    expect(nodes.map((n) => n.id)).toEqual(['n_end', 'n_a_b'])
    expect(nodes[0]!.label).toBe('end · menu<br/>Say #quot;yes#quot; #lt;now#gt; #38; press #35; #124; or wait')
    expect(edges[0]).toEqual({ from: 'n_end', to: 'n_a_b', label: '1 / #quot;yes#quot;', dotted: false })
  })

  it('truncates long prompts at a word', () => {
    expect(truncate('For sales, press 1. For support, press 2. For an operator, press 0.')).toBe('For sales, press 1. For support, press…')
    expect(truncate('short')).toBe('short')
  })
})

describe('DOT export', () => {
  it('draws support.yaml with every node and edge, quoted', () => {
    const flow = example('support')
    const dot = flowToDot(flow)
    expect(dot.startsWith('digraph "support" {\n')).toBe(true)
    expect(dot.trimEnd().endsWith('}')).toBe(true)
    for (const [id, node] of Object.entries(flow.nodes)) expect(dot).toMatch(new RegExp(`\\n {2}"${id}" \\[[^\\n]*label="${id} · ${node.type}`))
    for (const e of flowEdges(flow).filter((x) => x.from !== '')) {
      const label = edgeLabel(flow, e)
      expect(dot).toContain(`  "${e.from}" -> "${e.to}"${label !== '' ? ` [label="${label}"]` : ''}\n`)
    }
    expect(dot).toContain('"$error" -> "sorry" [style=dashed]')
  })

  it('escapes quotes and backslashes in labels', () => {
    const dot = flowToDot(inline('flow: t\nstart: a\nnodes:\n  a: { type: hangup, prompt: "Say \\"hi\\" \\\\ bye" }\n'))
    expect(dot).toContain('label="a · hangup\\nSay \\"hi\\" \\\\ bye"')
  })
})
