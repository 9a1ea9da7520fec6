import { useMemo, useState } from 'react'
import { copyText } from './clipboard.ts'
import { defaultScenarioName, scenarioYaml, testFileYaml } from './scenario-export.ts'
import type { SimulatorSession } from './session.ts'

export interface ExportTestProps {
  session: SimulatorSession
  name: string
  onName(name: string): void
}

/**
 * The call as a flow test, ready to paste into `flows/<id>.test.yaml`: as an item for an
 * existing file's `tests:`, or as a whole new file.
 */
export function ExportTest({ session, name, onName }: ExportTestProps) {
  const [whole, setWhole] = useState(false)
  const [copied, setCopied] = useState<'' | 'copied' | 'failed'>('')
  const flowId = session.compiled.flow.flow
  const placeholder = defaultScenarioName(session.turns)
  const yaml = useMemo(() => {
    const scenario = session.toScenario(name === '' ? placeholder : name)
    return whole ? testFileYaml(flowId, [scenario]) : scenarioYaml(scenario)
  }, [session, name, placeholder, whole, flowId])

  const copy = async () => {
    setCopied((await copyText(yaml)) ? 'copied' : 'failed')
    setTimeout(() => setCopied(''), 2000)
  }

  return (
    <div className="pt-section pt-export">
      <h3>Test from this call</h3>
      <div className="pt-row">
        <input className="pt-grow" value={name} placeholder={placeholder} onChange={(e) => onName(e.target.value)} aria-label="test name" />
      </div>
      <div className="pt-row" style={{ marginTop: 6 }}>
        <button type="button" data-testid="sim-copy-test" onClick={() => void copy()}>Copy as test</button>
        <label className="pt-row pt-muted"><input type="checkbox" checked={whole} onChange={(e) => setWhole(e.target.checked)} /> whole file</label>
        <span className="pt-muted">{copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Could not copy: select the text below.' : ''}</span>
      </div>
      <div className="pt-muted" style={{ marginTop: 4 }}>
        {whole ? <>Save as <code>flows/{flowId}.test.yaml</code>.</> : <>Paste under <code>tests:</code> in <code>flows/{flowId}.test.yaml</code>.</>}
        {session.pending !== undefined ? ' The request still waiting for an answer is left out.' : ''}
      </div>
      <details>
        <summary className="pt-muted" style={{ cursor: 'pointer', marginTop: 4 }}>YAML</summary>
        <pre data-testid="sim-test-yaml">{yaml}</pre>
      </details>
    </div>
  )
}
