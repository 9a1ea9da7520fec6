/**
 * After a run: what the store holds for each call, compared with what the engine model said,
 * and what the back end saw, compared with the effects the model performed.
 */
import type { CallStore } from '../../../packages/server/src/store/types.ts'
import type { EffectLedger } from './backend.ts'
import type { PlannedCall } from './paths.ts'

export interface StoreCheck {
  problems: string[]
  /** Calls whose stored record is still `active` after their final status callback. */
  open: number
  /** Calls that ended on another node than the engine's. */
  wrongNode: number
  /** Calls whose step records differ from the engine's trail (a step lost, repeated or different). */
  wrongSteps: number
  missing: number
}

/**
 * Every planned call must be stored, ended, on the engine's final node, with one step record
 * per webhook that reached the engine, each resting where the engine rested after taking the
 * same transitions (so a repeated delivery, which must add none, shows as a difference).
 *
 * @example const check = await checkStore(store, played.map((p) => p.plan))
 */
export async function checkStore(store: CallStore, plans: readonly PlannedCall[], batch = 50): Promise<StoreCheck> {
  const check: StoreCheck = { problems: [], open: 0, wrongNode: 0, wrongSteps: 0, missing: 0 }
  for (let i = 0; i < plans.length; i += batch) {
    await Promise.all(plans.slice(i, i + batch).map(async (plan) => {
      const record = await store.getCall(plan.sid)
      const label = `${plan.flow} ${plan.sid}`
      if (record === undefined) {
        check.missing++
        check.problems.push(`${label}: not in the store`)
        return
      }
      if (record.status !== 'ended') {
        check.open++
        check.problems.push(`${label}: still ${record.status} at "${record.snapshot.node}" after its completed callback`)
      }
      if (record.snapshot.node !== plan.expectedNode) {
        check.wrongNode++
        check.problems.push(`${label}: ended at "${record.snapshot.node}", the engine says "${plan.expectedNode}" (actions ${JSON.stringify(plan.actions)})`)
      }
      const steps = (await store.getSteps(plan.sid)).map((s) => ({ node: s.node, taken: s.taken }))
      if (JSON.stringify(steps) !== JSON.stringify(plan.trail)) {
        check.wrongSteps++
        check.problems.push(`${label}: stored steps ${describeTrail(steps)}; the engine's ${describeTrail(plan.trail)}`)
      }
    }))
  }
  return check
}

export interface EffectCheck {
  problems: string[]
  /** Requests the model expected. */
  expected: number
  /** Expected keys that never reached the back end. */
  lost: number
  /** Requests beyond the first for a key: effects performed twice or more. */
  duplicates: number
  /** Keys the back end saw that no planned call performs. */
  unexpected: number
}

/**
 * Each effect the model performed reached the back end; none that it did not. Duplicates are
 * counted, and refused unless `allowDuplicates` (a crash between request and save may repeat
 * one; the test measures how often instead of hiding it).
 */
export function checkEffects(ledger: EffectLedger, plans: readonly PlannedCall[], allowDuplicates: boolean): EffectCheck {
  const expectedKeys = new Set(plans.flatMap((p) => p.effectKeys))
  const check: EffectCheck = { problems: [], expected: expectedKeys.size, lost: 0, duplicates: ledger.duplicates, unexpected: 0 }
  for (const key of expectedKeys) {
    if (!ledger.counts.has(key)) {
      check.lost++
      check.problems.push(`effect ${key} never reached the back end`)
    }
  }
  for (const key of ledger.counts.keys()) {
    if (!expectedKeys.has(key)) {
      check.unexpected++
      check.problems.push(`effect ${key} reached the back end but no planned call performs it`)
    }
  }
  if (ledger.unkeyed > 0) check.problems.push(`${ledger.unkeyed} requests came without an Idempotency-Key`)
  if (!allowDuplicates && check.duplicates > 0) check.problems.push(`effects performed more than once: ${ledger.repeated().slice(0, 10).join(', ')}`)
  return check
}

function describeTrail(trail: ReadonlyArray<{ node: string; taken: readonly string[] }>): string {
  return `[${trail.map((s) => `${s.node} (${s.taken.length} transitions)`).join(', ')}]`
}

/**
 * The problems that do not belong to the given calls: what is left once the calls cut short by
 * an outage, or hit by a known and separately reported defect, are set aside.
 */
export function problemsOutside(problems: readonly string[], sids: readonly string[]): string[] {
  const set = new Set(sids)
  return problems.filter((p) => ![...p.matchAll(/CA[0-9a-f]{32}/g)].some(([sid]) => set.has(sid)))
}

/** The first few problems, for an assertion message that stays readable. */
export function firstProblems(problems: readonly string[], count = 8): string {
  return problems.length === 0 ? 'none' : `${problems.length} problems, first: \n${problems.slice(0, count).join('\n')}`
}
