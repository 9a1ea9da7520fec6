import { useState } from 'react'
import type { HttpEffect, HttpMock } from '@phonetree/engine'
import { answerOf, formOf, prettyBody, timeoutMessage } from './http-answer.ts'

export interface HttpAnswerProps {
  request: HttpEffect
  /** The answer this node got last time, to start from. */
  remembered?: HttpMock
  onAnswer(answer: HttpMock): void
}

const PRESETS = [200, 201, 204, 404, 500, 503]

/**
 * The request an http node makes, shown instead of sent: the designer plays the API and
 * answers with a status and JSON body, or makes the request fail as a timeout would.
 */
export function HttpAnswer({ request, remembered, onAnswer }: HttpAnswerProps) {
  const initial = formOf(remembered)
  const [status, setStatus] = useState(initial.status)
  const [body, setBody] = useState(initial.body)
  const parsed = answerOf(status, body)
  const sent = prettyBody(request.body)
  const headers = Object.entries(request.headers)

  return (
    <div className="pt-http pt-section">
      <h3>The flow calls an API: you answer</h3>
      <div className="pt-mono" style={{ overflowWrap: 'anywhere' }}><b>{request.method}</b> {request.url}</div>
      {headers.length > 0 && <div className="pt-muted pt-mono">{headers.map(([k, v]) => `${k}: ${v}`).join('\n')}</div>}
      {sent !== undefined && <pre>{sent}</pre>}
      <div className="pt-row" style={{ marginTop: 6 }}>
        <label htmlFor="pt-http-status">Status</label>
        <input id="pt-http-status" data-testid="sim-http-status" inputMode="numeric" value={status} onChange={(e) => setStatus(e.target.value)} style={{ width: 64 }} />
        {PRESETS.map((code) => (
          <button key={code} type="button" className="pt-link" onClick={() => setStatus(String(code))}>{code}</button>
        ))}
      </div>
      <textarea data-testid="sim-http-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} placeholder='JSON body, e.g. { "tier": "gold" } (empty: no body)' aria-label="response body" style={{ marginTop: 6 }} />
      <div className="pt-row" style={{ marginTop: 6 }}>
        <button type="button" className="pt-primary" data-testid="sim-http-answer" disabled={!parsed.ok} onClick={() => parsed.ok && onAnswer(parsed.answer)}>Answer</button>
        <button type="button" data-testid="sim-http-fail" onClick={() => onAnswer({ error: timeoutMessage(request.timeoutMs) })}>Fail (timeout)</button>
        <span className="pt-muted">{!parsed.ok ? parsed.error : parsed.text ? 'not JSON: sent as text' : remembered !== undefined ? 'last answer for this node' : ''}</span>
      </div>
    </div>
  )
}
