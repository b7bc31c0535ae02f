import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../app/store';
import { selectFilteredExperimentIds } from '../table/tableSelectors';
import { compilePattern } from '../table/rowFilter';

/** Chart keys passing the name filter (an invalid pattern filters nothing; its error is shown). */
export const selectChartKeys = createSelector(
  [(s: RootState) => s.series.keys, (s: RootState) => s.charts.nameFilter],
  (keys, pattern) => {
    const { regex } = compilePattern(pattern);
    return regex ? keys.filter((k) => regex.test(k)) : keys;
  },
);

export const selectChartFilterError = createSelector(
  [(s: RootState) => s.charts.nameFilter],
  (pattern) => compilePattern(pattern).error,
);

/** Experiment ids whose lines may be drawn (null: all), following the table's row filters when asked to. */
export const selectLineFilter = (s: RootState): ReadonlySet<number> | null =>
  s.charts.followTableFilter ? selectFilteredExperimentIds(s) : null;
