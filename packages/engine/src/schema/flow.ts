import { z } from 'zod'

/**
 * The flow format as one zod schema: the single source of TypeScript types, run-time
 * validation, the JSON Schema that YAML editors use, and (later) the editor's forms.
 * Field names are fixed by FLOW-FORMAT.md; defaults are applied here so that later stages
 * never have to repeat them.
 */

export const FLOW_ID = /^[a-z0-9][a-z0-9-]*$/
export const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const nodeId = z.string().regex(NODE_ID, 'a node id: letters, digits, "-" and "_"').meta({ id: 'NodeId', description: 'the id of a node in this flow' })
const varName = z.string().regex(VAR_NAME, 'a variable name: letters, digits and "_"')
/** A Liquid-style template such as `Hello {{ vars.name | default: "there" }}`. */
const template = z.string().meta({ id: 'Template', description: 'text with {{ path | filter }} placeholders' })
const seconds = (min: number, max: number, dflt: number) => z.number().int().min(min).max(max).default(dflt)

// Prompts ---------------------------------------------------------------------------------

export const SayPartSchema = z.strictObject({
  say: template.describe('text to speak'),
  voice: z.string().optional(),
  language: z.string().optional(),
})
export const DigitsPartSchema = z.strictObject({
  digits: template.describe('spoken one character at a time, e.g. a code or a number'),
})
export const PausePartSchema = z.strictObject({
  pause: z.number().int().min(1).max(60).describe('seconds of silence'),
})
export const PlayPartSchema = z.strictObject({
  play: template.describe('an audio URL, or a path relative to flows/audio/'),
  loop: z.number().int().min(1).max(10).optional(),
})
export const PromptPartSchema = z.union([SayPartSchema, DigitsPartSchema, PausePartSchema, PlayPartSchema]).meta({ id: 'PromptPart' })

/** Spoken text, or a list of parts (say, digits, pause, play) played in order. */
export const PromptSchema = z.union([template, z.array(PromptPartSchema).min(1)]).meta({ id: 'Prompt', description: 'spoken text, or a list of parts: say, digits, pause, play' })

/** Count-indexed prompts for no-input and no-match: one prompt, or a list (the last repeats). */
export const EventPromptsSchema = z.union([template, z.array(z.union([template, PromptPartSchema, z.array(PromptPartSchema).min(1)])).min(1)])
  .meta({ id: 'EventPrompts', description: 'one prompt, or a list chosen by count (the last repeats)' })

// Conditions ------------------------------------------------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const COMPARISONS = ['equals', 'notEquals', 'in', 'startsWith', 'matches', 'greaterThan', 'lessThan', 'exists'] as const

export const ComparisonSchema = z.strictObject({
  var: z.string().describe('a path: call.from, vars.customer.tier, input.digits, …'),
  equals: scalar.optional(),
  notEquals: scalar.optional(),
  in: z.array(scalar).optional(),
  startsWith: z.string().optional(),
  matches: z.string().optional().describe('a regular expression'),
  greaterThan: z.number().optional(),
  lessThan: z.number().optional(),
  exists: z.boolean().optional(),
})
  .refine((c) => COMPARISONS.filter((k) => c[k] !== undefined).length === 1, {
    message: `give exactly one of ${COMPARISONS.join(', ')}`,
  })
  .meta({ id: 'Comparison' })

export type Comparison = z.infer<typeof ComparisonSchema>
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition }

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    ComparisonSchema,
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
  ]).meta({ id: 'Condition', description: '{ var, equals|notEquals|in|startsWith|matches|greaterThan|lessThan|exists }, or all/any/not' }),
)

// Nodes -----------------------------------------------------------------------------------

const common = {
  description: z.string().optional().describe('a note for designers; never spoken'),
  voice: z.string().optional().describe('overrides the flow voice for this node'),
  language: z.string().optional().describe('overrides the flow language for this node'),
}

