import { useState } from 'react'
import type { KeyboardEvent, ReactNode } from 'react'
import { useBuffered } from './useBuffered.ts'

/** The select value that stands for "not set" (an empty string can be a real value). */
export const UNSET = '\u0000unset'

interface Common {
  id?: string
  testId?: string
  label?: string
}

/**
 * Carries a control's test id on a wrapping <label>, so a test can either fill the labelled
 * element directly (Playwright hands actions on a label to its control) or find the input,
 * textarea or select inside it, whatever the editor is.
 */
export function Control({ testId, className, children }: { testId?: string | undefined; className?: string; children: ReactNode }) {
  if (testId === undefined) return <>{children}</>
  return <label className={`control${className !== undefined ? ` ${className}` : ''}`} data-testid={testId}>{children}</label>
}

const shown = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value))

function commitOnEnter(flush: () => void) {
  return (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') flush()
  }
}

/**
 * A text input whose typing becomes an edit when it pauses. An optional field left empty is
 * unset (the field is removed from the YAML).
 */
export function TextInput({ id, testId, label, value, required, placeholder, multiline, rows, list, onCommit }: Common & {
  value: unknown
  required: boolean
  placeholder?: string
  /** The id of a <datalist> of suggestions. */
  list?: string
  multiline?: boolean
  rows?: number
  onCommit(value: string | undefined): void
}) {
  const text = useBuffered(shown(value), (v) => onCommit(!required && v === '' ? undefined : v))
  const props = {
    id, 'aria-label': label, value: text.value, placeholder: placeholder ?? (required ? '' : 'unset'),
    onBlur: text.flush, className: text.pending ? 'is-pending' : undefined,
  }
  if (multiline) {
    return <Control testId={testId}><textarea {...props} rows={rows ?? Math.min(8, Math.max(2, Math.ceil(text.value.length / 42)))} onChange={(e) => text.change(e.target.value)} /></Control>
  }
  return <Control testId={testId}><input type="text" {...props} list={list} onChange={(e) => text.change(e.target.value)} onKeyDown={commitOnEnter(text.flush)} /></Control>
}

/** A number input with the schema's bounds; empty means unset (the default applies). */
export function NumberInput({ id, testId, label, value, required, min, max, integer, defaultValue, onCommit }: Common & {
  value: unknown
  required: boolean
  min?: number
  max?: number
  integer?: boolean
  defaultValue?: unknown
  onCommit(value: number | undefined): void
}) {
  const [invalid, setInvalid] = useState<string | undefined>()
  const text = useBuffered(value === undefined ? '' : String(value), (v) => {
    if (v.trim() === '') {
      setInvalid(required ? 'required' : undefined)
      if (!required) onCommit(undefined)
      return
    }
    const n = Number(v)
    if (!Number.isFinite(n) || (integer === true && !Number.isInteger(n))) return setInvalid(integer === true ? 'a whole number' : 'a number')
    setInvalid(undefined)
    onCommit(n)
  })
  const range = min !== undefined && max !== undefined ? `${min}–${max}` : min !== undefined ? `≥ ${min}` : max !== undefined ? `≤ ${max}` : ''
  return (
    <Control testId={testId} className="number-input">
      <input
        id={id}
        aria-label={label}
        type="number"
        inputMode="numeric"
        value={text.value}
        min={min}
        max={max}
        step={integer === true ? 1 : 'any'}
        placeholder={defaultValue !== undefined ? `default ${String(defaultValue)}` : required ? '' : 'unset'}
        aria-invalid={invalid !== undefined}
        onChange={(e) => text.change(e.target.value)}
        onBlur={text.flush}
        onKeyDown={commitOnEnter(text.flush)}
      />
      {range !== '' && <span className="hint">{range}</span>}
      {invalid !== undefined && <span className="field-error-inline">{invalid}</span>}
    </Control>
  )
}

/** A select of a fixed set of values, with an "unset" choice for optional fields (naming the default). */
export function ChoiceSelect({ id, testId, label, value, options, required, defaultValue, optionLabel, onCommit }: Common & {
  value: unknown
  options: readonly string[]
  required: boolean
  defaultValue?: unknown
  optionLabel?(option: string): string
  onCommit(value: string | undefined): void
}) {
  const current = value === undefined ? UNSET : String(value)
  const known = current === UNSET || options.includes(current)
  return (
    <Control testId={testId}><select id={id} aria-label={label} value={current} onChange={(e) => onCommit(e.target.value === UNSET ? undefined : e.target.value)}>
      {(!required || value === undefined) && <option value={UNSET}>{defaultValue !== undefined ? `default (${optionLabel?.(String(defaultValue)) ?? String(defaultValue)})` : required ? '— choose —' : 'unset'}</option>}
      {!known && <option value={current}>{current} (not allowed)</option>}
      {options.map((o) => <option key={o} value={o}>{optionLabel?.(o) ?? o}</option>)}
    </select></Control>
  )
}

