import { z } from 'zod'
import { FlowSchema } from './flow.ts'

/**
 * The flow format as JSON Schema (draft 2020-12), for YAML editors: completion, hover docs and
 * validation as you type. Input types are used, so keys with defaults are optional.
 *
 * @example writeFileSync('flows/flow.schema.json', JSON.stringify(flowJsonSchema(), null, 2))
 */
export function flowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(FlowSchema, { io: 'input', unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as Record<string, unknown>
  return {
    ...schema,
    $id: 'https://phonetree.dev/schema/flow.schema.json',
    title: 'Phonetree flow',
    description: 'An IVR flow: nodes (say, menu, input, branch, hours, set, http, dial, record, enqueue, hangup, redirect) joined by edges. See docs/flow-format.md.',
  }
}
