import type { AnyStateMachine } from 'xstate'
import { InvalidFlowError, hasErrors } from '../errors.ts'
import type { FlowProblem } from '../errors.ts'
import { FlowSchema } from '../schema/flow.ts'
import type { Flow } from '../schema/flow.ts'
import type { LoadedFlow } from '../validate/validate.ts'
import { graphProblems } from '../validate/graph.ts'
import { referenceProblems } from '../validate/references.ts'
import { buildMachine } from './machine.ts'
import { contentHash } from './hash.ts'

/** A flow ready to run: the data, its version (content hash) and its XState machine. */
export interface CompiledFlow {
  flow: Flow
  /** Changes whenever the flow's content changes; stored with every call. */
  version: string
  machine: AnyStateMachine
}

const CACHE_LIMIT = 64
const cache = new Map<string, CompiledFlow>()

/**
 * Compiles a validated flow to its XState machine, reusing the machine compiled earlier for
 * the same content. A flow with errors never compiles: it throws `InvalidFlowError` listing
 * every problem.
 *
 * @example
 * const loaded = loadFlow(text, 'flows/support.yaml')
 * const compiled = compileFlow(loaded) // throws when !loaded.ok
 */
export function compileFlow(input: LoadedFlow | Flow): CompiledFlow {
  const flow = 'source' in input ? fromLoaded(input) : checked(input)
  const version = flowVersion(flow)
  const hit = cache.get(version)
  if (hit !== undefined) {
    cache.delete(version)
    cache.set(version, hit)
    return hit
  }
  const compiled: CompiledFlow = { flow, version, machine: buildMachine(flow) }
  cache.set(version, compiled)
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  return compiled
}

/**
 * The version of a flow: a hash of its content, so the same flow always has the same version.
 *
 * @example flowVersion(flow) // 'a3f9c2e17b0d4e58'
 */
export function flowVersion(flow: Flow): string {
  return contentHash(JSON.stringify(flow))
}

function fromLoaded(loaded: LoadedFlow): Flow {
  if (!loaded.ok || loaded.flow === undefined) throw new InvalidFlowError(loaded.problems)
  return loaded.flow
}

/** Flows built in code get the same checks as files, without line numbers to point at. */
function checked(data: Flow): Flow {
  const parsed = FlowSchema.safeParse(data)
  const at = (path: (string | number)[]): Pick<FlowProblem, 'file' | 'line' | 'col' | 'path'> => ({ file: '<flow>', line: 0, col: 0, path })
  if (!parsed.success) {
    throw new InvalidFlowError(parsed.error.issues.map((i) => ({ code: 'INVALID_VALUE', message: `${i.path.join('.')}: ${i.message}`, severity: 'error', ...at(i.path as (string | number)[]) })))
  }
  const problems: FlowProblem[] = [...graphProblems(parsed.data), ...referenceProblems(parsed.data)].map((p) => ({ code: p.code, message: p.message, severity: p.severity, ...at(p.path) }))
  if (hasErrors(problems)) throw new InvalidFlowError(problems)
  return parsed.data
}
