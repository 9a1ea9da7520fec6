/**
 * The example flows, prepared for a server under test: their http nodes pointed at a local back
 * end, and (for servers in other processes, whose clock the test cannot set) every hours node
 * made deterministic, one variant per open/closed combination, so each branch is still walked.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileFlow, loadFlow, parseSource } from '@phonetree/engine'
import type { CompiledFlow } from '@phonetree/engine'
import { SERVICE_HOSTS } from './backend.ts'

export const EXAMPLE_FLOWS_DIR = fileURLToPath(new URL('../../../flows', import.meta.url))

export interface FlowSet {
  dir: string
  /** Flow ids the server serves from `dir`. */
  ids: string[]
  /** The same files compiled here, for the engine model. */
  compiled: Map<string, CompiledFlow>
}

/** The example flow ids (the `*.yaml` files that are not tests). */
export function exampleFlowIds(dir = EXAMPLE_FLOWS_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort()
}

/** Compiles every flow in a folder, failing loudly on any problem. */
export function compileDir(dir: string, ids = exampleFlowIds(dir)): Map<string, CompiledFlow> {
  const compiled = new Map<string, CompiledFlow>()
  for (const id of ids) {
    const loaded = loadFlow(readFileSync(join(dir, `${id}.yaml`), 'utf8'), `${id}.yaml`)
    if (!loaded.ok) throw new Error(`${id}.yaml does not validate: ${loaded.problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.message}`).join('; ')}`)
    compiled.set(id, compileFlow(loaded))
  }
  return compiled
}

/**
 * Writes the example flows into `dir` with http nodes calling `backEndUrl`, and with every
 * hours node replaced by always-open or always-closed in one variant per combination
 * (`support-h0`, `support-h1`, `secretary-h00` …). Flows without hours nodes keep their id.
 *
 * @example const set = writeFixedFlows(join(tmp, 'flows'), backEnd.url)
 */
export function writeFixedFlows(dir: string, backEndUrl: string, today = new Date()): FlowSet {
  mkdirSync(dir, { recursive: true })
  const ids: string[] = []
  for (const id of exampleFlowIds()) {
    let text = readFileSync(join(EXAMPLE_FLOWS_DIR, `${id}.yaml`), 'utf8')
    for (const [host, prefix] of Object.entries(SERVICE_HOSTS)) text = text.replaceAll(`https://${host}`, backEndUrl + prefix)
    if (/https?:\/\/(?!127\.0\.0\.1)[^\s"']+/.test(text.replace(/^#.*$/gm, '').replace(/\$schema=\S+/g, ''))) {
      throw new Error(`${id}.yaml names a host this harness does not replace: add it to SERVICE_HOSTS`)
    }
    const hoursNodes = hoursNodeIds(text)
    if (hoursNodes.length === 0) {
      writeFileSync(join(dir, `${id}.yaml`), text)
      ids.push(id)
      continue
    }
    for (let mask = 0; mask < 2 ** hoursNodes.length; mask++) {
      const bits = hoursNodes.map((_, i) => ((mask >> i) & 1 ? '1' : '0')).join('')
      const variant = `${id}-h${bits}`
      writeFileSync(join(dir, `${variant}.yaml`), fixHours(text, variant, hoursNodes, bits, today))
      ids.push(variant)
    }
  }
  return { dir, ids, compiled: compileDir(dir, ids) }
}

function hoursNodeIds(text: string): string[] {
  const loaded = loadFlow(text, 'flow.yaml')
  if (loaded.flow === undefined) throw new Error('an example flow does not validate')
  return Object.entries(loaded.flow.nodes).filter(([, node]) => node.type === 'hours').map(([id]) => id)
}

/** Bit i = 1: hours node i is always open; 0: closed (every day around today is a holiday). */
function fixHours(text: string, id: string, nodes: string[], bits: string, today: Date): string {
  const { doc } = parseSource(text, `${id}.yaml`).source
  doc.set('flow', id)
  // A week either side: wide enough for any time zone and for a soak that runs past midnight.
  const holidays = Array.from({ length: 15 }, (_, i) => new Date(today.getTime() + (i - 7) * 86_400_000).toISOString().slice(0, 10))
  nodes.forEach((node, i) => {
    if (bits[i] === '1') {
      doc.setIn(['nodes', node, 'hours'], doc.createNode({ daily: '00:00-24:00' }))
      doc.setIn(['nodes', node, 'holidays'], doc.createNode([]))
    } else {
      doc.setIn(['nodes', node, 'holidays'], doc.createNode(holidays))
    }
  })
  return doc.toString()
}
