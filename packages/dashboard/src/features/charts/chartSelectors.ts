import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { compilePattern } from '../../analysis/rowFilter';

/** Chart keys passing the name filter (an invalid pattern filters nothing; its error is shown). */
export const selectChartKeys = createSelector(
  [(s: RootState) => s.series.keys, (s: RootState) => s.charts.nameFilter],
  (keys, pattern) => {
    const { regex } = compilePattern(pattern);
    return regex ? keys.filter((k) => regex.test(k)) : keys;
  },
);

/**
 * Charts drawn at most on one page: each is a canvas with its legend, description and picker, and a
 * grid search with thousands of series (a runaway or hostile publisher) froze and then crashed the tab
 * with one chart each. The others are listed by name; the name filter chooses which are drawn.
 */
export const MAX_CHARTS = 100;

/** The charts drawn: the first MAX_CHARTS passing the name filter. */
export const selectDrawnChartKeys = createSelector([selectChartKeys], (keys) =>
  keys.length > MAX_CHARTS ? keys.slice(0, MAX_CHARTS) : keys,
);

/** Charts passing the name filter that are not drawn (beyond MAX_CHARTS). */
export const selectChartsNotDrawn = createSelector([selectChartKeys], (keys) => keys.slice(MAX_CHARTS));

export const selectChartFilterError = createSelector(
  [(s: RootState) => s.charts.nameFilter],
  (pattern) => compilePattern(pattern).error,
);

/** Experiment ids whose lines may be drawn (null: all), following the table's row filters when asked to. */
export const selectLineFilter = (s: RootState): ReadonlySet<number> | null =>
  s.charts.followTableFilter ? selectFilteredExperimentIds(s) : null;
