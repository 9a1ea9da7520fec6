// `npm run schema`: writes flows/flow.schema.json from the zod schema, for YAML editors.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { flowJsonSchema } from '../src/schema/json-schema.ts'

const target = fileURLToPath(new URL('../../../flows/flow.schema.json', import.meta.url))
writeFileSync(target, `${JSON.stringify(flowJsonSchema(), null, 2)}\n`)
console.log(`wrote ${target}`)
