import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import { selectGridRows, selectShownColumns } from '../experimentTable';
import type { GridRow } from '../rowFilter';
import { groupRows } from './groupRows';
import { selectGroups } from './groupSelectors';

/**
 * The grouped table's rows: one per group (n, mean ± std of every score, what the members share),
 * each expanded group followed by its experiments; null when nothing is grouped.
 */
export const selectGroupedRows = createSelector(
  [selectGroups, selectGridRows, selectShownColumns, (s: RootState) => s.analysis.expandedGroups],
  (groups, rows, shown, expanded): GridRow[] | null => {
    if (!groups) return null;
    const scoreKeys = shown.filter((c) => c.group === 'score').map((c) => c.id);
    const otherColumns = shown
      .filter((c) => c.group !== 'score' && c.id !== 'experiment_id' && c.id !== 'status' && c.id !== 'epoch_progress')
      .map((c) => c.id);
    return groupRows({
      groups,
      rowsById: new Map(rows.map((r) => [r.experiment_id, r])),
      scoreKeys,
      otherColumns,
      expanded: new Set(expanded),
    });
  },
);
