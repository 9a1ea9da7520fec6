import { ChoiceSchema, EventPromptsSchema, FlowSchema, NODE_ID, NODE_SCHEMAS, PromptSchema } from '@phonetree/engine'
import type { NodeType } from '@phonetree/engine'

/**
 * Inspector forms are generated from the engine's zod schemas (the one schema of the flow
 * format), by walking each node schema's `shape`. This module turns a schema into field
 * descriptions; the inspector picks an editor per `kind`.
 */

export type FieldKind =
  | 'text' | 'longText' | 'target' | 'number' | 'boolean' | 'enum' | 'literalOrNumber'
  | 'prompt' | 'eventPrompts' | 'choices' | 'cases' | 'hours' | 'list' | 'textOrList'
  | 'keyValue' | 'body' | 'yaml'

/** The kinds of value a key/value row may hold. */
export type ValueType = 'text' | 'number' | 'boolean' | 'yaml'

export interface FieldSpec {
  name: string
  kind: FieldKind
  /** False for optional fields and fields with a default: they can be unset. */
  required: boolean
  /** The value the engine uses when the field is unset. */
  defaultValue?: unknown
  description?: string
  min?: number
  max?: number
  integer?: boolean
  /** Enum values, or the literal choices of `literalOrNumber` ('auto'). */
  options?: readonly string[]
  /** For `keyValue`: the kinds of value a row may hold. */
  valueTypes?: readonly ValueType[]
  /** For `list`: a pattern items must match (dates). */
  itemPattern?: RegExp
  /** For `list` and `textOrList`: at most this many items. */
  maxItems?: number
  /** Where the inspector shows it: essentials, connections, or "more". */
  group: 'main' | 'edges' | 'more'
}

/** The parts of a zod 4 schema this walk reads (zod's own types are not needed at run time). */
interface SchemaLike {
  def: {
    type: string
    innerType?: SchemaLike
    defaultValue?: unknown
    options?: SchemaLike[]
    valueType?: SchemaLike
    element?: SchemaLike
    entries?: Record<string, string | number>
    values?: unknown[]
    shape?: Record<string, SchemaLike>
    checks?: { _zod: { def: { check: string; pattern?: RegExp; minimum?: number; maximum?: number } } }[]
  }
  description?: string
  minValue?: number | null
  maxValue?: number | null
  isInt?: boolean
}

/** Node fields every type shares; shown under "More". */
const COMMON = new Set(['description', 'voice', 'language'])
/** Fields written as several lines of text. */
const LONG_TEXT = new Set(['description'])

function patternOf(schema: SchemaLike): RegExp | undefined {
  return schema.def.checks?.map((c) => c._zod.def.pattern).find((p) => p !== undefined)
}

function lengthCheck(schema: SchemaLike, check: 'max_length'): number | undefined {
  const found = schema.def.checks?.find((c) => c._zod.def.check === check)
  return found?._zod.def.maximum
}

const isString = (s: SchemaLike | undefined) => s?.def.type === 'string'
const isStringList = (s: SchemaLike | undefined) => s?.def.type === 'array' && isString(s.def.element)
const finite = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined)

/**
 * Describes one field of a schema.
 *
 * @example describeField('timeout', DialNodeSchema.shape.timeout) // { kind: 'number', min: 5, max: 600, defaultValue: 30, … }
 */
