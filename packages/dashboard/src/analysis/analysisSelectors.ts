import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../store/rootState';
import { selectGridRows, selectShownColumns } from './experimentTable';
import { selectBrushedIds } from './parallelSelectors';
import type { GridRow, RowFilterSpec } from './rowFilter';
import { rowPredicate } from './rowFilter';
import { sameIds } from './sameIds';
import { selectExpressionIds } from './expression/expressionSelectors';

/** The compared experiments while "only these" is on, else null. */
export const selectCompareFocusIds = createSelector(
  [(s: RootState) => s.analysis.compared, (s: RootState) => s.analysis.focus],
  (ids, focus): ReadonlySet<number> | null => (focus && ids.length >= 2 ? new Set(ids) : null),
);

/**
 * What the analysis views filter besides the table's own filters: the expression filter, brushed and
 * (when focused) compared experiments, or null when none filters.
 */
export const selectAnalysisFilterIds = createSelector(
  [selectExpressionIds, selectBrushedIds, selectCompareFocusIds],
  (expression, brushed, compared): ReadonlySet<number> | null => {
    const sets = [expression, brushed, compared].filter((x): x is ReadonlySet<number> => x !== null);
    if (sets.length <= 1) return sets[0] ?? null;
    const [first, ...rest] = sets as [ReadonlySet<number>, ...ReadonlySet<number>[]];
    return new Set([...first].filter((id) => rest.every((set) => set.has(id))));
  },
  { memoizeOptions: { resultEqualityCheck: sameIds } },
);

/** The table's own filters: the quick filter and the column filters. */
const selectRowFilterSpec = createSelector(
  [(s: RootState) => s.analysis.quickFilter, (s: RootState) => s.analysis.columnFilters],
  (quick, columns): RowFilterSpec => ({ quick, columns }),
);

const selectFilteredIdsOf = createSelector(
  [selectGridRows, selectRowFilterSpec, selectShownColumns, selectAnalysisFilterIds],
  (rows, spec, shown, analysis): ReadonlySet<number> | null => {
    const own = rowPredicate(
      spec,
      shown.map((c) => c.id),
    );
    const test =
      own && analysis
        ? (r: GridRow) => analysis.has(r.experiment_id) && own(r)
        : analysis
          ? (r: GridRow) => analysis.has(r.experiment_id)
          : own;
    if (!test) return null;
    return new Set(rows.filter(test).map((r) => r.experiment_id));
  },
  { memoizeOptions: { resultEqualityCheck: sameIds } },
);

/**
 * Experiment ids that pass every filter (the table's, the expression, the brushes, the compare focus), or null when
 * none is active: the table's rows, the charts' lines and the sweep's highlighted lines all read this.
 * The result keeps its identity while the set is unchanged, so charts do not redraw for every new
 * point. Without a filter the table's rows are not built for it (the charts ask this at every data post).
 */
export const selectFilteredExperimentIds = (s: RootState): ReadonlySet<number> | null => {
  const { quickFilter, columnFilters } = s.analysis;
  if (quickFilter.trim() === '' && columnFilters.length === 0 && selectAnalysisFilterIds(s) === null) return null;
  return selectFilteredIdsOf(s);
};
