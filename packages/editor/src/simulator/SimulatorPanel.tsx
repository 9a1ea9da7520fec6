import { useEffect, useMemo } from 'react'
import { compileFlow } from '@phonetree/engine'
import type { CompiledFlow } from '@phonetree/engine'
import { isValidating, useEditor } from '../store/editor-store.ts'
import type { Validation } from '../validation/validator.ts'
import { CallControls } from './CallControls.tsx'
import { CallSettings } from './CallSettings.tsx'
import { ExportTest } from './ExportTest.tsx'
import { PanelStyles } from './PanelStyles.tsx'
import { keepKeysInPanel } from './panel-keys.ts'
import { useSimulator } from './simulator-store.ts'
import { speechAvailable } from './speech.ts'
import { Transcript } from './Transcript.tsx'

/** The open flow compiled, when it has no errors. */
function compiledOf(loaded: Validation): CompiledFlow | undefined {
  if (!loaded.ok || loaded.flow === undefined) return undefined
  try {
    return compileFlow(loaded.flow)
  } catch {
    return undefined
  }
}

/**
 * The in-browser call simulator: runs the open flow with the engine's step function (no
 * server), shows and reads aloud what the caller hears, offers the keypad, dial outcomes,
 * recordings, queue exits and API answers where the call waits, follows the call on the
 * canvas, and turns the call into a flow test.
 */
export function SimulatorPanel() {
  const loaded = useEditor((s) => s.loaded)
  const flowId = useEditor((s) => s.flowId)
  const text = useEditor((s) => s.text)
  // A call never starts on a version the editor no longer holds: wait for its validation.
  const validating = useEditor(isValidating)
  const compiled = useMemo(() => compiledOf(loaded), [loaded])
  const sim = useSimulator()
  const { session } = sim

  useEffect(() => {
    useSimulator.getState().prepare(flowId, useEditor.getState().loaded.flow)
  }, [flowId])
  // Back on this tab, the canvas shows this call again (the history may have drawn another).
  useEffect(() => {
    useSimulator.getState().redraw()
  }, [])

  const errors = loaded.problems.filter((p) => p.severity === 'error').length
  const waiting = session?.waiting
  // A call keeps the version it started on (as the server does), whatever the editor holds now.
  const stale = session !== undefined && !session.ended && session.compiled.version !== compiled?.version
  const flow = session?.compiled.flow ?? compiled?.flow ?? loaded.flow
  const canSpeak = speechAvailable()

  return (
    <div className="pt-panel pt-simulator" aria-label="call simulator" onKeyDown={keepKeysInPanel}>
      <PanelStyles />
      <div className="pt-row">
        <button type="button" className="pt-primary" data-testid="sim-start" disabled={compiled === undefined || validating} onClick={() => compiled && sim.startCall(compiled)}>
          {session === undefined ? 'Start call' : 'Call again'}
        </button>
        <button type="button" className="pt-danger" data-testid="sim-hangup" disabled={session === undefined || session.ended || session.pending !== undefined} onClick={() => sim.act({ hangup: true })}>
          Hang up
        </button>
        <button type="button" disabled={session === undefined} onClick={() => sim.reset()}>Reset</button>
      </div>
      <div className="pt-toggles">
        <label title={canSpeak ? undefined : 'this browser has no speech synthesis'}>
          <input type="checkbox" checked={sim.speak && canSpeak} disabled={!canSpeak} onChange={(e) => sim.setSpeak(e.target.checked)} /> Read prompts aloud
        </label>
        <label title="answer each API request with the answer its node got last time, without asking (from the next call)">
          <input type="checkbox" checked={sim.autoAnswer} onChange={(e) => sim.setAutoAnswer(e.target.checked)} /> Reuse API answers
        </label>
      </div>

      {!loaded.ok && (
        <div className="pt-note pt-warn">
          {text.trim() === '' ? 'Open a flow to simulate it.' : `Fix the ${errors} problem${errors === 1 ? '' : 's'} to simulate.`}
        </div>
      )}
      {stale && (
        <div className="pt-note pt-warn">
          The flow changed since this call started; the call goes on with the version it started on.{' '}
          {compiled !== undefined && <button type="button" className="pt-link" onClick={() => sim.startCall(compiled)}>Restart with the new version</button>}
        </div>
      )}
      {sim.error !== '' && <div className="pt-note pt-bad">{sim.error}</div>}

      <details className="pt-section" open={session === undefined}>
        <summary>Call settings</summary>
        <CallSettings form={sim.form} flow={flow} onChange={sim.setForm} onResetVars={() => sim.resetVars(flow)} />
        {session !== undefined && <div className="pt-muted" style={{ marginTop: 6 }}>Changes apply to the next call.</div>}
      </details>

      {session !== undefined && waiting !== undefined && (
        <>
          <div className="pt-status">
            <span className="pt-muted">{waiting.kind === 'ended' ? 'Ended at' : waiting.kind === 'http' ? 'API request at' : 'Waiting at'}</span>
            <span className="pt-node" data-testid="sim-node">{session.node}</span>
            {session.compiled.flow.nodes[session.node] !== undefined && <span className="pt-badge">{session.compiled.flow.nodes[session.node]!.type}</span>}
          </div>
          <Transcript turns={session.turns} flow={session.compiled.flow} />
          {/* A fresh keypad (and forms) for every turn: typed keys never leak into the next prompt. */}
          <CallControls key={`${session.call}:${session.turns.length}:${session.pending?.key ?? ''}`} waiting={waiting} onAction={sim.act} onAnswer={sim.answer} />
          {waiting.kind === 'ended' && <div className="pt-note">The call has ended. Start another, or copy this one as a test.</div>}
          <ExportTest session={session} name={sim.testName} onName={sim.setTestName} />
        </>
      )}
    </div>
  )
}

export default SimulatorPanel
