import { useState } from 'react'
import { parse, stringify } from 'yaml'
import { isRecord } from '../app/draft.ts'
import { nextFreeKey } from '../model/ops.ts'
import { BooleanSelect, Control, NumberInput, RowButtons, TargetInput, TextInput } from './controls.tsx'
import type { FieldOps } from './field-ops.ts'
import type { ValueType } from './fields.ts'
import { useBuffered } from './useBuffered.ts'

/** A key input that renames on Enter or blur (not while typing: each rename is an edit of its own). */
function KeyInput({ value, label, testId, onRename }: { value: string; label: string; testId?: string; onRename(to: string): string | undefined }) {
  const [text, setText] = useState(value)
  const [error, setError] = useState<string | undefined>()
  const [seen, setSeen] = useState(value)
  if (seen !== value) {
    setSeen(value)
    setText(value)
  }
  const commit = () => {
    const to = text.trim()
    if (to === value) return setError(undefined)
    if (to === '') {
      setText(value)
      return setError(undefined)
    }
    const problem = onRename(to)
    setError(problem)
    if (problem !== undefined) setText(value)
  }
  return (
    <span className="key-input">
      <Control testId={testId}><input type="text" aria-label={label} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} /></Control>
      {error !== undefined && <span className="field-error-inline" role="alert">{error}</span>}
    </span>
  )
}

const wordsOf = (choice: unknown): string => (isRecord(choice) && Array.isArray(choice.words) ? choice.words.map(String).join(', ') : '')
const targetOf = (choice: unknown): unknown => (isRecord(choice) ? choice.goto : choice)

/**
 * A menu's choices in order: key, the node it leads to, and words a caller may say instead.
 * Keys are renamed in place; order matters (the first match wins), so rows can move.
 */
