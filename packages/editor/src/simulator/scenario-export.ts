import { Document, isMap } from 'yaml'
import { DEFAULT_TEST_CALL } from '@phonetree/engine'
import type { Expectation, Flow, HttpMock, Scenario, ScenarioStep, TestFile } from '@phonetree/engine'
import type { CallerAction } from './caller-actions.ts'
import type { SimulatorSettings, Turn } from './session.ts'

/** Longer prompts are checked by their start: enough to tell prompts apart, short enough to read. */
const PROMPT_CHARS = 80

/**
 * A simulated call as a flow test (`*.test.yaml` scenario). Only what differs from a test's
 * defaults is written: caller fields other than the default test call's, variables other
 * than the flow's own.
 *
 * @example scenarioOf(flow, settings, session.turns, 'sales').steps // [{ expect: … }, { press: '1' }, { expect: … }]
 */
export function scenarioOf(flow: Flow, settings: SimulatorSettings, turns: readonly Turn[], name: string): Scenario {
  const defaults: Record<string, string | undefined> = DEFAULT_TEST_CALL
  const call = Object.fromEntries(Object.entries(settings.call).filter(([key, value]) => defaults[key] !== value))
  const vars = Object.fromEntries(Object.entries(settings.vars).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(flow.vars?.[key])))
  const http = mocksOf(turns)
  const steps: ScenarioStep[] = turns.flatMap((turn) => [...(turn.action !== undefined ? [turn.action] : []), { expect: expectationOf(turn) }])
  return {
    name: name.trim() === '' ? 'a simulated call' : name.trim(),
    at: settings.clock,
    ...(Object.keys(call).length > 0 ? { call } : {}),
    ...(Object.keys(vars).length > 0 ? { vars } : {}),
    ...(Object.keys(http).length > 0 ? { mocks: { http } } : {}),
    steps,
  }
}

/**
 * A name for a test of this call: its actions, briefly, and where it ended up.
 *
 * @example defaultScenarioName(turns) // 'press 2 123456, dial busy → support-queue'
 */
export function defaultScenarioName(turns: readonly Turn[]): string {
  const parts: string[] = []
  for (const action of turns.flatMap((t) => (t.action !== undefined ? [t.action] : []))) {
    if ('press' in action && parts.at(-1)?.startsWith('press ') === true) parts[parts.length - 1] += ` ${String(action.press) || '#'}`
    else parts.push(shortLabel(action))
  }
  const end = turns.at(-1)?.node ?? ''
  return parts.length > 0 ? `${parts.join(', ')} → ${end}` : `a call that goes to ${end}`
}

function shortLabel(action: CallerAction): string {
  if ('press' in action) return `press ${String(action.press) || '#'}`
  if ('speak' in action) return `say "${action.speak}"`
  if ('noInput' in action) return 'silence'
  if ('dial' in action) return `dial ${action.dial}`
  if ('queue' in action) return `queue ${action.queue}`
  if ('record' in action) return action.record === 'empty' ? 'empty recording' : 'recording'
  return 'hang up'
}

/** Where the call went and what was heard after one turn. */
function expectationOf(turn: Turn): Expectation {
  const prompt = promptOf(turn.heard)
  return { node: turn.node, ...(prompt !== undefined ? { prompt } : {}), ...(turn.status === 'ended' ? { hangup: true } : {}) }
}

/**
 * Text the test checks for in what was heard: all of it, or its start cut at a word when
 * long. The runner matches `expect.prompt` as a substring, so any piece of the heard text
 * passes; the one case to avoid is text that reads as a `/regex/`.
 */
export function promptOf(heard: readonly string[]): string | undefined {
  let text = heard.join(' ')
  if (text.length > PROMPT_CHARS) {
    const cut = text.lastIndexOf(' ', PROMPT_CHARS)
    text = text.slice(0, cut > PROMPT_CHARS / 2 ? cut : PROMPT_CHARS)
  }
  // Dropping leading slashes keeps a substring that can no longer read as /regex/.
  text = text.replace(/^\/+/, '').trim()
  return text === '' ? undefined : text
}

/** The designer's answers by http node: one mock, or a list when successive requests got different answers. */
function mocksOf(turns: readonly Turn[]): Record<string, HttpMock | HttpMock[]> {
  const byNode = new Map<string, HttpMock[]>()
  for (const { request, answer } of turns.flatMap((t) => t.requests)) byNode.set(request.node, [...(byNode.get(request.node) ?? []), answer])
  return Object.fromEntries([...byNode].map(([node, answers]) => {
    const same = answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))
    return [node, same ? answers[0]! : answers]
  }))
}

/**
 * A test file holding the scenarios, formatted like the hand-written ones: each `expect`,
 * recording, caller fields and mock on one line.
 *
 * @example testFileYaml('support', [scenario]) // 'flow: support\ntests:\n  - name: …'
 */
export function testFileYaml(flowId: string, scenarios: readonly Scenario[]): string {
  const data: TestFile = { flow: flowId, tests: [...scenarios] }
  const doc = new Document(data, { aliasDuplicateObjects: false })
  scenarios.forEach((scenario, i) => {
    const flowStyle = (path: (string | number)[]) => {
      const node = doc.getIn(['tests', i, ...path], true)
      if (isMap(node)) node.flow = true
    }
    if (scenario.call !== undefined) flowStyle(['call'])
    if (scenario.vars !== undefined && JSON.stringify(scenario.vars).length <= PROMPT_CHARS) flowStyle(['vars'])
    for (const [node, mock] of Object.entries(scenario.mocks?.http ?? {})) {
      if (Array.isArray(mock)) mock.forEach((_, j) => flowStyle(['mocks', 'http', node, j]))
      else flowStyle(['mocks', 'http', node])
    }
    scenario.steps.forEach((s, j) => {
      if ('expect' in s) flowStyle(['steps', j, 'expect'])
      if ('record' in s) flowStyle(['steps', j, 'record'])
    })
  })
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true })
}

/**
 * The scenario as an item to paste under `tests:` of an existing `<flow>.test.yaml` (indented
 * as the examples are).
 *
 * @example scenarioYaml(scenario) // '  - name: sales\n    at: …'
 */
export function scenarioYaml(scenario: Scenario): string {
  const file = testFileYaml('x', [scenario])
  return file.slice(file.indexOf('tests:\n') + 'tests:\n'.length)
}
