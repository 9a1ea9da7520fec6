import { useMemo, useState } from 'react'
import type { FlowProblem } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { useDraft } from '../app/draft-store.ts'
import { orderedEntries } from '../app/draft.ts'
import type { DraftNode } from '../app/draft.ts'
import { deleteSelection, makeStart, renameNodeTo } from '../app/actions.ts'
import { TYPE_HINTS, TYPE_LABELS } from '../canvas/nodes/types.ts'
import { Control, NodeIdList } from './controls.tsx'
import { FieldRow } from './FieldRow.tsx'
import { flowFields, nodeFields } from './fields.ts'
import type { FieldSpec } from './fields.ts'

const NO_PROBLEMS: readonly FlowProblem[] = []
const NO_ENTRIES: [string, unknown][] = []

/** The problems of one node, by the field they are in (`''`: the node as a whole). */
function problemsByField(problems: readonly FlowProblem[], node: string | null): Map<string, FlowProblem[]> {
  const out = new Map<string, FlowProblem[]>()
  for (const p of problems) {
    const path = p.path ?? []
    let field: string
    if (node !== null) {
      if (p.node !== node) continue
      field = typeof path[2] === 'string' ? path[2] : ''
    } else {
      if (p.node !== undefined || path[0] === 'nodes' || typeof path[0] !== 'string') continue
      field = path[0]
    }
    out.set(field, [...(out.get(field) ?? []), p])
  }
  return out
}

/** The node id, renamed (with every reference) on Enter or when the input is left. */
function IdField({ id }: { id: string }) {
  const [text, setText] = useState(id)
  const [seen, setSeen] = useState(id)
  const [error, setError] = useState<string | undefined>()
  if (seen !== id) {
    setSeen(id)
    setText(id)
    setError(undefined)
  }
  const commit = () => {
    const to = text.trim()
    if (to === id || to === '') return setText(id)
    const problem = renameNodeTo(id, to)
    setError(problem)
    if (problem !== undefined) setText(id)
  }
  return (
    <div className="field">
      <div className="field-label"><label htmlFor="inspector-id">id</label><span className="field-help">renaming updates every edge, start and onError</span></div>
      <Control testId="field-id"><input id="inspector-id" type="text" value={text} aria-invalid={error !== undefined} onChange={(e) => setText(e.target.value)} onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit()
          if (e.key === 'Escape') setText(id)
        }} /></Control>
      {error !== undefined && <div className="field-problem is-error" role="alert">✖ {error}</div>}
    </div>
  )
}

function Fields({ fields, read, entriesOf, nodes, node, problems }: {
  fields: FieldSpec[]
  read(name: string): unknown
  entriesOf(name: string): [string, unknown][]
  nodes: readonly string[]
  node: string | null
  problems: Map<string, FlowProblem[]>
}) {
  const groups: { title: string; group: FieldSpec['group'] }[] = [{ title: '', group: 'main' }, { title: 'Connections', group: 'edges' }, { title: 'More', group: 'more' }]
  return (
    <>
      {groups.map(({ title, group }) => {
        const list = fields.filter((f) => f.group === group)
        if (list.length === 0) return null
        const rows = list.map((spec) => {
          const isMap = spec.kind === 'choices' || spec.kind === 'hours' || spec.kind === 'keyValue'
          return <FieldRow key={spec.name} spec={spec} value={read(spec.name)} entries={isMap ? entriesOf(spec.name) : NO_ENTRIES} nodes={nodes} node={node} problems={problems.get(spec.name) ?? NO_PROBLEMS} />
        })
        if (group === 'more') {
          const open = list.some((f) => read(f.name) !== undefined)
          return <details key={group} className="field-group" open={open}><summary>{title}</summary>{rows}</details>
        }
        return <section key={group} className="field-group">{title !== '' && <h3>{title}</h3>}{rows}</section>
      })}
    </>
  )
}