export function describeField(name: string, field: SchemaLike): FieldSpec | undefined {
  let schema = field
  let required = true
  let defaultValue: unknown
  let description = field.description
  while (schema.def.type === 'optional' || schema.def.type === 'default') {
    required = false
    if (schema.def.type === 'default') defaultValue = schema.def.defaultValue
    schema = schema.def.innerType!
    description ??= schema.description
  }
  const base = { name, required, group: COMMON.has(name) ? 'more' : 'main', ...(defaultValue !== undefined ? { defaultValue } : {}), ...(description !== undefined ? { description } : {}) } as const
  const spec = (kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({ ...base, kind, ...extra })

  if ((schema as unknown) === PromptSchema) return spec('prompt')
  if ((schema as unknown) === EventPromptsSchema) return spec('eventPrompts')
  const { def } = schema
  switch (def.type) {
    case 'literal':
      return undefined // `type`: fixed by the node's kind
    case 'string':
      return patternOf(schema)?.source === NODE_ID.source ? spec('target', { group: 'edges' }) : spec(LONG_TEXT.has(name) ? 'longText' : 'text')
    case 'number':
      return spec('number', {
        ...(finite(schema.minValue) !== undefined ? { min: finite(schema.minValue)! } : {}),
        ...(finite(schema.maxValue) !== undefined ? { max: finite(schema.maxValue)! } : {}),
        integer: schema.isInt === true,
      })
    case 'boolean':
      return spec('boolean')
    case 'enum':
      return spec('enum', { options: Object.values(def.entries ?? {}).map(String) })
    case 'union': {
      const options = def.options ?? []
      const literals = options.filter((o) => o.def.type === 'literal').flatMap((o) => (o.def.values ?? []).map(String))
      const number = options.find((o) => o.def.type === 'number')
      if (literals.length > 0 && number !== undefined && literals.length + 1 === options.length) {
        return spec('literalOrNumber', { options: literals, ...(finite(number.minValue) !== undefined ? { min: finite(number.minValue)! } : {}), ...(finite(number.maxValue) !== undefined ? { max: finite(number.maxValue)! } : {}) })
      }
      if (options.length === 2 && isString(options[0]) && isStringList(options[1])) {
        const max = lengthCheck(options[1]!, 'max_length')
        return spec('textOrList', max !== undefined ? { maxItems: max } : {})
      }
      if (options.length === 2 && isString(options[0]) && options[1]!.def.type === 'record') return spec('body')
      return spec('yaml')
    }
    case 'record': {
      const value = def.valueType
      if ((value as unknown) === ChoiceSchema) return spec('choices')
      if (value === undefined) return spec('yaml')
      if (value.def.type === 'string') return spec('keyValue', { valueTypes: ['text'] })
      if (value.def.type === 'union' && isString(value.def.options?.[0]) && isStringList(value.def.options?.[1])) return spec('hours')
      if (value.def.type === 'union' && (value.def.options ?? []).every((o) => ['string', 'number', 'boolean'].includes(o.def.type))) {
        return spec('keyValue', { valueTypes: (value.def.options ?? []).map((o) => (o.def.type === 'string' ? 'text' : o.def.type) as ValueType) })
      }
      if (value.def.type === 'unknown') return spec('keyValue', { valueTypes: ['text', 'number', 'boolean', 'yaml'] })
      return spec('yaml')
    }
    case 'array': {
      const element = def.element
      if (element?.def.type === 'object' && element.def.shape?.when !== undefined && element.def.shape.goto !== undefined) return spec('cases')
      if (isString(element)) {
        const pattern = patternOf(element!)
        return spec('list', pattern !== undefined ? { itemPattern: pattern } : {})
      }
      return spec('yaml')
    }
    default:
      return spec('yaml')
  }
}

function fieldsOf(shape: Record<string, SchemaLike>, skip: ReadonlySet<string>): FieldSpec[] {
  const fields = Object.entries(shape).filter(([name]) => !skip.has(name)).map(([name, s]) => describeField(name, s)).filter((f) => f !== undefined)
  // Essentials first, then connections, then the notes every node has: the order a designer reads.
  const rank = { main: 0, edges: 1, more: 2 } as const
  return fields.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.group] - rank[b.f.group] || a.i - b.i).map(({ f }) => f)
}

const nodeCache = new Map<NodeType, FieldSpec[]>()

/**
 * The inspector fields of a node type, from `NODE_SCHEMAS[type].shape`.
 *
 * @example nodeFields('hours').map((f) => f.kind) // ['text', 'hours', 'list', 'target', 'target', 'longText', 'text', 'text']
 */
export function nodeFields(type: NodeType): FieldSpec[] {
  let fields = nodeCache.get(type)
  if (fields === undefined) {
    fields = fieldsOf(NODE_SCHEMAS[type].shape as unknown as Record<string, SchemaLike>, new Set(['type']))
    nodeCache.set(type, fields)
  }
  return fields
}

let flowCache: FieldSpec[] | undefined

/** The flow-level fields (title, voice, start, vars, …); `flow` (the file name) and `nodes` are not form fields. */
export function flowFields(): FieldSpec[] {
  flowCache ??= fieldsOf(FlowSchema.shape as unknown as Record<string, SchemaLike>, new Set(['flow', 'nodes'])).map((f) => (f.name === 'description' ? { ...f, group: 'main' as const } : f))
  return flowCache
}
