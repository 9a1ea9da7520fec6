import { isRecord, promptText } from '../app/draft.ts'
import { NumberInput, RowButtons, TextInput } from './controls.tsx'

type Part = Record<string, unknown>
const PART_KINDS = ['say', 'digits', 'pause', 'play'] as const
type PartKind = (typeof PART_KINDS)[number]

const kindOf = (part: Part): PartKind => PART_KINDS.find((k) => part[k] !== undefined) ?? 'say'

function newPart(kind: PartKind): Part {
  switch (kind) {
    case 'say': return { say: '' }
    case 'digits': return { digits: '{{ vars.code }}' }
    case 'pause': return { pause: 1 }
    case 'play': return { play: 'audio/chime.mp3' }
  }
}

/** A part turned into another kind, keeping its text where that makes sense. */
function convert(part: Part, kind: PartKind): Part {
  const text = typeof part.say === 'string' ? part.say : typeof part.digits === 'string' ? part.digits : typeof part.play === 'string' ? part.play : ''
  if (kind === 'pause') return { pause: 1 }
  return { [kind]: text === '' ? String(newPart(kind)[kind]) : text }
}

/** Parts that are plain speech in the flow's voice can become text without losing anything. */
const plainSpeech = (parts: Part[]) => parts.every((p) => Object.keys(p).length === 1 && typeof p.say === 'string')

function PartRow({ part, index, count, testId, onChange, onMove, onRemove }: {
  part: Part
  index: number
  count: number
  testId: string
  onChange(part: Part): void
  onMove(from: number, to: number): void
  onRemove(): void
}) {
  const kind = kindOf(part)
  const set = (key: string, value: unknown) => {
    const next = { ...part }
    if (value === undefined) delete next[key]
    else next[key] = value
    onChange(next)
  }
  return (
    <div className="part" data-testid={`${testId}-part-${index}`}>
      <div className="row">
        <select aria-label="part kind" value={kind} onChange={(e) => onChange(convert(part, e.target.value as PartKind))}>
          {PART_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        {kind === 'pause'
          ? <NumberInput label="pause seconds" value={part.pause} required min={1} max={60} integer onCommit={(n) => n !== undefined && set('pause', n)} />
          : <span className="grow"><TextInput label={`${kind} text`} value={part[kind]} required onCommit={(v) => set(kind, v ?? '')} /></span>}
        <RowButtons index={index} count={count} onMove={onMove} onRemove={onRemove} removeLabel="remove part" canRemove={count > 1} />
      </div>
      {kind === 'say' && (
        <div className="row part-extra">
          <TextInput label="voice" value={part.voice} required={false} placeholder="voice (flow's)" onCommit={(v) => set('voice', v)} />
          <TextInput label="language" value={part.language} required={false} placeholder="language (flow's)" onCommit={(v) => set('language', v)} />
        </div>
      )}
      {kind === 'play' && (
        <div className="row part-extra">
          <span className="hint">loop</span>
          <NumberInput label="loop" value={part.loop} required={false} min={1} max={10} integer onCommit={(n) => set('loop', n)} />
        </div>
      )}
    </div>
  )
}

/**
 * A prompt: text (a template), or a list of parts (say, digits, pause, play) to add, remove and
 * reorder. Each change hands the whole new prompt to `onChange` (`undefined`: unset).
 */
export function PromptEditor({ value, required, testId, label, onChange }: {
  value: unknown
  required: boolean
  testId: string
  label: string
  onChange(value: unknown): void
}) {
  if (!Array.isArray(value)) {
    const text = typeof value === 'string' ? value : ''
    return (
      <div className="prompt-editor">
        <TextInput testId={testId} label={label} value={value === undefined ? undefined : text} required={required} multiline onCommit={onChange} />
        <div className="row">
          <button type="button" className="link" onClick={() => onChange([{ say: text }])} title="play several parts in order: speech, digits, pauses, audio">use parts…</button>
        </div>
      </div>
    )
  }
  const parts: Part[] = value.map((p: unknown) => (isRecord(p) ? p : { say: String(p) }))
  const replace = (i: number, part: Part) => onChange(parts.map((p, j) => (j === i ? part : p)))
  const move = (from: number, to: number) => {
    const next = [...parts]
    const [moved] = next.splice(from, 1)
    next.splice(to, 0, moved!)
    onChange(next)
  }
  const toText = () => {
    if (!plainSpeech(parts) && !confirm('Digits, pauses, audio and voices are lost as plain text. Continue?')) return
    onChange(plainSpeech(parts) ? parts.map((p) => p.say).join(' ') : promptText(parts))
  }
  return (
    <div className="prompt-editor" data-testid={testId} aria-label={label}>
      {parts.map((part, i) => (
        <PartRow key={i} part={part} index={i} count={parts.length} testId={testId} onChange={(p) => replace(i, p)} onMove={move} onRemove={() => onChange(parts.filter((_, j) => j !== i))} />
      ))}
      <div className="row">
        <span className="hint">add</span>
        {PART_KINDS.map((k) => <button key={k} type="button" className="small" onClick={() => onChange([...parts, newPart(k)])}>+ {k}</button>)}
        <span className="grow" />
        <button type="button" className="link" onClick={toText}>use plain text</button>
      </div>
    </div>
  )
}

/**
 * No-input and no-match prompts: one prompt, or a list chosen by count (the last repeats).
 * Each entry of the list is a prompt of its own.
 */
export function EventPromptsEditor({ value, testId, label, onChange }: {
  value: unknown
  testId: string
  label: string
  onChange(value: unknown): void
}) {
  if (!Array.isArray(value)) {
    return (
      <div className="prompt-editor">
        <PromptEditor value={value} required={false} testId={testId} label={label} onChange={onChange} />
        {value !== undefined && (
          <button type="button" className="link" onClick={() => onChange([value, value])} title="say something different the second time">vary by attempt…</button>
        )}
      </div>
    )
  }
  const entries: unknown[] = value
  return (
    <div className="prompt-editor" data-testid={testId} aria-label={label}>
      {entries.map((entry, i) => {
        // A single part written without a list is shown as a list of one, and kept that way.
        const single = isRecord(entry)
        return (
          <div key={i} className="attempt">
            <div className="row">
              <span className="hint">{i === entries.length - 1 ? `attempt ${i + 1} and later` : `attempt ${i + 1}`}</span>
              <span className="grow" />
              <RowButtons index={i} count={entries.length} onRemove={() => onChange(entries.length === 2 ? entries[1 - i] : entries.filter((_, j) => j !== i))} removeLabel="remove attempt" />
            </div>
            <PromptEditor
              value={single ? [entry] : entry}
              required
              testId={`${testId}-${i}`}
              label={`${label} attempt ${i + 1}`}
              onChange={(next) => onChange(entries.map((e, j) => (j !== i ? e : single && Array.isArray(next) && next.length === 1 ? next[0] : next)))}
            />
          </div>
        )
      })}
      <button type="button" className="small" onClick={() => onChange([...entries, entries[entries.length - 1] ?? ''])}>+ attempt</button>
    </div>
  )
}
