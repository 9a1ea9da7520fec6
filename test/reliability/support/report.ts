/**
 * The figures a reliability run reports, shared by the vitest versions and `npm run soak`.
 */
import type { Meter } from './caller.ts'
import type { EffectCheck, StoreCheck } from './verify.ts'

export interface RunReport {
  name: string
  seed: number
  calls: number
  webhooks: number
  /** Webhooks re-sent after a network failure (crashes, outages). */
  resent: number
  /** Webhooks with no answer within 15 s. */
  timeouts: number
  /** Webhooks answered, but after more than 5 s. */
  slow: number
  /** Calls where the caller saw something other than the engine's path or a bad answer. */
  failedCalls: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  durationMs: number
  store?: Omit<StoreCheck, 'problems'>
  effects?: Omit<EffectCheck, 'problems'>
  /** Anything specific to the run (crashes survived, outage answers, …). */
  extra: Record<string, number | string>
  /** Every problem found, the first ones first. */
  problems: string[]
}

/** Meter figures in report form. */
export function meterFigures(meter: Meter): Pick<RunReport, 'webhooks' | 'resent' | 'timeouts' | 'slow' | 'p50Ms' | 'p99Ms' | 'maxMs'> {
  return {
    webhooks: meter.webhooks,
    resent: meter.resent,
    timeouts: meter.timeouts,
    slow: meter.slow,
    p50Ms: round(meter.quantile(0.5)),
    p99Ms: round(meter.quantile(0.99)),
    maxMs: round(meter.max),
  }
}

export function withoutProblems<T extends { problems: string[] }>(check: T): Omit<T, 'problems'> {
  const { problems: _problems, ...rest } = check
  return rest
}

/** `covered/total`, for a transition coverage figure. */
export function coverageText({ covered, total }: { covered: number; total: number }): string {
  return `${covered}/${total}`
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

/** One line per figure, for logs and the soak summary. */
export function formatReport(report: RunReport): string {
  const lines = [
    `${report.name} (seed ${report.seed}): ${report.calls} calls, ${report.webhooks} webhooks in ${(report.durationMs / 1000).toFixed(1)} s`,
    `  failed calls ${report.failedCalls}, re-sent ${report.resent}, timeouts ${report.timeouts}, over 5 s ${report.slow}, latency p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, max ${report.maxMs} ms`,
  ]
  if (report.store) lines.push(`  store: missing ${report.store.missing}, open ${report.store.open}, wrong node ${report.store.wrongNode}, wrong step count ${report.store.wrongSteps}`)
  if (report.effects) lines.push(`  effects: expected ${report.effects.expected}, lost ${report.effects.lost}, duplicates ${report.effects.duplicates}, unexpected ${report.effects.unexpected}`)
  if (Object.keys(report.extra).length > 0) lines.push(`  ${Object.entries(report.extra).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  if (report.problems.length > 0) lines.push(`  problems (${report.problems.length}):`, ...report.problems.slice(0, 10).map((p) => `    ${p}`))
  return lines.join('\n')
}