export function ChoicesEditor({ entries, nodes, self, ops, testId }: {
  entries: [string, unknown][]
  nodes: readonly string[]
  self: string
  ops: FieldOps
  testId: string
}) {
  const keys = entries.map(([k]) => k)
  return (
    <div className="rows" data-testid={testId}>
      {entries.length > 0 && <div className="rows-head choices-grid"><span>key</span><span>goes to</span><span>or says</span><span /></div>}
      {entries.map(([key, choice], i) => (
        <ChoiceRow key={key} index={i} count={entries.length} choiceKey={key} choice={choice} nodes={nodes} ops={ops} testId={`${testId}-${i}`} />
      ))}
      {entries.length === 0 && <div className="hint">No choices yet: add one here, or drag from the menu's “+ choice” handle to a node.</div>}
      <button type="button" className="small" data-testid={`${testId}-add`} onClick={() => {
        const target = nodes.find((n) => n !== self) ?? self
        if (entries.length === 0) ops.set([], { [nextFreeKey(keys)]: target })
        else ops.set([nextFreeKey(keys)], target)
      }}>+ choice</button>
    </div>
  )
}

function ChoiceRow({ index, count, choiceKey, choice, nodes, ops, testId }: {
  index: number
  count: number
  choiceKey: string
  choice: unknown
  nodes: readonly string[]
  ops: FieldOps
  testId: string
}) {
  const words = useBuffered(wordsOf(choice), (text) => {
    const list = text.split(',').map((w) => w.trim()).filter((w) => w !== '')
    const goto = targetOf(choice)
    if (list.length > 0) ops.set(isRecord(choice) ? [choiceKey, 'words'] : [choiceKey], isRecord(choice) ? list : { goto, words: list })
    else if (isRecord(choice)) ops.set([choiceKey], goto)
  })
  return (
    <div className="choices-grid" data-testid={testId}>
      <KeyInput value={choiceKey} label={`key of choice ${index + 1}`} testId={`${testId}-key`} onRename={(to) => ops.rename([], choiceKey, to)} />
      <TargetInput testId={`${testId}-target`} label={`where ${choiceKey} goes`} value={targetOf(choice)} nodes={nodes} required
        onCommit={(to) => to !== undefined && ops.set(isRecord(choice) ? [choiceKey, 'goto'] : [choiceKey], to)} />
      <Control testId={`${testId}-words`}>
        <input type="text" aria-label={`words for ${choiceKey}`} placeholder="words, comma separated" value={words.value} onChange={(e) => words.change(e.target.value)} onBlur={words.flush} />
      </Control>
      <RowButtons index={index} count={count} onMove={(from, to) => ops.move([], from, to)} onRemove={() => ops.set([choiceKey], undefined)} removeLabel={`remove choice ${choiceKey}`} />
    </div>
  )
}

const DAY_SUGGESTIONS = ['mon-fri', 'sat', 'sun', 'daily', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat,sun']

const windowsText = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'string' ? value : '')

/** Weekly hours: a day, range or list of days, and its opening windows. */
export function HoursEditor({ entries, ops, testId }: { entries: [string, unknown][]; ops: FieldOps; testId: string }) {
  const keys = entries.map(([k]) => k)
  return (
    <div className="rows" data-testid={testId}>
      {entries.map(([day, windows], i) => (
        <HoursRow key={day} index={i} count={entries.length} day={day} windows={windows} ops={ops} testId={`${testId}-${i}`} />
      ))}
      <div className="hint">Days: mon … sun, ranges (mon-fri), lists (sat,sun) or daily. Windows: 08:00-18:00, several separated by commas.</div>
      <button type="button" className="small" onClick={() => {
        const day = DAY_SUGGESTIONS.find((d) => !keys.includes(d)) ?? `day${keys.length + 1}`
        if (entries.length === 0) ops.set([], { [day]: '09:00-17:00' })
        else ops.set([day], '09:00-17:00')
      }}>+ day</button>
    </div>
  )
}

function HoursRow({ index, count, day, windows, ops, testId }: { index: number; count: number; day: string; windows: unknown; ops: FieldOps; testId: string }) {
  const text = useBuffered(windowsText(windows), (v) => {
    const list = v.split(',').map((w) => w.trim()).filter((w) => w !== '')
    ops.set([day], list.length === 1 ? list[0] : list.length === 0 ? '' : list)
  })
  return (
    <div className="hours-grid" data-testid={testId}>
      <KeyInput value={day} label={`days of row ${index + 1}`} onRename={(to) => ops.rename([], day, to)} />
      <input type="text" aria-label={`hours on ${day}`} value={text.value} placeholder="09:00-17:00" onChange={(e) => text.change(e.target.value)} onBlur={text.flush} />
      <RowButtons index={index} count={count} onRemove={() => ops.set([day], undefined)} removeLabel={`remove ${day}`} />
    </div>
  )
}

const typeOf = (value: unknown): ValueType => (typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : typeof value === 'string' || value === undefined ? 'text' : 'yaml')

function convertValue(value: unknown, to: ValueType): unknown {
  switch (to) {
    case 'text': return value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? stringify(value).trim() : String(value)
    case 'number': return Number.isFinite(Number(value)) ? Number(value) : 0
    case 'boolean': return value === true || value === 'true'
    case 'yaml': return typeof value === 'object' && value !== null ? value : {}
  }
}

/**
 * Key/value rows (http headers, `set` and flow variables). Each value is text, a number, a
 * yes/no, or (for flow variables) any YAML value such as a mapping.
 */
export function KeyValueEditor({ entries, valueTypes, keyPlaceholder, ops, testId }: {
  entries: [string, unknown][]
  valueTypes: readonly ValueType[]
  keyPlaceholder: string
  ops: FieldOps
  testId: string
}) {
  const keys = entries.map(([k]) => k)
  return (
    <div className="rows" data-testid={testId}>
      {entries.map(([key, value], i) => (
        <KeyValueRow key={key} index={i} count={entries.length} entryKey={key} value={value} valueTypes={valueTypes} ops={ops} testId={`${testId}-${i}`} />
      ))}
      <button type="button" className="small" data-testid={`${testId}-add`} onClick={() => {
        let key = keyPlaceholder
        for (let n = 2; keys.includes(key); n++) key = `${keyPlaceholder}${n}`
        if (entries.length === 0) ops.set([], { [key]: '' })
        else ops.set([key], '')
      }}>+ add</button>
    </div>
  )
}

function KeyValueRow({ index, count, entryKey, value, valueTypes, ops, testId }: {
  index: number
  count: number
  entryKey: string
  value: unknown
  valueTypes: readonly ValueType[]
  ops: FieldOps
  testId: string
}) {
  const type = typeOf(value)
  const commit = (v: unknown) => ops.set([entryKey], v)
  return (
    <div className="kv-grid" data-testid={testId}>
      <KeyInput value={entryKey} label={`name of row ${index + 1}`} testId={`${testId}-key`} onRename={(to) => ops.rename([], entryKey, to)} />
      {valueTypes.length > 1
        ? (
          <select aria-label={`kind of ${entryKey}`} value={type} onChange={(e) => commit(convertValue(value, e.target.value as ValueType))}>
            {valueTypes.map((t) => <option key={t} value={t}>{t === 'boolean' ? 'yes/no' : t}</option>)}
          </select>
          )
        : <span />}
      <span className="kv-value">
        {type === 'number' && <NumberInput label={`value of ${entryKey}`} value={value} required onCommit={(n) => n !== undefined && commit(n)} />}
        {type === 'boolean' && <BooleanSelect label={`value of ${entryKey}`} value={value} required onCommit={(b) => b !== undefined && commit(b)} />}
        {type === 'text' && <TextInput testId={`${testId}-value`} label={`value of ${entryKey}`} value={value ?? ''} required onCommit={(v) => commit(v ?? '')} />}
        {type === 'yaml' && <YamlValue label={`value of ${entryKey}`} value={value} onCommit={commit} />}
      </span>
      <RowButtons index={index} count={count} onRemove={() => ops.set([entryKey], undefined)} removeLabel={`remove ${entryKey}`} />
    </div>
  )
}

/**
 * Any value written as YAML (or JSON): the fallback for values no form fits, such as nested
 * conditions. It is committed when it parses (and, with `mapping`, is a mapping).
 */
export function YamlValue({ label, value, testId, mapping, onCommit }: { label: string; value: unknown; testId?: string; mapping?: boolean; onCommit(value: unknown): void }) {
  const [error, setError] = useState<string | undefined>()
  const text = useBuffered(value === undefined ? '' : stringify(value, { lineWidth: 0 }).trimEnd(), (v) => {
    let parsed: unknown
    try {
      parsed = parse(v)
    } catch (e) {
      return setError(e instanceof Error ? e.message.split('\n')[0] : String(e))
    }
    if (mapping === true && !isRecord(parsed)) return setError('write a mapping (key: value lines, or a JSON object)')
    setError(undefined)
    onCommit(parsed)
  }, 600)
  return (
    <span className="yaml-value">
      <Control testId={testId}><textarea className="mono" aria-label={label} rows={Math.min(10, Math.max(2, text.value.split('\n').length))} value={text.value} spellCheck={false}
        aria-invalid={error !== undefined} onChange={(e) => text.change(e.target.value)} onBlur={text.flush} /></Control>
      {error !== undefined && <span className="field-error-inline" role="alert">{error}</span>}
    </span>
  )
}