/** True, false, or unset (the default). */
export function BooleanSelect({ id, testId, label, value, required, defaultValue, onCommit }: Common & {
  value: unknown
  required: boolean
  defaultValue?: unknown
  onCommit(value: boolean | undefined): void
}) {
  return (
    <ChoiceSelect
      {...(id !== undefined ? { id } : {})}
      {...(testId !== undefined ? { testId } : {})}
      {...(label !== undefined ? { label } : {})}
      value={typeof value === 'boolean' ? String(value) : value}
      options={['true', 'false']}
      required={required}
      defaultValue={defaultValue}
      optionLabel={(o) => (o === 'true' ? 'yes' : 'no')}
      onCommit={(v) => onCommit(v === undefined ? undefined : v === 'true')}
    />
  )
}

/** The id of the one <datalist> of the flow's node ids that every target field suggests from. */
export const NODE_IDS_LIST = 'phonetree-node-ids'

/**
 * The suggestions for target fields: rendered once by the inspector, so a form with many
 * targets does not carry a list of every node per field (a 500-node flow's menu form held
 * 3,500 <option>s, and selecting or deleting a node built or dropped them all).
 */
export function NodeIdList({ nodes }: { nodes: readonly string[] }) {
  return <datalist id={NODE_IDS_LIST}>{nodes.map((n) => <option key={n} value={n} />)}</datalist>
}

/**
 * The node an edge leads to: a node id, typed with the flow's ids as suggestions. A pause in
 * typing commits only an id that names a node; blur or Enter commit whatever is there (a
 * node yet to be made; the validator marks it), and an empty field is unset. A value naming
 * no node is shown as missing.
 */
export function TargetInput({ id, testId, label, value, nodes, required, onCommit }: Common & {
  value: unknown
  nodes: readonly string[]
  required: boolean
  onCommit(value: string | undefined): void
}) {
  const known = (v: string) => v.trim() === '' || nodes.includes(v.trim())
  const text = useBuffered(typeof value === 'string' ? value : '', (v) => onCommit(v.trim() === '' ? undefined : v.trim()), undefined, known)
  const missing = !known(text.value)
  return (
    <Control testId={testId}><input type="text" id={id} aria-label={label} list={NODE_IDS_LIST} value={text.value} spellCheck={false} autoComplete="off"
      placeholder={required ? 'choose a node' : '(none)'} title={missing ? `no node is called ${text.value.trim()}` : undefined}
      className={[missing ? 'is-missing' : '', text.pending ? 'is-pending' : ''].filter((c) => c !== '').join(' ') || undefined}
      onChange={(e) => text.change(e.target.value)} onBlur={text.flush} onKeyDown={commitOnEnter(text.flush)} /></Control>
  )
}

/** `auto` (or another fixed word) or a number, or unset. */
export function LiteralOrNumber({ id, testId, label, value, options, min, max, onCommit }: Common & {
  value: unknown
  options: readonly string[]
  min?: number
  max?: number
  onCommit(value: string | number | undefined): void
}) {
  const mode = value === undefined ? UNSET : typeof value === 'number' ? 'number' : String(value)
  return (
    <span className="row">
      <Control testId={testId}><select id={id} aria-label={label} value={mode} onChange={(e) => {
        const next = e.target.value
        onCommit(next === UNSET ? undefined : next === 'number' ? (min ?? 1) : next)
      }}>
        <option value={UNSET}>unset</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
        <option value="number">seconds…</option>
      </select></Control>
      {typeof value === 'number' && (
        <NumberInput value={value} required min={min} max={max} integer label={`${label ?? ''} seconds`} onCommit={(n) => n !== undefined && onCommit(n)} />
      )}
    </span>
  )
}

/** Small buttons to move a row up or down and remove it. */
export function RowButtons({ index, count, onMove, onRemove, removeLabel, canRemove = true }: {
  index: number
  count: number
  onMove?(from: number, to: number): void
  onRemove(): void
  removeLabel: string
  canRemove?: boolean
}) {
  return (
    <span className="row-buttons">
      {onMove !== undefined && (
        <>
          <button type="button" className="icon" title="move up" aria-label="move up" disabled={index === 0} onClick={() => onMove(index, index - 1)}>↑</button>
          <button type="button" className="icon" title="move down" aria-label="move down" disabled={index === count - 1} onClick={() => onMove(index, index + 1)}>↓</button>
        </>
      )}
      <button type="button" className="icon is-danger" title={removeLabel} aria-label={removeLabel} disabled={!canRemove} onClick={onRemove}>✕</button>
    </span>
  )
}
