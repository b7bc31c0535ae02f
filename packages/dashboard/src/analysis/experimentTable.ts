import { createSelector } from '@reduxjs/toolkit';
import { isolateBidi } from '../shared/isolateBidi';
import type { RootState } from '../app/store';
import { experimentsAdapter } from './experiments/experimentsSlice';
import { deriveHyperParameters } from './experiments/hyperParameters';
import { batchProgress, displayStatus, durationSeconds, epochProgress } from './experiments/experimentView';
import type { GridRow } from './rowFilter';
import { compilePattern, rowPredicate } from './rowFilter';
import { selectAnalysisFilterIds } from './analysisSelectors';

export type ColumnType = 'number' | 'text' | 'set' | 'progress' | 'time';

export interface ColumnSpec {
  id: string;
  label: string;
  type: ColumnType;
  group: 'experiment' | 'hyper-parameter' | 'score';
  /** Shown in the header tooltip. */
  description?: string;
}

/** Shown before the hyper-parameters and scores (what a person scans first). */
const LEAD_COLUMNS: ColumnSpec[] = [
  { id: 'experiment_id', label: 'Experiment', type: 'number', group: 'experiment' },
  { id: 'status', label: 'Status', type: 'set', group: 'experiment' },
  { id: 'epoch_progress', label: 'Epochs', type: 'progress', group: 'experiment' },
];

/** Shown after the scores. */
const TAIL_COLUMNS: ColumnSpec[] = [
  { id: 'batch_progress', label: 'Batches', type: 'progress', group: 'experiment' },
  { id: 'model_status', label: 'Model status', type: 'set', group: 'experiment' },
  { id: 'current_epoch', label: 'Epoch', type: 'number', group: 'experiment' },
  { id: 'num_epochs', label: 'Num epochs', type: 'number', group: 'experiment' },
  { id: 'current_split', label: 'Split', type: 'set', group: 'experiment' },
  { id: 'starting_time', label: 'Start', type: 'time', group: 'experiment' },
  { id: 'finishing_time', label: 'End', type: 'time', group: 'experiment' },
  { id: 'duration', label: 'Duration', type: 'number', group: 'experiment' },
  { id: 'job_id', label: 'Job id', type: 'text', group: 'experiment' },
  { id: 'error', label: 'Error', type: 'text', group: 'experiment' },
];

const rowSelectors = experimentsAdapter.getSelectors((s: RootState) => s.experiments);
export const selectExperimentRows = rowSelectors.selectAll;
export const selectExperimentById = rowSelectors.selectById;

export const selectHyperParameters = createSelector([(s: RootState) => s.experiments.configs], deriveHyperParameters);

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

const sameColumn = (a: ColumnSpec, b: ColumnSpec) =>
  a.id === b.id && a.label === b.label && a.type === b.type && a.group === b.group && a.description === b.description;

/**
 * Every column the table can show. The same array while the columns stay the same: each data post
 * makes new configs and series keys, and a new array here made the grid set up all its columns and
 * lay out every row again.
 */
export const selectColumns = createSelector(
  [selectHyperParameters, (s: RootState) => s.series.keys],
  (hyper, keys): ColumnSpec[] => [
    ...LEAD_COLUMNS,
    ...hyper.columns.map((c): ColumnSpec => ({
      id: c.id,
      label: isolateBidi(c.label),
      type: 'number',
      group: 'hyper-parameter',
      description: isolateBidi(c.path),
    })),
    ...keys.map((k): ColumnSpec => ({ id: k, label: isolateBidi(k), type: 'number', group: 'score' })),
    ...TAIL_COLUMNS,
  ],
  {
    memoizeOptions: {
      resultEqualityCheck: (a: ColumnSpec[], b: ColumnSpec[]) =>
        a.length === b.length &&
        a.every((c, i) => {
          const d = b[i];
          return d !== undefined && sameColumn(c, d);
        }),
    },
  },
);

/**
 * Hyper-parameter and score columns the table draws at most, each: a grid search with thousands of
 * names (a runaway or hostile publisher) froze the table for seconds. The others are listed above the
 * table; hiding columns in the chooser makes room for them.
 */
export const MAX_COLUMNS_PER_GROUP = 100;

const selectShownAndLeftOut = createSelector(
  [selectColumns, (s: RootState) => s.table.hiddenColumns],
  (columns, hiddenList) => {
    const hidden = new Set(hiddenList);
    const shown: ColumnSpec[] = [];
    const leftOut: ColumnSpec[] = [];
    const drawn = { 'hyper-parameter': 0, score: 0 };
    for (const c of columns) {
      if (c.id !== 'experiment_id' && hidden.has(c.id)) continue;
      if (c.group !== 'experiment' && drawn[c.group]++ >= MAX_COLUMNS_PER_GROUP) leftOut.push(c);
      else shown.push(c);
    }
    return { shown, leftOut };
  },
);

/** The columns the table draws: those not hidden, at most MAX_COLUMNS_PER_GROUP of each group. */
export const selectShownColumns = createSelector([selectShownAndLeftOut], (r) => r.shown);

/** Columns neither hidden nor drawn (beyond MAX_COLUMNS_PER_GROUP). */
export const selectColumnsLeftOut = createSelector([selectShownAndLeftOut], (r) => r.leftOut);

/** The table's rows: status fields, progress, hyper-parameters and latest scores, one per experiment. */
export const selectGridRows = createSelector(
  [selectExperimentRows, selectHyperParameters, selectLatestScores],
  (rows, hyper, scores): GridRow[] =>
    rows.map((r) => ({
      experiment_id: r.experiment_id,
      status: displayStatus(r),
      model_status: r.model_status ?? null,
      epoch_progress: epochProgress(r),
      batch_progress: batchProgress(r),
      current_epoch: r.current_epoch ?? null,
      num_epochs: r.num_epochs ?? null,
      current_split: r.current_split ?? null,
      starting_time: r.starting_time !== undefined && r.starting_time >= 0 ? r.starting_time : null,
      finishing_time: r.finishing_time !== undefined && r.finishing_time >= 0 ? r.finishing_time : null,
      duration: durationSeconds(r),
      job_id: r.job_id ?? null,
      error: r.error ?? null,
      ...hyper.values[r.experiment_id],
      ...scores[r.experiment_id],
    })),
);

export const selectQuickFilterError = createSelector(
  [(s: RootState) => s.table.quickFilter],
  (quick) => compilePattern(quick).error,
);

function sameIds(a: ReadonlySet<number> | null, b: ReadonlySet<number> | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

const selectFilteredIdsOf = createSelector(
  [
    selectGridRows,
    (s: RootState) => s.table,
    selectShownColumns,
    // Parallel-coordinate brushes and the compare focus filter like any other filter (lazy: no import cycle).
    (s: RootState) => selectAnalysisFilterIds(s),
  ],
  (rows, table, shown, analysis): ReadonlySet<number> | null => {
    const own = rowPredicate(
      { quick: table.quickFilter, columns: table.columnFilters },
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
 * Experiment ids that pass the table's filters, or null when no filter is active. The result keeps
 * its identity while the set is unchanged, so charts do not redraw for every new point. Without a
 * filter the table's rows are not built for it (the charts ask this at every data post).
 */
export const selectFilteredExperimentIds = (s: RootState): ReadonlySet<number> | null => {
  const { quickFilter, columnFilters } = s.table;
  if (quickFilter.trim() === '' && columnFilters.length === 0 && selectAnalysisFilterIds(s) === null) return null;
  return selectFilteredIdsOf(s);
};
