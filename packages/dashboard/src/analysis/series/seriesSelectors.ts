import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';

/** Per experiment, the value at the highest epoch of every series (null values skipped). */
export const selectLatestScores = createSelector([(s: RootState) => s.series.byKey], (byKey) => {
  const out: Record<number, Record<string, number>> = {};
  for (const series of Object.values(byKey)) {
    for (const id of series.experimentIds) {
      const points = series.byExperiment[id];
      if (!points) continue;
      for (let i = points.values.length - 1; i >= 0; i--) {
        const v = points.values[i];
        if (v !== null && v !== undefined) {
          (out[id] ??= {})[series.key] = v;
          break;
        }
      }
    }
  }
  return out;
});
