import { useState } from 'react'
import type { DialStatus, HttpMock } from '@phonetree/engine'
import type { CallerAction } from './caller-actions.ts'
import { DEFAULT_RECORDING_SECONDS } from './caller-actions.ts'
import { HttpAnswer } from './HttpAnswer.tsx'
import { Keypad } from './Keypad.tsx'
import type { Waiting } from './session.ts'

export interface CallControlsProps {
  waiting: Waiting
  onAction(action: CallerAction): void
  onAnswer(answer: HttpMock): void
}

const DIAL_OUTCOMES: { status: DialStatus; label: string }[] = [
  { status: 'completed', label: 'answered (completed)' }, { status: 'busy', label: 'busy' }, { status: 'no-answer', label: 'no answer' },
  { status: 'failed', label: 'failed' }, { status: 'canceled', label: 'canceled' },
]

const QUEUE_RESULTS: { result: string; label: string }[] = [
  { result: 'bridged', label: 'bridged to an agent' }, { result: 'hangup', label: 'caller hung up' }, { result: 'leave', label: 'left the queue' },
]

/** What the designer can do where the call waits: the keypad, a dial's outcome, a recording, leaving a queue, an API answer. */
export function CallControls({ waiting, onAction, onAnswer }: CallControlsProps) {
  switch (waiting.kind) {
    case 'gather':
      return <Keypad gather={waiting.gather} onAction={onAction} />
    case 'dial':
      return (
        <div className="pt-section">
          <h3>Ringing {waiting.numbers.join(', ')}</h3>
          <div className="pt-choices">
            {DIAL_OUTCOMES.map(({ status, label }) => (
              <button key={status} type="button" data-testid={`sim-dial-${status}`} onClick={() => onAction({ dial: status })}>{label}</button>
            ))}
          </div>
        </div>
      )
    case 'record':
      return <RecordControls onAction={onAction} />
    case 'enqueue':
      return (
        <div className="pt-section">
          <h3>On hold in queue “{waiting.queue}”</h3>
          <div className="pt-choices">
            {QUEUE_RESULTS.map(({ result, label }) => (
              <button key={result} type="button" data-testid={`sim-queue-${result}`} onClick={() => onAction({ queue: result })}>{label}</button>
            ))}
          </div>
        </div>
      )
    case 'http':
      return <HttpAnswer request={waiting.request} onAnswer={onAnswer} {...(waiting.remembered !== undefined ? { remembered: waiting.remembered } : {})} />
    case 'ended':
      return null
  }
}

function RecordControls({ onAction }: Pick<CallControlsProps, 'onAction'>) {
  const [url, setUrl] = useState('https://api.twilio.com/2010-04-01/Recordings/RE0000000000000000000000000000sim')
  const [seconds, setSeconds] = useState(String(DEFAULT_RECORDING_SECONDS))
  const duration = Number(seconds)
  return (
    <div className="pt-section">
      <h3>Recording…</h3>
      <div className="pt-fields">
        <label htmlFor="pt-rec-url">URL</label>
        <input id="pt-rec-url" value={url} onChange={(e) => setUrl(e.target.value)} />
        <label htmlFor="pt-rec-seconds">Seconds</label>
        <input id="pt-rec-seconds" inputMode="numeric" value={seconds} onChange={(e) => setSeconds(e.target.value)} style={{ width: 80 }} />
      </div>
      <div className="pt-choices" style={{ marginTop: 6 }}>
        <button type="button" data-testid="sim-record" disabled={url.trim() === '' || !(duration >= 0)} onClick={() => onAction({ record: { url: url.trim(), duration } })}>Finish recording</button>
        <button type="button" data-testid="sim-record-empty" onClick={() => onAction({ record: 'empty' })}>Empty recording</button>
      </div>
    </div>
  )
}
