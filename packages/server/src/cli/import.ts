import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { convertStudioFlow, FLOW_ID, formatProblem, loadFlow, readStudioFlow, studioFlowYaml } from '@phonetree/engine'
import type { Output } from './validate.ts'

export const IMPORT_USAGE = 'usage: phonetree import studio FLOW.json [--out DIR] [--id FLOW_ID]'

/**
 * `phonetree import studio FLOW.json [--out DIR] [--id ID]`: converts a Twilio Studio flow
 * definition (exported from Studio, or the REST API's flow resource) into `<id>.yaml` and
 * `<id>.layout.json` in the current directory (or DIR), then prints what was not converted
 * or converted with a difference. Exit 0 when it wrote a valid flow, 1 when the file is not a
 * Studio flow, 2 on bad usage.
 *
 * @example await importCommand(['studio', 'ivr.json', '--out', 'flows'], io) // 0: flows/ivr.yaml, flows/ivr.layout.json
 */
export async function importCommand(argv: readonly string[], io: Output, cwd: string = process.cwd()): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${IMPORT_USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const [kind, file, ...extra] = positionals
  if (kind !== 'studio' || file === undefined || extra.length > 0) {
    io.err(kind !== undefined && kind !== 'studio' ? `phonetree import knows Studio flows only ("import studio"), not "${kind}"\n${IMPORT_USAGE}` : IMPORT_USAGE)
    return 2
  }
  if (values.id !== undefined && !FLOW_ID.test(values.id)) {
    io.err(`--id must be a flow id (lower-case letters, digits and "-", starting with a letter or digit), not "${values.id}"`)
    return 2
  }
  const path = resolve(cwd, file)
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const reason = error instanceof SyntaxError ? `it is not JSON (${error.message})` : error instanceof Error ? error.message : String(error)
    io.err(`${file} is not a Studio flow: ${reason}`)
    return 1
  }
  const read = readStudioFlow(data)
  if (!read.ok) {
    io.err(`${file} is not a Studio flow: ${read.reason}`)
    return 1
  }
  const conversion = convertStudioFlow(read.source, { fileName: basename(file), ...(values.id !== undefined ? { id: values.id } : {}) })
  const outDir = resolve(cwd, values.out ?? '.')
  mkdirSync(outDir, { recursive: true })
  const flowFile = join(outDir, `${conversion.id}.yaml`)
  const layoutFile = join(outDir, `${conversion.id}.layout.json`)
  // The editor's schema line only helps where the schema is: beside the flows.
  const schema = existsSync(join(outDir, 'flow.schema.json')) ? './flow.schema.json' : undefined
  const text = studioFlowYaml(conversion, schema !== undefined ? { schema } : {})
  const replaced = existsSync(flowFile)
  writeFileSync(flowFile, text)
  writeFileSync(layoutFile, `${JSON.stringify(conversion.layout, null, 2)}\n`)
  // Paths as the user would type them: relative below the current directory, else absolute.
  const shown = (p: string) => {
    const rel = relative(cwd, p)
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? p : rel
  }
  const loaded = loadFlow(text, flowFile)
  const nodes = Object.keys(conversion.flow.nodes).length
  const widgets = read.source.definition.states.length
  io.out(`${replaced ? 'replaced' : 'wrote'} ${shown(flowFile)} and ${shown(layoutFile)}: ${nodes} node${nodes === 1 ? '' : 's'} from ${widgets} Studio widget${widgets === 1 ? '' : 's'}`)
  if (conversion.warnings.length === 0) io.out('every widget was converted')
  else {
    io.out(`${conversion.warnings.length} warning${conversion.warnings.length === 1 ? '' : 's'} (see docs/migrating-from-studio.md):`)
    for (const w of conversion.warnings) io.out(`  ${w.widget} (${w.type}): ${w.message}`)
  }
  for (const problem of loaded.problems) (problem.severity === 'error' ? io.err : io.out)(formatProblem({ ...problem, file: shown(flowFile) }))
  if (!loaded.ok) {
    io.err(`the converted flow does not validate; please report this with the Studio file`)
    return 1
  }
  return 0
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: { out: { type: 'string', short: 'o' }, id: { type: 'string' } } })
}
