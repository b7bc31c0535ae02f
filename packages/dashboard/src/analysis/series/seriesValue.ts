import type { Series } from './seriesSlice';

/** Which epoch's value stands for a series: the last, or the best (max for metrics, min for losses). */
export type MetricMode = 'final' | 'best';

/** The value of a series at its last epoch (final) or its best epoch (max for metrics, min for losses). */
export function seriesValue(series: Series | undefined, experimentId: number, mode: MetricMode): number | null {
  const points = series?.byExperiment[experimentId];
  if (!series || !points) return null;
  let out: number | null = null;
  for (let i = points.values.length - 1; i >= 0; i--) {
    const v = points.values[i];
    if (v === null || v === undefined) continue;
    if (mode === 'final') return v;
    if (out === null || (series.kind === 'loss' ? v < out : v > out)) out = v;
  }
  return out;
}
