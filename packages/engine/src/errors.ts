/**
 * Problems found in user input (flow files, test files) are collected, never thrown one at a
 * time. Each carries a stable `code`, a message for people, and the position it refers to.
 *
 * @example
 * const p: FlowProblem = { code: 'UNKNOWN_TARGET', message: 'no node "sale"', file: 'flows/support.yaml',
 *   line: 12, col: 14, severity: 'error' }
 */
export interface FlowProblem {
  code: ProblemCode
  message: string
  file: string
  /** 1-based line of the offending key or value. */
  line: number
  /** 1-based column of the offending key or value. */
  col: number
  severity: 'error' | 'warning'
  /** Where in the document the problem is, as a path of keys and indexes (for editors). */
  path?: (string | number)[]
  /** The node the problem belongs to, when there is one (for editors). */
  node?: string
}

/** Every code a problem can carry; documented in docs/flow-format.md. */
export const PROBLEM_CODES = {
  YAML_SYNTAX: 'the file is not well-formed YAML',
  YAML_DUPLICATE_KEY: 'a mapping repeats a key',
  NOT_A_MAPPING: 'the document is not a mapping of keys to values',
  MISSING_KEY: 'a required key is absent',
  UNKNOWN_KEY: 'a key that this node type or section does not have',
  INVALID_TYPE: 'a value of the wrong kind (text where a number is needed, …)',
  INVALID_VALUE: 'a value outside what is allowed',
  UNKNOWN_NODE_TYPE: 'a node whose `type` is not one of the node types',
  FLOW_ID_MISMATCH: 'the `flow` id differs from the file name',
  UNKNOWN_TARGET: 'an edge names a node that does not exist',
  UNREACHABLE_NODE: 'no path from `start` reaches this node',
  BAD_KEY: 'a menu key that cannot be typed on a phone keypad',
  DUPLICATE_KEY: 'two menu choices share a key, or two choices share a spoken word',
  AMBIGUOUS_KEY: 'a menu key is the beginning of a longer key',
  NO_FAILURE_EDGE: 'a menu or input has nowhere to go when the caller fails',
  INPUT_FREE_CYCLE: 'a loop that never waits for the caller, so one webhook would never end',
  UNSET_VARIABLE: 'a template or condition names a `vars.` path that nothing sets',
  UNKNOWN_ROOT: 'a template or condition names a path outside call., vars., input. and flow.',
  BAD_TEMPLATE: 'a template that does not parse',
  BAD_REGEX: 'a regular expression that does not compile',
  BAD_TIMEZONE: 'a time zone that is not an IANA zone name',
  BAD_HOURS: 'an opening-hours day or window that cannot be read',
  BAD_DIGIT_RANGE: 'minDigits is greater than maxDigits',
  NO_SPEECH_WORDS: 'a speech menu choice that a caller cannot say',
  NO_ERROR_ROUTE: 'an http node with no `onError` in a flow with no `onError`',
} as const

export type ProblemCode = keyof typeof PROBLEM_CODES

/** True when any problem in the list is an error (warnings alone do not stop a flow). */
export function hasErrors(problems: readonly FlowProblem[]): boolean {
  return problems.some((p) => p.severity === 'error')
}

/**
 * Formats a problem the way compilers do, so editors and CI logs link to it.
 *
 * @example formatProblem(p) // "flows/support.yaml:12:14: UNKNOWN_TARGET edge next names no node \"sale\""
 */
export function formatProblem(p: FlowProblem): string {
  const tag = p.severity === 'warning' ? `${p.code} (warning)` : p.code
  return `${p.file}:${p.line}:${p.col}: ${tag} ${p.message}`
}

/** Thrown by APIs that need a valid flow (compile) when given one with errors. */
export class InvalidFlowError extends Error {
  readonly problems: FlowProblem[]
  constructor(problems: FlowProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error')
    super(`flow has ${errors.length} error(s):\n${errors.map(formatProblem).join('\n')}`)
    this.name = 'InvalidFlowError'
    this.problems = problems
  }
}
