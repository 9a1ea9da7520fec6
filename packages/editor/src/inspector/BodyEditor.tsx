import { isRecord } from '../app/draft.ts'
import { TextInput } from './controls.tsx'
import { YamlValue } from './MapEditors.tsx'

/** An http body: none, text (a template), or a mapping sent as JSON (written as YAML or JSON). */
export function BodyEditor({ value, testId, onChange }: { value: unknown; testId: string; onChange(value: unknown): void }) {
  const mode = value === undefined ? 'none' : isRecord(value) ? 'json' : 'text'
  return (
    <div className="rows">
      <select aria-label="body kind" data-testid={`${testId}-kind`} value={mode} onChange={(e) => onChange(e.target.value === 'none' ? undefined : e.target.value === 'json' ? {} : '')}>
        <option value="none">no body</option>
        <option value="text">text</option>
        <option value="json">JSON object (fields as YAML or JSON)</option>
      </select>
      {mode === 'text' && <TextInput testId={testId} label="body" value={value} required multiline onCommit={(v) => onChange(v ?? '')} />}
      {mode === 'json' && <YamlValue testId={testId} label="body fields" value={value} mapping onCommit={onChange} />}
    </div>
  )
}
