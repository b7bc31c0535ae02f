import { useMemo } from 'react';
import type { Series } from '../series/seriesSlice';
import { bestExperiment } from './bestExperiment';
import type { Best } from './bestExperiment';

// The chart and its "★ Best" line ask for the same (series, lines): computed once per new series.
const cache = new WeakMap<Series, WeakMap<readonly number[], Best | null>>();

/** The best value among the lines `ids` of `series` (memoised per series snapshot and id list). */
export function bestOf(series: Series, ids: readonly number[]): Best | null {
  let byIds = cache.get(series);
  if (!byIds) cache.set(series, (byIds = new WeakMap()));
  if (byIds.has(ids)) return byIds.get(ids) ?? null;
  const best = bestExperiment(series.kind, series.byExperiment, ids);
  byIds.set(ids, best);
  return best;
}

export function useBest(series: Series | undefined, ids: readonly number[]): Best | null {
  return useMemo(() => (series ? bestOf(series, ids) : null), [series, ids]);
}
