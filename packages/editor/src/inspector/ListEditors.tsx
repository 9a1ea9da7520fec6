import { RowButtons, TextInput } from './controls.tsx'

/**
 * A list of texts (holiday dates). `dates` uses the browser's date input; the whole list is
 * written on each change.
 */
export function ListEditor({ value, dates, pattern, testId, label, onChange }: {
  value: unknown
  dates?: boolean
  pattern?: RegExp
  testId: string
  label: string
  onChange(value: string[] | undefined): void
}) {
  const items: string[] = Array.isArray(value) ? value.map(String) : []
  const replace = (i: number, v: string) => onChange(items.map((item, j) => (j === i ? v : item)))
  return (
    <div className="rows" data-testid={testId}>
      {items.map((item, i) => (
        <div key={i} className="row">
          {dates === true
            ? <input type="date" aria-label={`${label} ${i + 1}`} value={item} onChange={(e) => e.target.value !== '' && replace(i, e.target.value)} />
            : <span className="grow"><TextInput label={`${label} ${i + 1}`} value={item} required onCommit={(v) => replace(i, v ?? '')} /></span>}
          {pattern !== undefined && !pattern.test(item) && <span className="field-error-inline">not YYYY-MM-DD</span>}
          <RowButtons index={i} count={items.length} onRemove={() => onChange(items.length === 1 ? undefined : items.filter((_, j) => j !== i))} removeLabel={`remove ${item}`} />
        </div>
      ))}
      <button type="button" className="small" onClick={() => onChange([...items, dates === true ? new Date().toISOString().slice(0, 10) : ''])}>+ add</button>
    </div>
  )
}

/**
 * One text or several (a dial's numbers, rung at once): one is written as text, several as a
 * list, up to `max`.
 */
export function TextOrListEditor({ value, max, testId, label, placeholder, onChange }: {
  value: unknown
  max?: number
  testId: string
  label: string
  placeholder?: string
  onChange(value: string | string[]): void
}) {
  const items: string[] = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : ['']
  const write = (next: string[]) => onChange(next.length === 1 ? next[0]! : next)
  return (
    <div className="rows">
      {items.map((item, i) => (
        <div key={i} className="row">
          <span className="grow">
            <TextInput testId={i === 0 ? testId : `${testId}-${i}`} label={`${label} ${i + 1}`} value={item} required placeholder={placeholder} onCommit={(v) => write(items.map((x, j) => (j === i ? v ?? '' : x)))} />
          </span>
          {items.length > 1 && <RowButtons index={i} count={items.length} onRemove={() => write(items.filter((_, j) => j !== i))} removeLabel={`remove ${item}`} />}
        </div>
      ))}
      {(max === undefined || items.length < max) && <button type="button" className="small" onClick={() => write([...items, placeholder ?? ''])}>+ another</button>}
    </div>
  )
}
