import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileFlow, formatProblem, loadFlow, loadTests, runScenario } from '@phonetree/engine'
import type { LoadedFlow, ScenarioResult } from '@phonetree/engine'
import { convertStudioFlow, readStudioFlow, studioFlowYaml } from '../../packages/engine/src/studio/index.ts'
import type { StudioConversion } from '../../packages/engine/src/studio/index.ts'

// Studio flows written from Studio's documented format (fixtures/*.json), converted and then
// run with flow tests (fixtures/*.scenarios.yaml) that walk each flow the way the Studio flow
// behaves: the converted flow must validate and behave the same.

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url)

function convert(name: string): { conversion: StudioConversion; text: string; loaded: LoadedFlow } {
  const read = readStudioFlow(JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')))
  if (!read.ok) throw new Error(read.reason)
  const conversion = convertStudioFlow(read.source, { fileName: `${name}.json` })
  const text = studioFlowYaml(conversion, { schema: './flow.schema.json' })
  return { conversion, text, loaded: loadFlow(text, `flows/${conversion.id}.yaml`) }
}

async function runScenarios(name: string, loaded: LoadedFlow): Promise<ScenarioResult[]> {
  const tests = loadTests(readFileSync(fixture(`${name}.scenarios.yaml`), 'utf8'), `${name}.scenarios.yaml`)
  expect(tests.problems.map(formatProblem)).toEqual([])
  expect(tests.tests!.flow).toBe(loaded.flow!.flow)
  const compiled = compileFlow(loaded)
  return Promise.all(tests.tests!.tests.map((scenario) => runScenario(compiled, scenario)))
}

function describeFailures(results: ScenarioResult[]): string[] {
  return results.filter((r) => !r.ok).map((r) => `${r.name}: step ${r.failure!.step} ${r.failure!.label}: expected ${r.failure!.expected}, ${r.failure!.actual} (at ${r.failure!.node}, heard "${r.failure!.heard.join(' ')}")`)
}

interface Case {
  name: string
  id: string
  /** Each expected conversion warning: the widget and a phrase of the message. */
  warnings: Array<[widget: string, phrase: RegExp]>
  /** Validator warnings the converted flow may have (codes). */
  validatorWarnings?: string[]
  /** What the converted flow must contain, as a subset. */
  contains?: Record<string, unknown>
}

const CASES: Case[] = [
  {
    name: 'ivr-tutorial',
    id: 'ivr-tutorial',
    warnings: [
      ['gather_1', /the timeout goes back to "gather_1" without a counter/],
      ['gather_1', /a wrong answer goes back to "gather_1" without a counter/],
    ],
    contains: {
      voice: 'Polly.Joanna',
      nodes: {
        gather_1: {
          type: 'menu',
          choices: { 1: { goto: 'connect_call_sales', words: ['sales'] }, 2: { goto: 'connect_call_support', words: ['support'] } },
          input: 'dtmf speech',
          maxNoInput: 1,
          onNoInput: 'gather_1',
          onNoMatch: 'say_invalid',
        },
      },
    },
  },
  {
    name: 'pharmacy',
    id: 'riverside-pharmacy',
    warnings: [
      ['main_menu', /timeout goes back/],
      ['main_menu', /wrong answer goes back/],
    ],
    contains: {
      nodes: {
        main_menu: { type: 'menu', choices: { 0: 'connect_pharmacist', 1: 'refill_number', 2: 'refill_number', 3: 'say_hours', '*': 'connect_pharmacist' }, timeout: 6 },
        refill_number: { type: 'input', saveAs: 'refill_number', next: 'split_rx', onFailure: 'main_menu' },
        split_rx: { type: 'branch', cases: [{ when: { var: 'vars.refill_number', matches: '^9\\d{6}$' } }, { when: { var: 'vars.refill_number', matches: '^\\d{7}$' } }], else: 'say_rx_invalid' },
        say_hours: { type: 'say', repeat: 2 },
      },
    },
  },
  {
    name: 'speech-bank',
    id: 'harbor-bank-voice-assistant',
    warnings: [
      ['ask_intent', /wrong answer goes back to "ask_intent" without a counter/],
      ['enqueue_agent', /failedToEnqueue transition leads to "say_busy"/],
    ],
    validatorWarnings: ['UNREACHABLE_NODE'],
    contains: {
      nodes: {
        ask_intent: {
          type: 'menu',
          input: 'speech',
          hints: 'balance, agent, goodbye',
          choices: { 1: { goto: 'say_balance', words: ['balance', 'how much', 'money'] }, 2: { goto: 'enqueue_agent', words: ['agent'] }, 3: { goto: 'say_goodbye', words: ['goodbye'] } },
        },
      },
    },
  },
  {
    name: 'http-lookup',
    id: 'acme-support-lookup',
    warnings: [],
    contains: {
      nodes: {
        lookup: { type: 'http', method: 'GET', url: 'https://crm.example.com/customers?account={{vars.gather_account | url_encode}}&phone={{call.from | url_encode}}', saveAs: 'lookup', next: 'split_tier', onError: 'say_lookup_failed' },
        log_call: { type: 'http', method: 'POST', body: { caller: '{{call.from}}', account: '{{vars.gather_account}}', tier: '{{vars.lookup.tier}}' } },
        connect_priority: { type: 'dial', number: ['+15551230001', '+15551230002'], callerId: '{{call.from}}' },
        enqueue_standard: { type: 'enqueue', queue: '{{vars.queue}}' },
      },
    },
  },
  {
    name: 'retry-counter',
    id: 'survey-with-retries',
    warnings: [],
    contains: {
      nodes: {
        ask_rating: {
          type: 'menu',
          description: 'Studio widgets ask_rating, split_rating, count_attempt, check_attempts, say_try_again',
          noInput: "Let's try that again.",
          noMatch: "Let's try that again.",
          maxAttempts: 3,
          onFailure: 'say_goodbye',
        },
      },
    },
  },
  {
    name: 'sales-busy',
    id: 'sales-line-with-voicemail',
    warnings: [],
    contains: {
      nodes: {
        connect_sales: { type: 'dial', record: true, timeout: 20, next: 'say_thanks', onNoAnswer: 'say_voicemail' },
        record_voicemail_1: { type: 'record', transcribe: true, maxLength: 120, saveAs: 'record_voicemail_1', next: 'record_voicemail_1-heard' },
        'record_voicemail_1-heard': { type: 'branch', else: 'say_no_message' },
        post_message: { type: 'http', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      },
    },
  },
  {
    name: 'unsupported',
    id: 'clinic-line-needs-work',
    warnings: [
      ['Trigger', /incomingMessage transition .* is not converted/],
      ['check_time', /not converted: condition type is_after_time has no equivalent/],
      ['function_lookup', /not converted: runs a Twilio Function/],
      ['say_result', /reads \{\{widgets\.function_lookup\.parsed\.when\}\}, which has no equivalent/],
      ['say_result', /titlecase/],
      ['say_closed', /DTMF tones "1234"/],
      ['send_sms_receipt', /not converted: sends an SMS/],
    ],
    validatorWarnings: ['UNREACHABLE_NODE', 'UNSET_VARIABLE'],
    contains: {
      onError: 'sorry',
      nodes: {
        check_time: { type: 'set', vars: {}, next: 'sorry' },
        function_lookup: { type: 'set', vars: {}, next: 'sorry' },
        send_sms_receipt: { type: 'set', vars: {}, next: 'sorry' },
        sorry: { type: 'hangup' },
      },
    },
  },
  {
    name: 'outbound-reminder',
    id: 'appointment-reminder-call',
    warnings: [
      ['call_patient', /place it with phonetree dial/],
      ['redirect_front_desk', /return transition leads to "say_call_us"/],
    ],
    contains: {
      vars: { appointment: '', patient: '', when: '' },
      start: 'who_answered',
      nodes: {
        who_answered: { type: 'branch', cases: [{ when: { var: 'call.answeredBy' }, goto: 'say_voicemail' }], else: 'ask_confirm' },
        post_confirm: { body: { phone: '{{call.to}}' } },
        redirect_front_desk: { type: 'redirect', url: 'https://frontdesk.example.com/twiml/connect' },
      },
    },
  },
]

describe('Studio flows converted and run', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const { conversion, text, loaded } = convert(c.name)

      it('converts into a valid flow with the expected id and shape', () => {
        expect(conversion.id).toBe(c.id)
        expect(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([])
        expect(loaded.ok).toBe(true)
        expect([...new Set(loaded.problems.map((p) => p.code))].sort()).toEqual([...(c.validatorWarnings ?? [])].sort())
        if (c.contains !== undefined) expect(loaded.flow).toMatchObject(c.contains)
        expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./flow.schema.json')
      })

      it('lists exactly the expected warnings, by widget, in the file and in the result', () => {
        expect(conversion.warnings.map((w) => w.widget)).toEqual(c.warnings.map(([widget]) => widget))
        c.warnings.forEach(([, phrase], i) => expect(conversion.warnings[i]!.message).toMatch(phrase))
        for (const w of conversion.warnings) expect(text).toContain(`#   - ${w.widget} (${w.type}): `)
      })

      it('accounts for every widget: a node, a node that stands for it, or a warning', () => {
        const definition = JSON.parse(readFileSync(fixture(`${c.name}.json`), 'utf8')) as { states: Array<{ name: string; type: string }> }
        const nodes = loaded.flow!.nodes
        const descriptions = Object.values(nodes).map((n) => n.description ?? '').join('\n')
        for (const widget of definition.states) {
          if (widget.type === 'trigger') continue
          const accounted = widget.name in nodes || new RegExp(`\\b${widget.name}\\b`).test(descriptions) || conversion.warnings.some((w) => w.widget === widget.name)
          expect(accounted, `${widget.name} (${widget.type})`).toBe(true)
        }
      })

      it('places every node on the canvas, widgets where Studio had them', () => {
        expect(Object.keys(conversion.layout.nodes).sort()).toEqual(Object.keys(loaded.flow!.nodes).sort())
        const definition = JSON.parse(readFileSync(fixture(`${c.name}.json`), 'utf8')) as { states: Array<{ name: string; properties: { offset?: { x: number; y: number } } }> }
        for (const widget of definition.states) {
          if (widget.name in loaded.flow!.nodes && widget.properties.offset !== undefined) expect(conversion.layout.nodes[widget.name]).toEqual(widget.properties.offset)
        }
      })

      it('behaves as the Studio flow does (scenarios)', async () => {
        const results = await runScenarios(c.name, loaded)
        expect(describeFailures(results)).toEqual([])
        expect(results.length).toBeGreaterThan(0)
      })
    })
  }
})
