import type { ReactNode } from 'react'
import type { Flow } from '@phonetree/engine'
import { ANSWERED_BY, clockInZones, fromLocalInput, isOutbound, toLocalInput } from './settings.ts'
import type { Row, SettingsForm } from './settings.ts'

export interface CallSettingsProps {
  form: SettingsForm
  flow: Flow | undefined
  onChange(patch: Partial<SettingsForm>): void
  onResetVars(): void
}

/** The call's clock, caller fields and starting variables (used by the next call started). */
export function CallSettings({ form, flow, onChange, onResetVars }: CallSettingsProps) {
  const zones = clockInZones(flow, fromLocalInput(form.clock))
  const outbound = (flow !== undefined && isOutbound(flow)) || form.answeredBy !== ''
  return (
    <div>
      <div className="pt-fields">
        <label htmlFor="pt-sim-clock">Clock</label>
        <div className="pt-row">
          <input id="pt-sim-clock" type="datetime-local" data-testid="sim-clock" value={form.clock} onChange={(e) => onChange({ clock: e.target.value })} className="pt-grow" />
          <button type="button" onClick={() => onChange({ clock: toLocalInput(new Date()) })}>Now</button>
        </div>
        {zones.length > 0 && (
          <>
            <span />
            <span className="pt-muted">{zones.map((z) => `${z.time} in ${z.zone}`).join(' · ')}</span>
          </>
        )}
        <label htmlFor="pt-sim-from">From</label>
        <input id="pt-sim-from" data-testid="sim-from" value={form.from} onChange={(e) => onChange({ from: e.target.value })} />
        <label htmlFor="pt-sim-to">To</label>
        <input id="pt-sim-to" value={form.to} onChange={(e) => onChange({ to: e.target.value })} />
        {outbound && (
          <>
            <label htmlFor="pt-sim-answered">Answered by</label>
            <input id="pt-sim-answered" list="pt-answered-by" value={form.answeredBy} onChange={(e) => onChange({ answeredBy: e.target.value })} placeholder="human, machine_start, fax…" />
            <datalist id="pt-answered-by">{ANSWERED_BY.map((a) => <option key={a} value={a} />)}</datalist>
          </>
        )}
      </div>
      <Pairs title="Other caller fields" rows={form.extra} onChange={(extra) => onChange({ extra })} keyHint="FromCity" valueHint="AUSTIN" />
      <Pairs title="Starting variables" rows={form.vars} onChange={(vars) => onChange({ vars })} keyHint="name" valueHint='text, or JSON: {"tier": "gold"}'
        extra={flow?.vars !== undefined ? <button type="button" className="pt-link" onClick={onResetVars}>from the flow</button> : undefined} />
    </div>
  )
}

interface PairsProps {
  title: string
  rows: Row[]
  onChange(rows: Row[]): void
  keyHint: string
  valueHint: string
  extra?: ReactNode | undefined
}

/** Editable name/value rows. */
function Pairs({ title, rows, onChange, keyHint, valueHint, extra }: PairsProps) {
  const update = (i: number, patch: Partial<Row>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <div style={{ marginTop: 8 }}>
      <div className="pt-row">
        <span className="pt-muted pt-grow">{title}</span>
        {extra}
        <button type="button" className="pt-link" onClick={() => onChange([...rows, { key: '', value: '' }])}>+ add</button>
      </div>
      {rows.length > 0 && (
        <div className="pt-pairs">
          {rows.map((row, i) => (
            <Pair key={i} row={row} keyHint={keyHint} valueHint={valueHint} onChange={(patch) => update(i, patch)} onRemove={() => onChange(rows.filter((_, j) => j !== i))} />
          ))}
        </div>
      )}
    </div>
  )
}

function Pair({ row, keyHint, valueHint, onChange, onRemove }: { row: Row; keyHint: string; valueHint: string; onChange(patch: Partial<Row>): void; onRemove(): void }) {
  return (
    <>
      <input value={row.key} placeholder={keyHint} aria-label="name" onChange={(e) => onChange({ key: e.target.value })} />
      <input value={row.value} placeholder={valueHint} aria-label={`value of ${row.key}`} onChange={(e) => onChange({ value: e.target.value })} />
      <button type="button" aria-label={`remove ${row.key}`} onClick={onRemove}>×</button>
    </>
  )
}
