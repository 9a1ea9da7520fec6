import { memo, useId, useMemo } from 'react'
import type { FlowProblem } from '@phonetree/engine'
import { BodyEditor } from './BodyEditor.tsx'
import { CasesEditor } from './CasesEditor.tsx'
import { BooleanSelect, ChoiceSelect, LiteralOrNumber, NumberInput, TargetInput, TextInput } from './controls.tsx'
import { fieldOps } from './field-ops.ts'
import type { FieldSpec } from './fields.ts'
import { ListEditor, TextOrListEditor } from './ListEditors.tsx'
import { ChoicesEditor, HoursEditor, KeyValueEditor, YamlValue } from './MapEditors.tsx'
import { EventPromptsEditor, PromptEditor } from './PromptEditor.tsx'

export interface FieldRowProps {
  spec: FieldSpec
  /** The field's value as written (undefined: unset). */
  value: unknown
  /** For mapping fields: the entries in YAML order. */
  entries: [string, unknown][]
  /** Every node id, for edge targets. */
  nodes: readonly string[]
  /** The node the field belongs to, or null for a flow field. */
  node: string | null
  problems: readonly FlowProblem[]
}

const FINISH_KEY_LABELS: Record<string, string> = { '#': '# (pound)', '*': '* (star)', '': 'none' }

/** Friendlier labels for field names. */
const LABELS: Record<string, string> = {
  onNoInput: 'on no input', onNoMatch: 'on no match', onFailure: 'on failure', onError: 'on error', onNoAnswer: 'on no answer',
  noInput: 'no-input prompts', noMatch: 'no-match prompts', maxNoInput: 'max no-inputs', maxNoMatch: 'max no-matches',
  maxAttempts: 'max attempts', saveAs: 'save as', minDigits: 'min digits', maxDigits: 'max digits', finishOnKey: 'finish on key',
  speechTimeout: 'speech timeout', callerId: 'caller id', timeLimit: 'time limit', maxLength: 'max length', playBeep: 'beep',
  waitUrl: 'wait URL', url: 'URL', next: 'next', else: 'else',
}

export const fieldLabel = (name: string) => LABELS[name] ?? name

let zones: string[] | undefined

/** The browser's IANA time zones, as suggestions for an hours node's `timezone`. */
function TimeZones() {
  zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return <datalist id="pt-time-zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
}

function Editor({ spec, value, entries, nodes, node, id }: FieldRowProps & { id: string }) {
  const ops = useMemo(() => fieldOps(node, spec.name), [node, spec.name])
  const testId = `field-${spec.name}`
  const label = fieldLabel(spec.name)
  const setAll = (v: unknown) => ops.set([], v)
  switch (spec.kind) {
    case 'text':
    case 'longText':
      if (spec.name === 'timezone') {
        return (
          <>
            <TextInput id={id} testId={testId} label={label} value={value} required={spec.required} list="pt-time-zones" onCommit={setAll} />
            <TimeZones />
          </>
        )
      }
      return <TextInput id={id} testId={testId} label={label} value={value} required={spec.required} multiline={spec.kind === 'longText'} onCommit={setAll} />
    case 'target':
      return <TargetInput id={id} testId={testId} label={label} value={value} nodes={nodes} required={spec.required} onCommit={setAll} />
    case 'number':
      return <NumberInput id={id} testId={testId} label={label} value={value} required={spec.required} min={spec.min} max={spec.max} integer={spec.integer} defaultValue={spec.defaultValue} onCommit={setAll} />
    case 'boolean':
      return <BooleanSelect id={id} testId={testId} label={label} value={value} required={spec.required} defaultValue={spec.defaultValue} onCommit={setAll} />
    case 'enum':
      return (
        <ChoiceSelect id={id} testId={testId} label={label} value={value} options={spec.options ?? []} required={spec.required} defaultValue={spec.defaultValue}
          {...(spec.name === 'finishOnKey' ? { optionLabel: (o: string) => FINISH_KEY_LABELS[o] ?? o } : {})} onCommit={setAll} />
      )
    case 'literalOrNumber':
      return <LiteralOrNumber id={id} testId={testId} label={label} value={value} options={spec.options ?? []} min={spec.min} max={spec.max} onCommit={setAll} />
    case 'prompt':
      return <PromptEditor testId={testId} label={label} value={value} required={spec.required} onChange={setAll} />
    case 'eventPrompts':
      return <EventPromptsEditor testId={testId} label={label} value={value} onChange={setAll} />
    case 'choices':
      return <ChoicesEditor testId={testId} entries={entries} nodes={nodes} self={node ?? ''} ops={ops} />
    case 'cases':
      return <CasesEditor testId={testId} value={value} nodes={nodes} self={node ?? ''} ops={ops} />
    case 'hours':
      return <HoursEditor testId={testId} entries={entries} ops={ops} />
    case 'list':
      return <ListEditor testId={testId} label={label} value={value} dates={spec.itemPattern?.test('2026-01-01') === true} pattern={spec.itemPattern} onChange={setAll} />
    case 'textOrList':
      return <TextOrListEditor testId={testId} label={label} value={value} max={spec.maxItems} placeholder={spec.name === 'number' ? '+15550000000' : ''} onChange={setAll} />
    case 'keyValue':
      return <KeyValueEditor testId={testId} entries={entries} valueTypes={spec.valueTypes ?? ['text']} keyPlaceholder={spec.name === 'headers' ? 'header' : 'name'} ops={ops} />
    case 'body':
      return <BodyEditor testId={testId} value={value} onChange={setAll} />
    case 'yaml':
      return <YamlValue testId={testId} label={label} value={value} onCommit={setAll} />
  }
}

/**
 * One field of the inspector: its label (and what it means), the editor for its kind, an
 * "unset" button for optional fields that are set, and the validator's problems inside it.
 */
export const FieldRow = memo(function FieldRow(props: FieldRowProps) {
  const id = useId()
  const { spec, value, problems, node } = props
  const unsettable = !spec.required && value !== undefined
  return (
    <div className={`field${problems.some((p) => p.severity === 'error') ? ' has-error' : ''}`} data-field={spec.name}>
      <div className="field-label">
        <label htmlFor={id} title={spec.description}>{fieldLabel(spec.name)}{spec.required && <span className="required" aria-label="required">*</span>}</label>
        {spec.description !== undefined && <span className="field-help">{spec.description}</span>}
        {unsettable && (
          <button type="button" className="link unset" data-testid={`unset-${spec.name}`} title="remove this field from the YAML (the default applies)"
            onClick={() => fieldOps(node, spec.name).set([], undefined)}>unset</button>
        )}
      </div>
      <Editor {...props} id={id} />
      {problems.map((p, i) => (
        <div key={i} className={`field-problem is-${p.severity}`} role={p.severity === 'error' ? 'alert' : undefined}>
          {p.severity === 'error' ? '✖' : '⚠'} {p.message} <span className="code">{p.code}</span>
        </div>
      ))}
    </div>
  )
})
