import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../store/rootState';
import { selectSweptAxes } from './experiments/experimentSelectors';
import { brushedIds, parallelData } from './parallelData';
import { sameIds } from './sameIds';

const selectIds = (s: RootState) => s.experiments.ids as number[];

/** The series on the metric axis: the chosen one, else the first validation metric, else the first series. */
export const selectSweepMetric = createSelector(
  [(s: RootState) => s.series, (s: RootState) => s.analysis.sweepMetric],
  (series, chosen) => {
    if (chosen && series.byKey[chosen]) return series.byKey[chosen];
    const all = series.keys.map((k) => series.byKey[k]).filter((x) => x !== undefined);
    return all.find((x) => x.split === 'val' && x.kind === 'metric') ?? all.find((x) => x.kind === 'metric') ?? all[0];
  },
);

/** The parallel coordinates: one axis per swept hyper-parameter and the metric, one line per experiment. */
export const selectParallelData = createSelector(
  [selectIds, selectSweptAxes, selectSweepMetric, (s: RootState) => s.analysis.sweepMode],
  parallelData,
);

const selectBrushedIdsOf = createSelector([selectParallelData, (s: RootState) => s.analysis.brushes], brushedIds, {
  memoizeOptions: { resultEqualityCheck: sameIds },
});

/**
 * Experiments inside every parallel-coordinates brush, or null when nothing is brushed. Without a
 * brush the parallel coordinates are not built for it: every page asks this at every data post.
 */
export const selectBrushedIds = (s: RootState): ReadonlySet<number> | null =>
  Object.keys(s.analysis.brushes).length === 0 ? null : selectBrushedIdsOf(s);