function NodeForm({ id, node, nodes, problems }: { id: string; node: DraftNode; nodes: readonly string[]; problems: readonly FlowProblem[] }) {
  const start = useDraft((s) => s.draft.start)
  const byField = useMemo(() => problemsByField(problems, id), [problems, id])
  const fields = useMemo(() => (node.kind === 'unknown' ? [] : nodeFields(node.kind)), [node.kind])
  const known = new Set(['', ...fields.map((f) => f.name)])
  const loose = [...byField.entries()].filter(([field]) => !known.has(field)).flatMap(([, list]) => list).concat(byField.get('') ?? [])
  return (
    <div className="form" key={id}>
      <div className={`inspector-title node-${node.kind}`}>
        <span className="palette-swatch" aria-hidden="true" />
        <span className="inspector-type" data-testid="field-type">{TYPE_LABELS[node.kind]}</span>
        <span className="hint">{TYPE_HINTS[node.kind]}</span>
      </div>
      <div className="row inspector-actions">
        {start === id
          ? <span className="node-flag is-start">calls start here</span>
          : <button type="button" className="small" data-testid="set-start" onClick={() => makeStart(id)}>Start here</button>}
        <span className="grow" />
        <button type="button" className="small is-danger" data-testid="delete-node" onClick={deleteSelection}>Delete</button>
      </div>
      {loose.map((p, i) => <div key={i} className={`field-problem is-${p.severity}`}>{p.severity === 'error' ? '✖' : '⚠'} {p.message} <span className="code">{p.code}</span></div>)}
      <IdField id={id} />
      {node.kind === 'unknown'
        ? <p className="hint">This node's type is {typeof node.data.type === 'string' ? `“${node.data.type}”, which is not a node type` : 'missing'}. Fix it in the YAML panel.</p>
        : <Fields fields={fields} read={(name) => node.data[name]} entriesOf={(name) => orderedEntries(node, name)} nodes={nodes} node={id} problems={byField} />}
    </div>
  )
}

function FlowForm({ nodes, problems }: { nodes: readonly string[]; problems: readonly FlowProblem[] }) {
  const top = useDraft((s) => s.draft.top)
  const flowId = useEditor((s) => s.flowId)
  const byField = useMemo(() => problemsByField(problems, null), [problems])
  return (
    <div className="form">
      <div className="inspector-title"><span className="inspector-type">Flow</span><span className="hint">select a node to edit it</span></div>
      <div className="field">
        <div className="field-label"><label>flow id</label><span className="field-help">the file name; new flows get theirs from “New flow”</span></div>
        <code className="readonly">{typeof top.flow === 'string' ? top.flow : flowId}</code>
        {(byField.get('flow') ?? []).map((p, i) => <div key={i} className={`field-problem is-${p.severity}`}>✖ {p.message}</div>)}
      </div>
      <Fields fields={flowFields()} read={(name) => top[name]} entriesOf={(name) => {
        const value = top[name]
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : []
      }} nodes={nodes} node={null} problems={byField} />
    </div>
  )
}

/**
 * The form for the selected node (or the flow, when no single node is selected), generated
 * from the engine's schema. Every change is an edit of the YAML through the model.
 */
export function Inspector() {
  const selection = useEditor((s) => s.selection)
  const problems = useEditor((s) => s.loaded.problems)
  const draftNodes = useDraft((s) => s.draft.nodes)
  const nodes = useMemo(() => Object.keys(draftNodes), [draftNodes])
  const nodeKey = useMemo(() => nodes.join('\n'), [nodes])
  const stableNodes = useMemo(() => (nodeKey === '' ? [] : nodeKey.split('\n')), [nodeKey])
  const id = selection.length === 1 ? selection[0]! : undefined
  const node = id !== undefined ? draftNodes[id] : undefined
  const idList = useMemo(() => <NodeIdList nodes={stableNodes} />, [stableNodes])
  return (
    <div className="inspector" data-testid="inspector" aria-label="inspector">
      {idList}
      {selection.length > 1 && <p className="hint">{selection.length} nodes selected. Delete, copy or drag them together; select one to edit it.</p>}
      {id !== undefined && node !== undefined
        ? <NodeForm key={id} id={id} node={node} nodes={stableNodes} problems={problems} />
        : selection.length <= 1 && <FlowForm nodes={stableNodes} problems={problems} />}
    </div>
  )
}
