import { z } from 'zod'
import { FLOW_ID } from '../schema/flow.ts'

/**
 * The flow test format (`flows/<id>.test.yaml`, FLOW-FORMAT.md §2) as one zod schema: steps
 * that act like a caller or the network, and expectations about where the call is and what
 * was heard.
 */

const DIAL_STATUSES = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const

export const HttpMockSchema = z.union([
  z.strictObject({ status: z.number().int().min(100).max(599), body: z.unknown().optional() }),
  z.strictObject({ error: z.string().describe('the request fails: timeout, reset, malformed JSON, …') }),
]).meta({ id: 'HttpMock' })

const pathOrRegex = z.string().describe('a substring, or /regex/ (flags allowed after the last slash)')

export const ExpectSchema = z.strictObject({
  node: z.string().optional().describe('where the call now waits'),
  prompt: pathOrRegex.optional().describe('in everything said or played in the last answer'),
  dial: z.union([z.string(), z.array(z.string())]).optional().describe('the number (or numbers) dialled'),
  hangup: z.boolean().optional().describe('true: the call has ended; false: it goes on'),
  vars: z.record(z.string(), z.unknown()).optional().describe('a subset of the call\'s variables'),
  queue: z.string().optional().describe('the queue the caller waits in'),
  record: z.boolean().optional().describe('true: the call is recording'),
}).meta({ id: 'Expect' })

export const StepSchema = z.union([
  z.strictObject({ expect: ExpectSchema }),
  z.strictObject({ press: z.union([z.string().regex(/^[0-9*#]*$/, 'keys 0-9, * and #'), z.number().int().min(0)]) }),
  z.strictObject({ speak: z.string() }),
  z.strictObject({ noInput: z.literal(true) }),
  z.strictObject({ dial: z.enum(DIAL_STATUSES) }),
  z.strictObject({ record: z.union([z.strictObject({ url: z.string(), duration: z.number().min(0).optional(), transcript: z.string().optional() }), z.literal('empty')]) }),
  z.strictObject({ queue: z.string().describe('how the caller left the queue: bridged, hangup, leave, …') }),
  z.strictObject({ hangup: z.literal(true) }),
]).meta({ id: 'Step' })

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date and time, e.g. 2026-11-23T10:00:00-06:00').optional()
    .describe('the clock for hours nodes (default: Wednesday 2026-11-25 12:00 UTC)'),
  call: z.record(z.string(), z.string()).optional().describe('webhook fields: from, to, answeredBy, direction, FromCity, …'),
  vars: z.record(z.string(), z.unknown()).optional().describe('starting variables, as an outbound call passes them'),
  mocks: z.strictObject({
    http: z.record(z.string(), z.union([HttpMockSchema, z.array(HttpMockSchema).min(1)])).optional()
      .describe('answers for http nodes, by node id; a list answers successive requests (the last repeats)'),
  }).optional(),
  steps: z.array(StepSchema).min(1),
}).meta({ id: 'Scenario' })

export const TestFileSchema = z.strictObject({
  flow: z.string().regex(FLOW_ID, 'a flow id; the flow is <flow>.yaml in the same folder'),
  tests: z.array(ScenarioSchema).min(1),
})

export type TestFile = z.output<typeof TestFileSchema>
export type Scenario = z.output<typeof ScenarioSchema>
export type ScenarioStep = z.output<typeof StepSchema>
export type Expectation = z.output<typeof ExpectSchema>
export type HttpMock = z.output<typeof HttpMockSchema>

/** The clock when a test names none: a weekday at noon UTC. */
export const DEFAULT_TEST_CLOCK = '2026-11-25T12:00:00Z'
