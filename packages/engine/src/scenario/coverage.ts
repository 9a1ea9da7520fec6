import type { CompiledFlow } from '../compile/compile.ts'
import { flowTransitions, transitionName } from '../compile/transitions.ts'
import type { Taken } from '../step/step.ts'

export interface Coverage {
  flow: string
  covered: number
  total: number
  /** Whole percent, rounded down so 99.6 % never reads as 100 %. */
  percent: number
  /** Transitions no test took, named `from --handle--> to`. */
  missed: string[]
}

/**
 * Transition coverage of a flow: which of its transitions (every choice, retry, exhaustion,
 * dial, http and hours outcome, branch case) the given runs took.
 *
 * @example coverage(compiled, results.map((r) => r.taken)) // { covered: 40, total: 42, percent: 95, missed: [...] }
 */
export function coverage(compiled: CompiledFlow, runs: readonly (readonly Taken[])[]): Coverage {
  const seen = new Set(runs.flatMap((taken) => taken.map((t) => `${t.from}\u0000${t.handle}`)))
  const all = flowTransitions(compiled.flow)
  const missed = all.filter((t) => !seen.has(`${t.from}\u0000${t.handle}`)).map(transitionName)
  const covered = all.length - missed.length
  return { flow: compiled.flow.flow, covered, total: all.length, percent: all.length === 0 ? 100 : Math.floor((covered / all.length) * 100), missed }
}
