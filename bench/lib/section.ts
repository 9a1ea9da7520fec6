/**
 * The contract between `bench/run.ts` and each benchmark. A section runs in a child process of
 * its own (so one benchmark's heap and JIT state never colour another's), and hands back its
 * Markdown and its targets as JSON.
 */

export type Mode = 'quick' | 'full'

/** One target from the issue, with what was measured against it. */
export interface Target {
  /** What is measured, e.g. "memory store throughput at 50 callers". */
  name: string
  /** The goal in words, e.g. "≥ 85 % of bare Hono". */
  goal: string
  /** The measured value in words, e.g. "91 %". */
  actual: string
  /** undefined when it was not measured (the editor does not exist yet). */
  met: boolean | undefined
}

export interface SectionOutput {
  /** Markdown: tables and short explanations, without the section heading. */
  body: string
  targets: Target[]
  /** The raw measurements, kept in the JSON results for before/after comparisons. */
  data: unknown
}

export interface SectionResult extends SectionOutput {
  id: string
  title: string
  seconds: number
  /** The machine's 1-minute load average when the section began. */
  load: number
  /** Set when the section failed: the report says so instead of leaving it out. */
  error?: string
}

export interface SectionModule {
  run(mode: Mode, log: (line: string) => void): Promise<SectionOutput>
}

/** The sections in report order (modules relative to bench/); `run.ts --only` names them by id. */
export const SECTIONS = [
  { id: 'webhook', title: '1. Webhook path', module: './webhook/bench.ts' },
  { id: 'step', title: '2. Step cost', module: './step.ts' },
  { id: 'compile', title: '3. Compile', module: './compile.ts' },
  { id: 'state', title: '4. State size', module: './state-size.ts' },
  { id: 'startup', title: '5. Start-up', module: './startup.ts' },
  { id: 'editor', title: '6. Editor', module: './editor.ts' },
] as const

export type SectionId = (typeof SECTIONS)[number]['id']
