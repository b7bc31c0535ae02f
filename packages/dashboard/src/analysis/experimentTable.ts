import { createSelector } from '@reduxjs/toolkit';
import { isolateBidi } from '../shared/isolateBidi';
import type { RootState } from '../store/rootState';
import { selectExperimentRows, selectHyperParameters } from './experiments/experimentSelectors';
import { batchProgress, displayStatus, durationSeconds, epochProgress } from './experiments/experimentView';
import { selectLatestScores } from './series/seriesSelectors';
import { selectTagsByExperiment } from './annotations/annotationSelectors';
import { selectSystemSummaries } from './system/systemSelectors';
import type { GridRow } from './rowFilter';
import { selectGridSearchNames, selectGridSearchOf } from './experiments/gridSearchSelectors';
import { compilePattern } from './rowFilter';

export type ColumnType = 'number' | 'text' | 'set' | 'progress' | 'time' | 'tags' | 'bytes';

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
  {
    id: 'tags',
    label: 'Tags',
    type: 'tags',
    group: 'experiment',
    description: 'Tags of the experiment (click a cell to edit; filter with tag values)',
  },
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
  {
    id: 'peak_rss',
    label: 'Peak RSS',
    type: 'bytes',
    group: 'experiment',
    description: 'Largest resident memory of the process training it (system metrics)',
  },
  {
    id: 'mean_cpu',
    label: 'Mean CPU',
    type: 'number',
    group: 'experiment',
    description: 'Mean CPU share of the process training it, % of one core (system metrics)',
  },
  { id: 'job_id', label: 'Job id', type: 'text', group: 'experiment' },
  { id: 'error', label: 'Error', type: 'text', group: 'experiment' },
];

const sameColumn = (a: ColumnSpec, b: ColumnSpec) =>
  a.id === b.id && a.label === b.label && a.type === b.type && a.group === b.group && a.description === b.description;

/**
 * Every column the table can show. The same array while the columns stay the same: each data post
 * makes new configs and series keys, and a new array here made the grid set up all its columns and
 * lay out every row again.
 */
/** The grid search of each row, on a page of several. */
const GRID_SEARCH_COLUMN: ColumnSpec = { id: 'grid_search', label: 'Grid search', type: 'set', group: 'experiment' };

export const selectColumns = createSelector(
  [selectHyperParameters, (s: RootState) => s.series.keys, (s: RootState) => selectGridSearchNames(s).length > 1],
  (hyper, keys, several): ColumnSpec[] => [
    ...(several ? [LEAD_COLUMNS[0] as ColumnSpec, GRID_SEARCH_COLUMN, ...LEAD_COLUMNS.slice(1)] : LEAD_COLUMNS),
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
  [selectColumns, (s: RootState) => s.analysis.hiddenColumns],
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

const NO_TAGS: readonly string[] = [];

const selectRowExtras = createSelector(
  [selectTagsByExperiment, selectSystemSummaries, selectGridSearchOf],
  (tags, system, gridSearchOf) => ({ tags, system, gridSearchOf }),
);

/**
 * The table's rows: status fields, progress, tags, hyper-parameters, latest scores and system summary, one per
 * experiment (and its grid search, on a page of several). `tags` is the experiment's tag list (empty when it
 * has none): the filters read it as a set.
 */
export const selectGridRows = createSelector(
  [selectExperimentRows, selectHyperParameters, selectLatestScores, selectRowExtras],
  (rows, hyper, scores, { tags, system, gridSearchOf }): GridRow[] =>
    rows.map((r) => ({
      experiment_id: r.experiment_id,
      grid_search: gridSearchOf(r.experiment_id),
      status: displayStatus(r),
      tags: tags[r.experiment_id] ?? NO_TAGS,
      peak_rss: system[r.experiment_id]?.peak_rss ?? null,
      mean_cpu: system[r.experiment_id]?.mean_cpu ?? null,
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
  [(s: RootState) => s.analysis.quickFilter],
  (quick) => compilePattern(quick).error,
);
