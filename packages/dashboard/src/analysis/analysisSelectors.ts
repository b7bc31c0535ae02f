import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../app/store';
import { selectHyperParameters } from './experimentTable';
import { isFoldPath } from '../features/cvReport/cvReport';
import type { HyperParameters } from './experiments/hyperParameters';
import { brushedIds, parallelData } from './parallelData';

const selectIds = (s: RootState) => s.experiments.ids as number[];

/** The series on the metric axis: the chosen one, else the first validation metric, else the first series. */
export const selectSweepMetric = createSelector(
  [(s: RootState) => s.series, (s: RootState) => s.sweep.metricKey],
  (series, chosen) => {
    if (chosen && series.byKey[chosen]) return series.byKey[chosen];
    const all = series.keys.map((k) => series.byKey[k]).filter((x) => x !== undefined);
    return all.find((x) => x.split === 'val' && x.kind === 'metric') ?? all.find((x) => x.kind === 'metric') ?? all[0];
  },
);

/** Swept hyper-parameters without CV fold bookkeeping (fold ids and split indices differ per experiment too). */
const selectSweptAxes = createSelector(
  // Lazy: tableSelectors imports this module for its row filter.
  [(s: RootState) => selectHyperParameters(s)],
  (hyper): HyperParameters => ({ ...hyper, columns: hyper.columns.filter((c) => !isFoldPath(c.path)) }),
);

export const selectParallelData = createSelector(
  [selectIds, selectSweptAxes, selectSweepMetric, (s: RootState) => s.sweep.mode],
  parallelData,
);

function sameIds(a: ReadonlySet<number> | null, b: ReadonlySet<number> | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

const selectBrushedIdsOf = createSelector([selectParallelData, (s: RootState) => s.sweep.brushes], brushedIds, {
  memoizeOptions: { resultEqualityCheck: sameIds },
});

/**
 * Experiments inside every parallel-coordinates brush, or null when nothing is brushed. Without a
 * brush the parallel coordinates are not built for it: every page asks this at every data post.
 */
export const selectBrushedIds = (s: RootState): ReadonlySet<number> | null =>
  Object.keys(s.sweep.brushes).length === 0 ? null : selectBrushedIdsOf(s);

/** The compared experiments while "only these" is on, else null. */
export const selectCompareFocusIds = createSelector(
  [(s: RootState) => s.compare.ids, (s: RootState) => s.compare.focus],
  (ids, focus): ReadonlySet<number> | null => (focus && ids.length >= 2 ? new Set(ids) : null),
);

/**
 * What the analysis views filter: brushed and (when focused) compared experiments, or null when
 * neither filters. The table's row filter and the charts' lines intersect it with their own.
 */
export const selectAnalysisFilterIds = createSelector(
  [selectBrushedIds, selectCompareFocusIds],
  (brushed, compared): ReadonlySet<number> | null => {
    if (!brushed) return compared;
    if (!compared) return brushed;
    return new Set([...brushed].filter((id) => compared.has(id)));
  },
  { memoizeOptions: { resultEqualityCheck: sameIds } },
);