/** Retry fields shared by `menu` and `input` (reference/menu-semantics.md). */
const attempts = {
  prompt: PromptSchema,
  reprompt: PromptSchema.optional().describe('a shorter prompt for attempts after the first'),
  noInput: EventPromptsSchema.optional().describe('said when the caller is silent; count-indexed'),
  noMatch: EventPromptsSchema.optional().describe('said when the input matches nothing; count-indexed'),
  maxNoInput: z.number().int().min(1).max(10).default(3),
  maxNoMatch: z.number().int().min(1).max(10).default(3),
  maxAttempts: z.number().int().min(1).max(20).optional().describe('no-input and no-match together'),
  timeout: seconds(1, 60, 5).describe('seconds of silence before a no-input'),
  onFailure: nodeId.optional().describe('where both counters lead when exhausted'),
  onNoInput: nodeId.optional(),
  onNoMatch: nodeId.optional(),
}

export const ChoiceSchema = z.union([
  nodeId,
  z.strictObject({
    goto: nodeId,
    words: z.array(z.string().min(1)).min(1).optional().describe('what a caller may say instead of pressing'),
  }),
])

export const SayNodeSchema = z.strictObject({
  type: z.literal('say'),
  ...common,
  prompt: PromptSchema,
  repeat: z.number().int().min(1).max(10).default(1),
  next: nodeId,
}).meta({ id: 'SayNode' })

export const MenuNodeSchema = z.strictObject({
  type: z.literal('menu'),
  ...common,
  ...attempts,
  choices: z.record(z.string(), ChoiceSchema).describe('keypad keys to node ids'),
  input: z.enum(['dtmf', 'speech', 'dtmf speech']).default('dtmf'),
  hints: z.string().optional().describe('speech hints: words and phrases, comma separated'),
  speechTimeout: z.union([z.literal('auto'), z.number().int().min(1).max(60)]).optional(),
}).meta({ id: 'MenuNode' })

export const InputNodeSchema = z.strictObject({
  type: z.literal('input'),
  ...common,
  ...attempts,
  saveAs: varName,
  minDigits: z.number().int().min(1).max(64).default(1),
  maxDigits: z.number().int().min(1).max(64).default(20),
  finishOnKey: z.enum(['#', '*', '']).default('#'),
  pattern: z.string().optional().describe('a regular expression the whole entry must match'),
  next: nodeId,
}).meta({ id: 'InputNode' })

export const BranchNodeSchema = z.strictObject({
  type: z.literal('branch'),
  ...common,
  cases: z.array(z.strictObject({ when: ConditionSchema, goto: nodeId })).min(1),
  else: nodeId,
}).meta({ id: 'BranchNode' })

export const HoursNodeSchema = z.strictObject({
  type: z.literal('hours'),
  ...common,
  timezone: z.string().describe('an IANA zone such as America/Chicago'),
  hours: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
    .describe('day ("mon"), range ("mon-fri") or list ("sat,sun") to "HH:MM-HH:MM" or a list of them'),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')).default([]),
  open: nodeId,
  closed: nodeId,
}).meta({ id: 'HoursNode' })

export const SetNodeSchema = z.strictObject({
  type: z.literal('set'),
  ...common,
  vars: z.record(varName, z.union([template, z.number(), z.boolean()])),
  next: nodeId,
}).meta({ id: 'SetNode' })

export const HttpNodeSchema = z.strictObject({
  type: z.literal('http'),
  ...common,
  url: template,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), template).optional(),
  body: z.union([template, z.record(z.string(), z.unknown())]).optional()
    .describe('text, or a mapping sent as JSON (templates allowed in its strings)'),
  timeout: seconds(1, 10, 5),
  saveAs: varName.optional().describe('the parsed JSON body goes to vars.<saveAs>'),
  next: nodeId,
  onError: nodeId.optional().describe('non-2xx, timeout, network error or bad JSON'),
}).meta({ id: 'HttpNode' })

export const DialNodeSchema = z.strictObject({
  type: z.literal('dial'),
  ...common,
  prompt: PromptSchema.optional(),
  number: z.union([template, z.array(template).min(1).max(10)]),
  callerId: template.optional(),
  timeout: seconds(5, 600, 30),
  timeLimit: z.number().int().min(1).max(14400).optional(),
  record: z.boolean().default(false),
  next: nodeId.describe('the dialled call was answered and has ended'),
  onNoAnswer: nodeId.optional().describe('busy, no-answer, failed or canceled (default: next)'),
}).meta({ id: 'DialNode' })

