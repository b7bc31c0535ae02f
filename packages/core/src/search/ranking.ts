import type { Mode } from './searchTypes.js';

/** Whether `a` is strictly better than `b` (NaN is never better, and anything is better than NaN). */
export function isBetter(a: number, b: number, mode: Mode): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return mode === 'max' ? a > b : a < b;
}

/**
 * Orders entries best first by score; NaN last; equal scores by `order` (lower first), so ties are decided the
 * same way in every run.
 */
export function rankBest<T extends { score: number; order: number }>(entries: readonly T[], mode: Mode): T[] {
  return [...entries].sort((a, b) => {
    if (isBetter(a.score, b.score, mode)) return -1;
    if (isBetter(b.score, a.score, mode)) return 1;
    return a.order - b.order;
  });
}

/** The q-th percentile (0–100) of the numbers that are not NaN, interpolated linearly (numpy's default). */
export function percentile(values: readonly number[], q: number): number | undefined {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const at = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (at - lo);
}

/**
 * The score a trial must reach to stay among the best 1/η of `others`: the (1 - 1/η) quantile for `max`, the
 * 1/η quantile for `min` (as Ray Tune's ASHA).
 */
export function quantileCutoff(others: readonly number[], eta: number, mode: Mode): number | undefined {
  return percentile(others, mode === 'max' ? (1 - 1 / eta) * 100 : (1 / eta) * 100);
}
