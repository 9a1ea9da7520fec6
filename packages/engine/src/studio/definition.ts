import { z } from 'zod'

/**
 * A Twilio Studio flow definition, as Studio's "Export to JSON" and the Studio REST API
 * (`GET /v2/Flows/FW…`, field `definition`) give it: widgets ("states") with a `type`,
 * `properties` and `transitions` naming the next widget for each event.
 */

export interface StudioCondition {
  friendly_name?: string | undefined
  arguments?: string[] | undefined
  /** `equal_to`, `matches_any_of`, `contains`, `regex`, `is_blank`, `greater_than`, … */
  type: string
  value?: string | undefined
}

export interface StudioTransition {
  /** `incomingCall`, `audioComplete`, `keypress`, `speech`, `timeout`, `match`, `noMatch`, `success`, `failed`, … */
  event: string
  /** The next widget's name; absent or null ends the flow (for a call: it hangs up). */
  next?: string | null | undefined
  conditions?: StudioCondition[] | undefined
}

export interface StudioWidget {
  name: string
  type: string
  transitions: StudioTransition[]
  properties: Record<string, unknown>
}

export interface StudioDefinition {
  description?: string | undefined
  initial_state: string
  states: StudioWidget[]
}

/** A definition read from a file, with the flow's name when the file carries one. */
export interface StudioSource {
  definition: StudioDefinition
  /** The REST API's `friendly_name`, else the definition's `description`. */
  name?: string
}

const ConditionSchema = z.object({
  friendly_name: z.string().optional(),
  arguments: z.array(z.string()).optional(),
  type: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
})

const TransitionSchema = z.object({
  event: z.string(),
  next: z.string().nullable().optional(),
  conditions: z.array(ConditionSchema).optional(),
})

const WidgetSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  transitions: z.array(TransitionSchema).default([]),
  properties: z.record(z.string(), z.unknown()).default({}),
})

const DefinitionSchema = z.object({
  description: z.string().optional(),
  initial_state: z.string().min(1),
  states: z.array(WidgetSchema).min(1),
})

/**
 * Reads a Studio flow from parsed JSON: a bare definition (`states`, `initial_state`) or the
 * REST API's flow resource (`friendly_name`, `definition`). Says why when it is neither.
 *
 * @example
 * readStudioFlow(JSON.parse(text))
 * // { ok: true, source: { definition: { initial_state: 'Trigger', states: [...] }, name: 'IVR' } }
 */
export function readStudioFlow(data: unknown): { ok: true; source: StudioSource } | { ok: false; reason: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'a Studio flow is a JSON object with "states" and "initial_state"' }
  const record = data as Record<string, unknown>
  // The REST API wraps the definition; its friendly name is the flow's name in the console.
  const wrapped = typeof record.definition === 'object' && record.definition !== null
  const parsed = DefinitionSchema.safeParse(wrapped ? record.definition : data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue !== undefined && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''
    return { ok: false, reason: `not a Studio flow definition${where}: ${issue?.message ?? 'unexpected shape'} (expected "states" and "initial_state")` }
  }
  const definition = parsed.data as StudioDefinition
  const names = new Set<string>()
  for (const widget of definition.states) {
    if (names.has(widget.name)) return { ok: false, reason: `two widgets are named "${widget.name}"` }
    names.add(widget.name)
  }
  const friendly = wrapped && typeof record.friendly_name === 'string' ? record.friendly_name : undefined
  const name = friendly ?? definition.description
  return { ok: true, source: { definition, ...(name !== undefined && name.trim() !== '' ? { name: name.trim() } : {}) } }
}

/** The first transition of a widget for an event, if it has one. */
export function transitionFor(widget: StudioWidget, event: string): StudioTransition | undefined {
  return widget.transitions.find((t) => t.event === event)
}

/** The widget a transition leads to; undefined when it is not wired (the flow ends there). */
export function nextOf(transition: StudioTransition | undefined): string | undefined {
  const next = transition?.next
  return next === null || next === undefined || next === '' ? undefined : next
}

/** A widget property as text (Studio writes numbers and booleans as either). */
export function textProp(widget: StudioWidget, key: string): string | undefined {
  const value = widget.properties[key]
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** A widget property as a number ("5" and 5 alike); undefined when absent or not numeric. */
export function numberProp(widget: StudioWidget, key: string): number | undefined {
  const value = widget.properties[key]
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** A widget property as a boolean (Studio writes `true` and `"true"` alike). */
export function booleanProp(widget: StudioWidget, key: string): boolean | undefined {
  const value = widget.properties[key]
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}