export const RecordNodeSchema = z.strictObject({
  type: z.literal('record'),
  ...common,
  prompt: PromptSchema.optional(),
  maxLength: z.number().int().min(1).max(14400).default(120),
  timeout: seconds(1, 60, 5).describe('seconds of silence that end the recording'),
  finishOnKey: z.string().regex(/^[0-9*#]*$/).default('1234567890*#'),
  playBeep: z.boolean().default(true),
  transcribe: z.boolean().default(false),
  saveAs: varName.optional().describe('vars.<saveAs>.url, .duration, .transcript'),
  next: nodeId,
}).meta({ id: 'RecordNode' })

export const EnqueueNodeSchema = z.strictObject({
  type: z.literal('enqueue'),
  ...common,
  prompt: PromptSchema.optional(),
  queue: template,
  waitUrl: z.string().optional(),
  next: nodeId.describe('after the caller leaves the queue'),
}).meta({ id: 'EnqueueNode' })

export const HangupNodeSchema = z.strictObject({
  type: z.literal('hangup'),
  ...common,
  prompt: PromptSchema.optional(),
}).meta({ id: 'HangupNode' })

export const RedirectNodeSchema = z.strictObject({
  type: z.literal('redirect'),
  ...common,
  prompt: PromptSchema.optional(),
  url: template,
  method: z.enum(['GET', 'POST']).default('POST'),
}).meta({ id: 'RedirectNode' })

export const NODE_SCHEMAS = {
  say: SayNodeSchema,
  menu: MenuNodeSchema,
  input: InputNodeSchema,
  branch: BranchNodeSchema,
  hours: HoursNodeSchema,
  set: SetNodeSchema,
  http: HttpNodeSchema,
  dial: DialNodeSchema,
  record: RecordNodeSchema,
  enqueue: EnqueueNodeSchema,
  hangup: HangupNodeSchema,
  redirect: RedirectNodeSchema,
} as const

export type NodeType = keyof typeof NODE_SCHEMAS
export const NODE_TYPES = Object.keys(NODE_SCHEMAS) as NodeType[]

export const NodeSchema = z.discriminatedUnion('type', [
  SayNodeSchema, MenuNodeSchema, InputNodeSchema, BranchNodeSchema, HoursNodeSchema, SetNodeSchema,
  HttpNodeSchema, DialNodeSchema, RecordNodeSchema, EnqueueNodeSchema, HangupNodeSchema, RedirectNodeSchema,
])

export const FlowSchema = z.strictObject({
  flow: z.string().regex(FLOW_ID, 'a flow id: lower-case letters, digits and "-"; the file name without .yaml'),
  title: z.string().optional(),
  description: z.string().optional(),
  voice: z.string().optional().describe('default <Say> voice, e.g. Polly.Joanna'),
  language: z.string().optional().describe('default language, e.g. en-US'),
  vars: z.record(varName, z.unknown()).optional()
    .describe('variables every call starts with; an outbound call may override them'),
  start: nodeId,
  onError: nodeId.optional().describe('entered when something fails at run time'),
  nodes: z.record(nodeId, NodeSchema),
})

export type Flow = z.output<typeof FlowSchema>
export type FlowInput = z.input<typeof FlowSchema>
export type FlowNode = z.output<typeof NodeSchema>
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>
export type Prompt = z.output<typeof PromptSchema>
export type PromptPart = z.output<typeof PromptPartSchema>
export type EventPrompts = z.output<typeof EventPromptsSchema>
export type Choice = z.output<typeof ChoiceSchema>

/** Nodes that wait for the caller or the network and so end a webhook's macrostep. */
export const RESTING_TYPES: ReadonlySet<NodeType> = new Set(['menu', 'input', 'dial', 'record', 'enqueue', 'http'])
/** Nodes that answer a new webhook from Twilio when they rest (so they break loops). */
export const CALLER_INPUT_TYPES: ReadonlySet<NodeType> = new Set(['menu', 'input', 'dial', 'record', 'enqueue'])
/** Nodes that end the call. */
export const FINAL_TYPES: ReadonlySet<NodeType> = new Set(['hangup', 'redirect'])
