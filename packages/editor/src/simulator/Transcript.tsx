import { Fragment, useEffect, useRef } from 'react'
import type { Flow } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { describeAction } from './caller-actions.ts'
import type { AnsweredRequest, Turn } from './session.ts'

export interface TranscriptProps {
  turns: readonly Turn[]
  flow: Flow
}

/** Where a turn left the call, in words. */
function restingText(turn: Turn, flow: Flow): string {
  const type = flow.nodes[turn.node]?.type
  if (turn.status === 'effect') return `waiting for the API answer at ${turn.node}`
  if (turn.status === 'ended') return turn.node === '$hungup' ? 'the caller hung up' : turn.node === '$failed' ? 'the call failed and ended' : `the call ended at ${turn.node}`
  return `waits at ${turn.node}${type !== undefined ? ` (${type})` : ''}`
}

/**
 * What happened on the call, turn by turn: the caller's action, what they heard, the API
 * requests and how they were answered, errors, and where the call rests.
 */
export function Transcript({ turns, flow }: TranscriptProps) {
  const end = useRef<HTMLDivElement>(null)
  const last = turns.at(-1)
  // A block body: newer browsers return a promise from scrollIntoView, which an effect must not return.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' })
  }, [turns.length, last?.view.length])
  const select = (node: string) => {
    if (Object.hasOwn(flow.nodes, node)) useEditor.getState().select([node])
  }

  return (
    <div className="pt-transcript" data-testid="sim-transcript" aria-live="polite">
      {turns.map((turn, i) => (
        <div className="pt-turn" key={i}>
          {turn.action !== undefined && <div className="pt-caller">{describeAction(turn.action)}</div>}
          {turn.parts.map((part, j) => (
            <Fragment key={j}>
              {part.request !== undefined && <RequestLine {...part.request} />}
              {part.heard.length > 0 && (
                <div className="pt-heard">
                  {part.heard.map((text, k) => <p key={k} className={/^\[(play|pause) /.test(text) ? 'pt-sound' : undefined}>{text}</p>)}
                </div>
              )}
            </Fragment>
          ))}
          {turn.errors.map((error, j) => <div className="pt-error" key={j}>⚠ {error}</div>)}
          {!turn.handled && <div className="pt-rest">(that meant nothing here: the node repeats)</div>}
          <div className="pt-rest">
            ↳ <button type="button" className="pt-link" onClick={() => select(turn.node)}>{restingText(turn, flow)}</button>
          </div>
        </div>
      ))}
      <div ref={end} />
    </div>
  )
}

/** An API request and the answer the designer gave it. */
function RequestLine({ request, answer }: AnsweredRequest) {
  return (
    <div className="pt-request pt-mono">
      {request.method} {request.url} → {'error' in answer ? `failed: ${answer.error}` : `${answer.status}${answer.body !== undefined ? ` ${JSON.stringify(answer.body)}` : ''}`}
    </div>
  )
}
