import { useEffect, useMemo, useRef } from 'react'
import { flowVersion } from '@phonetree/engine'
import type { Flow } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import { PanelStyles } from '../simulator/PanelStyles.tsx'
import { keepKeysInPanel } from '../simulator/panel-keys.ts'
import { useHistory } from './history-store.ts'
import type { FetchJson } from './history-store.ts'
import { describeEvent, heardIn, missingNodes } from './replay.ts'
import type { CallDetail, CallStep, CallSummary } from './replay.ts'

export interface HistoryPanelProps {
  /** How to read the API (default: `fetch` on the page's origin); pass one that adds the API token when the server needs it. */
  fetchJson?: FetchJson
}

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
/** The engine's end states in words; node ids as they are. */
const place = (node: string) => (node === '$hungup' ? 'caller hung up' : node === '$failed' ? 'failed' : node)
/** Webhooks slower than this are worth a look (Twilio gives up after 15 s). */
const SLOW_MS = 500

/**
 * Recent calls of the open flow from the server's history, and a replay of one: its steps
 * (event, node, what was said, API requests, errors) with its path drawn on the canvas up to
 * the step chosen.
 */
export function HistoryPanel({ fetchJson }: HistoryPanelProps) {
  const flowId = useEditor((s) => s.flowId)
  const flow = useEditor((s) => s.loaded.flow)
  const history = useHistory()
  // Kept in a ref: a fetcher made anew on each render must not reload the list each time.
  const fetcher = useRef(fetchJson)
  fetcher.current = fetchJson

  useEffect(() => {
    void useHistory.getState().load(flowId, fetcher.current)
  }, [flowId])
  // Back on this tab, the canvas shows the replay again (the simulator may have drawn its call).
  useEffect(() => {
    useHistory.getState().redraw()
  }, [])

  return (
    <div className="pt-panel pt-history" aria-label="call history" onKeyDown={keepKeysInPanel}>
      <PanelStyles />
      <div className="pt-row">
        <h3 className="pt-grow" style={{ margin: 0 }}>{flowId === null ? 'Call history' : `Calls of ${flowId}`}</h3>
        {history.open !== undefined && <button type="button" onClick={() => history.close()}>All calls</button>}
        <button type="button" disabled={flowId === null || history.loading} onClick={() => void history.load(flowId, fetchJson)}>{history.loading ? 'Loading…' : 'Refresh'}</button>
      </div>
      {history.error !== '' && <div className="pt-note pt-bad">{history.error}</div>}
      {flowId === null && <div className="pt-note">Open a flow to see its calls.</div>}
      {flowId !== null && history.open === undefined && (
        <CallList calls={history.calls} loading={history.loading} onOpen={(sid) => void history.openCall(sid, fetchJson)} />
      )}
      {history.open !== undefined && <Replay detail={history.open} index={history.index} flow={flow} onGo={history.goTo} />}
    </div>
  )
}

function CallList({ calls, loading, onOpen }: { calls: CallSummary[]; loading: boolean; onOpen(sid: string): void }) {
  if (calls.length === 0) return <div className="pt-note pt-muted" data-testid="history-list">{loading ? 'Loading calls…' : 'No calls of this flow yet.'}</div>
  return (
    <ul className="pt-calls" data-testid="history-list">
      {calls.map((call) => (
        <li key={call.sid}>
          <button type="button" className="pt-call" data-testid="history-item" onClick={() => onOpen(call.sid)} title={call.sid}>
            <span className="pt-when">{when(call.createdAt)}</span>
            <span>{call.from ?? 'unknown caller'}</span>
            <span className="pt-badge">{call.status === 'active' ? 'active' : call.outcome ?? 'ended'}</span>
            <span className="pt-muted">{call.direction === 'outbound-api' ? 'outbound' : ''}</span>
            <span className="pt-node" style={{ fontWeight: 400 }}>{place(call.node)}</span>
            <span className="pt-muted">{call.seq} step{call.seq === 1 ? '' : 's'}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}

function Replay({ detail, index, flow, onGo }: { detail: CallDetail; index: number; flow: Flow | undefined; onGo(index: number): void }) {
  const { call, steps } = detail
  const version = useMemo(() => (flow !== undefined ? flowVersion(flow) : undefined), [flow])
  const gone = useMemo(() => new Set(flow !== undefined ? missingNodes(flow, steps) : []), [flow, steps])
  const older = version !== undefined && call.version !== '' && call.version !== version

  return (
    <>
      <div className="pt-section">
        <div className="pt-row">
          <b className="pt-grow">{call.from ?? 'unknown caller'}{call.to !== undefined ? ` → ${call.to}` : ''}</b>
          <span className="pt-badge">{call.status === 'active' ? 'active' : call.outcome ?? 'ended'}</span>
        </div>
        <div className="pt-muted">{when(call.createdAt)} · <span className="pt-mono">{call.sid}</span></div>
      </div>
      {older && (
        <div className="pt-note pt-warn">
          Recorded on an earlier version of this flow.{gone.size > 0 ? ` No longer in it: ${[...gone].join(', ')} (listed, not drawn).` : ''}
        </div>
      )}
      {flow === undefined && <div className="pt-note pt-warn">The flow has errors the canvas cannot draw: the path is listed only.</div>}
      <div className="pt-row">
        <button type="button" data-testid="history-prev" disabled={index <= 0} onClick={() => onGo(index - 1)}>◀ Prev</button>
        <span className="pt-grow" style={{ textAlign: 'center' }}>step {steps.length === 0 ? 0 : index + 1} of {steps.length}</span>
        <button type="button" data-testid="history-next" disabled={index >= steps.length - 1} onClick={() => onGo(index + 1)}>Next ▶</button>
      </div>
      <table className="pt-steps" data-testid="history-steps">
        <tbody>
          {steps.map((step, i) => (
            <StepRow key={i} step={step} here={i === index} later={i > index} gone={gone} onClick={() => onGo(i)} />
          ))}
        </tbody>
      </table>
    </>
  )
}

function StepRow({ step, here, later, gone, onClick }: { step: CallStep; here: boolean; later: boolean; gone: ReadonlySet<string>; onClick(): void }) {
  const said = heardIn(step)
  return (
    <tr className={here ? 'pt-here' : later ? 'pt-later' : undefined} onClick={onClick} aria-current={here ? 'step' : undefined}>
      <td className="pt-muted pt-mono" style={{ whiteSpace: 'nowrap' }}>{clock(step.at)}</td>
      <td>
        <div>
          {describeEvent(step.event)} → <span className={`pt-node${gone.has(step.node) ? ' pt-gone' : ''}`} title={gone.has(step.node) ? 'no longer in the flow' : undefined}>{place(step.node)}</span>
          {step.durationMs >= SLOW_MS && <span className="pt-muted"> · took {step.durationMs} ms</span>}
        </div>
        {said.length > 0 && <div className="pt-muted">“{said.join(' ')}”</div>}
        {step.effects.map((e, j) => (
          <div key={j} className="pt-request pt-mono">
            {e.method} {e.url} → {e.error !== undefined ? `failed: ${e.error}` : e.status ?? '?'}{e.ms !== undefined ? ` (${e.ms} ms)` : ''}
          </div>
        ))}
        {step.errors.map((error, j) => <div key={j} className="pt-error">⚠ {error}</div>)}
      </td>
    </tr>
  )
}

export default HistoryPanel
