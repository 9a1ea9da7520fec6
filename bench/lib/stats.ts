/** Small statistics for noisy shared machines: medians, quantiles and a log-log fit. */

/**
 * The median of the values (the mean of the middle two for an even count); NaN when empty.
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

/**
 * The q-quantile by linear interpolation between closest ranks; NaN when empty.
 *
 * @example quantile([1, 2, 3, 4], 0.99) // 3.97
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return quantileOfSorted(sorted, q)
}

/** As `quantile`, for values already sorted ascending (avoids sorting large samples twice). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low)
}

/**
 * Least-squares fit of log(y) = k·log(x) + c: k is the growth exponent (1 = linear, 2 = quadratic).
 *
 * @example growthExponent([100, 1000], [1, 10]) // 1
 */
export function growthExponent(xs: readonly number[], ys: readonly number[]): number {
  const points = xs.map((x, i) => [Math.log(x), Math.log(ys[i]!)] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
  if (points.length < 2) return Number.NaN
  const mx = points.reduce((s, [a]) => s + a, 0) / points.length
  const my = points.reduce((s, [, b]) => s + b, 0) / points.length
  const sxy = points.reduce((s, [a, b]) => s + (a - mx) * (b - my), 0)
  const sxx = points.reduce((s, [a]) => s + (a - mx) ** 2, 0)
  return sxy / sxx
}

/** Nanoseconds since an arbitrary origin, as a number (precise to well under a microsecond). */
export function nowNs(): number {
  return Number(process.hrtime.bigint())
}

/** Milliseconds since an arbitrary origin, with sub-millisecond precision. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}
