/**
 * A small seeded random source, so that a failing load or crash run can be repeated exactly:
 * every run prints its seed, and RELIABILITY_SEED=<seed> replays it.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** True with probability p. */
  chance(p: number): boolean
  /** `length` lowercase hex characters. */
  hex(length: number): string
}

/**
 * mulberry32: tiny, fast and good enough to choose caller actions; not for secrets.
 *
 * @example const rng = seeded(42); rng.int(1, 6)
 */
export function seeded(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[int(0, items.length - 1)]!
    },
    chance: (p) => next() < p,
    hex: (length) => Array.from({ length }, () => int(0, 15).toString(16)).join(''),
  }
}

/** The seed for this run: RELIABILITY_SEED when set, else a fresh one (printed by the caller). */
export function runSeed(): number {
  const fixed = process.env.RELIABILITY_SEED
  if (fixed !== undefined && /^\d+$/.test(fixed)) return Number(fixed)
  return Math.floor(Math.random() * 2 ** 31)
}

/**
 * A uniform value in [0, 1) derived from a text, so two parties (the engine model and the back
 * end a server calls) agree on an outcome without talking to each other.
 *
 * @example unitHash('CA1:3:lookup') // 0.61…
 */
export function unitHash(text: string): number {
  // FNV-1a, then one mulberry round to spread the bits.
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return seeded(h).next()
}

/**
 * The seed of item `index` of a run: distinct runs (seeds) give distinct items, so two runs that
 * share a store never draw the same CallSid.
 *
 * @example seeded(itemSeed(runSeed, 17))
 */
export function itemSeed(seed: number, index: number): number {
  return Math.floor(unitHash(`${seed}:${index}`) * 2 ** 32)
}
