import { useState } from 'react'
import { COMPARISONS } from '@phonetree/engine'
import { isRecord } from '../app/draft.ts'
import { listItem, OPERATOR_LABELS, simpleOperator, valueFor } from './conditions.ts'
import type { Operator } from './conditions.ts'
import { NumberInput, RowButtons, TargetInput, TextInput } from './controls.tsx'
import type { FieldOps } from './field-ops.ts'
import { YamlValue } from './MapEditors.tsx'

function Comparison({ when, op, path, ops, testId }: { when: Record<string, unknown>; op: Operator; path: (string | number)[]; ops: FieldOps; testId: string }) {
  const value = when[op]
  return (
    <div className="condition">
      <TextInput testId={`${testId}-var`} label="variable" value={when.var} required placeholder="vars.customer.tier" onCommit={(v) => ops.set([...path, 'var'], v ?? '')} />
      <select aria-label="operator" data-testid={`${testId}-op`} value={op} onChange={(e) => {
        const next = e.target.value as Operator
        ops.setMany([[[...path, op], undefined], [[...path, next], valueFor(next, value)]])
      }}>
        {COMPARISONS.map((k) => <option key={k} value={k}>{OPERATOR_LABELS[k]}</option>)}
      </select>
      {op === 'exists' && (
        <select aria-label="exists" value={String(value !== false)} onChange={(e) => ops.set([...path, op], e.target.value === 'true')}>
          <option value="true">yes</option>
          <option value="false">no (is missing)</option>
        </select>
      )}
      {(op === 'greaterThan' || op === 'lessThan') && <NumberInput testId={`${testId}-value`} label="value" value={value} required onCommit={(n) => n !== undefined && ops.set([...path, op], n)} />}
      {op === 'in' && (
        <TextInput testId={`${testId}-value`} label="values, comma separated" value={Array.isArray(value) ? value.map(String).join(', ') : ''} required placeholder="a, b, c"
          onCommit={(v) => ops.set([...path, op], (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map(listItem))} />
      )}
      {op !== 'exists' && op !== 'greaterThan' && op !== 'lessThan' && op !== 'in' && (
        <TextInput testId={`${testId}-value`} label="value" value={value === null ? 'null' : value} required
          // A number stays a number when it was one; everything typed is otherwise text.
          onCommit={(v) => ops.set([...path, op], typeof value === 'number' && Number.isFinite(Number(v)) && v !== '' ? Number(v) : v ?? '')} />
      )}
    </div>
  )
}

/**
 * A branch's cases, tried in order: a condition (variable, operator, value; or YAML for
 * all/any/not) and the node it leads to.
 */
export function CasesEditor({ value, nodes, self, ops, testId }: { value: unknown; nodes: readonly string[]; self: string; ops: FieldOps; testId: string }) {
  const cases: unknown[] = Array.isArray(value) ? value : []
  const [asYaml, setAsYaml] = useState<ReadonlySet<number>>(new Set())
  const fresh = { when: { var: 'vars.name', equals: 'value' }, goto: nodes.find((n) => n !== self) ?? self }
  return (
    <div className="rows" data-testid={testId}>
      {cases.map((c, i) => {
        const entry = isRecord(c) ? c : {}
        const op = simpleOperator(entry.when)
        const yaml = op === undefined || asYaml.has(i)
        return (
          <div key={i} className="case" data-testid={`${testId}-${i}`}>
            <div className="row">
              <span className="hint">{i === 0 ? 'if' : 'else if'}</span>
              <span className="grow" />
              <button type="button" className="link" disabled={op === undefined} title={op === undefined ? 'all/any/not conditions are edited as YAML' : undefined}
                onClick={() => setAsYaml((s) => (s.has(i) ? new Set([...s].filter((x) => x !== i)) : new Set([...s, i])))}>{yaml ? 'form' : 'YAML'}</button>
              <RowButtons index={i} count={cases.length} onMove={(from, to) => ops.move([], from, to)} onRemove={() => ops.set([i], undefined)} removeLabel={`remove case ${i + 1}`} canRemove={cases.length > 1} />
            </div>
            {yaml
              ? <YamlValue label={`condition of case ${i + 1}`} testId={`${testId}-${i}-yaml`} value={entry.when} mapping onCommit={(when) => ops.set([i, 'when'], when)} />
              : <Comparison when={entry.when as Record<string, unknown>} op={op} path={[i, 'when']} ops={ops} testId={`${testId}-${i}`} />}
            <div className="row">
              <span className="hint">then go to</span>
              <TargetInput testId={`${testId}-${i}-goto`} label={`where case ${i + 1} goes`} value={entry.goto} nodes={nodes} required onCommit={(to) => to !== undefined && ops.set([i, 'goto'], to)} />
            </div>
          </div>
        )
      })}
      <button type="button" className="small" data-testid={`${testId}-add`} onClick={() => (cases.length === 0 ? ops.set([], [fresh]) : ops.set([cases.length], fresh))}>+ case</button>
    </div>
  )
}
