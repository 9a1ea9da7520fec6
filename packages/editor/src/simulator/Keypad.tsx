import { useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { GatherInstruction } from '@phonetree/engine'
import { KEYS, pressKey } from './caller-actions.ts'
import type { CallerAction } from './caller-actions.ts'

export interface KeypadProps {
  gather: GatherInstruction
  /** Called with the caller's answer: keys, speech or silence. */
  onAction(action: CallerAction): void
}

/**
 * The phone while a menu or input waits: twelve keys collecting digits as the network does
 * (sent on the finishing key or when enough keys are typed), "send", "stay silent", and a box
 * to say something when the gather listens for speech. Typing on the keyboard works too.
 */
export function Keypad({ gather, onAction }: KeypadProps) {
  const [buffer, setBuffer] = useState('')
  const [speech, setSpeech] = useState('')
  const dtmf = gather.input.includes('dtmf')
  const listens = gather.input.includes('speech')
  const finish = gather.finishOnKey ?? '#'

  const press = (key: string) => {
    const next = pressKey(buffer, key, gather)
    setBuffer(next.buffer)
    if (next.send !== undefined) onAction({ press: next.send })
  }
  const send = () => {
    setBuffer('')
    onAction({ press: buffer })
  }
  const say = () => {
    if (speech.trim() === '') return
    onAction({ speak: speech.trim() })
    setSpeech('')
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!dtmf || event.target instanceof HTMLInputElement) return
    if (/^[0-9*#]$/.test(event.key)) press(event.key)
    else if (event.key === 'Enter') send()
    else if (event.key === 'Backspace') setBuffer(buffer.slice(0, -1))
    else return
    event.preventDefault()
  }

  return (
    <div className="pt-phone" tabIndex={0} onKeyDown={onKeyDown} aria-label="phone keypad">
      {dtmf && (
        <>
          <div className="pt-display" aria-live="polite">{buffer === '' ? <span className="pt-muted">…</span> : buffer}</div>
          <div className="pt-keypad">
            {KEYS.map(({ key, name, letters }) => (
              <button key={key} type="button" className="pt-key" data-testid={`sim-key-${name}`} onClick={() => press(key)} title={key === finish ? 'the finishing key: sends what was typed' : undefined}>
                <b>{key}</b><small>{key === finish ? 'send' : letters}</small>
              </button>
            ))}
          </div>
          <div className="pt-muted" style={{ textAlign: 'center', fontSize: 12 }}>
            {gather.numDigits !== undefined ? `sends after ${gather.numDigits} key${gather.numDigits === 1 ? '' : 's'}` : 'no key limit'}
            {finish !== '' ? ` or on ${finish}` : ''} · times out after {gather.timeout} s
          </div>
        </>
      )}
      <div className="pt-row" style={{ justifyContent: 'center' }}>
        {dtmf && <button type="button" data-testid="sim-send" onClick={send}>Send {buffer === '' ? '(no keys)' : buffer}</button>}
        <button type="button" data-testid="sim-silence" onClick={() => { setBuffer(''); onAction({ noInput: true }) }}>Stay silent</button>
      </div>
      {listens && (
        <form className="pt-row" onSubmit={(e) => { e.preventDefault(); say() }}>
          <input className="pt-grow" data-testid="sim-say-input" value={speech} onChange={(e) => setSpeech(e.target.value)} placeholder={gather.hints !== undefined ? `say… (${gather.hints})` : 'say something…'} aria-label="what the caller says" />
          <button type="submit" data-testid="sim-say-send" disabled={speech.trim() === ''}>Say</button>
        </form>
      )}
    </div>
  )
}
