import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { dataReset } from '../connection/events/dataActions';
import type { Brush } from './parallelData';
import type { MetricMode } from './series/seriesValue';
import type { ColumnFilter } from './rowFilter';
import type { BandKind } from './grouping/aggregatePoints';
import type { GroupBy } from './grouping/groupExperiments';
import type { AnalysisView, SavedView } from './view/analysisView';
import { DEFAULT_VIEW, withSavedView } from './view/analysisView';

/**
 * What the person chose to look at, owned here once and read by every view: the table's rows and the
 * charts' lines pass the same filters, brushes and compare focus (see analysisSelectors.ts).
 */
export interface AnalysisState {
  /** A regular expression matched against every shown column. */
  quickFilter: string;
  columnFilters: ColumnFilter[];
  /** Columns the person hid (the quick filter skips them); new columns start visible. */
  hiddenColumns: string[];
  /** The parallel coordinates' metric axis: a series key (null: the first validation metric)… */
  sweepMetric: string | null;
  /** …read at the final or the best epoch. */
  sweepMode: MetricMode;
  /** Brushes of the parallel coordinates, by axis id. */
  brushes: Record<string, Brush>;
  /** Experiments chosen for comparison, ascending. */
  compared: number[];
  /** Whether only the compared experiments are listed and drawn (needs two or more). */
  focus: boolean;
  /** The expression filter as typed (see analysis/expression): applied while it compiles. */
  expression: string;
  /** How experiments are grouped; null: the page's default (by combination for CV runs, else none). */
  groupBy: GroupBy | null;
  /** The grouping the group switch turns back on (the last one other than none). */
  lastGroupBy: GroupBy | null;
  /** What is drawn around a group's mean. */
  band: BandKind;
  /** Keys of the table's groups listed with their experiments. */
  expandedGroups: string[];
  /** Named views (grouping, band, expression), kept in localStorage. */
  savedViews: SavedView[];
  /** What the page's link named for the view and could not be read (shown until the view changes). */
  viewProblems: string[];
}

export const initialAnalysisState: AnalysisState = {
  quickFilter: '',
  columnFilters: [],
  hiddenColumns: [],
  sweepMetric: null,
  sweepMode: 'final',
  brushes: {},
  compared: [],
  focus: false,
  expression: DEFAULT_VIEW.expression,
  groupBy: DEFAULT_VIEW.groupBy,
  lastGroupBy: null,
  band: DEFAULT_VIEW.band,
  expandedGroups: [],
  savedViews: [],
  viewProblems: [],
};

/** The view (grouping, band, expression) the state holds: what the URL and saved views carry. */
export const viewOf = (s: Pick<AnalysisState, 'groupBy' | 'band' | 'expression'>): AnalysisView => ({
  groupBy: s.groupBy,
  band: s.band,
  expression: s.expression,
});

function group(state: AnalysisState, groupBy: GroupBy | null): void {
  if (groupBy && groupBy.kind !== 'none') state.lastGroupBy = groupBy;
  state.groupBy = groupBy;
  state.expandedGroups = [];
  state.viewProblems = [];
}

declare module '../store/rootState' {
  interface RootState {
    analysis: AnalysisState;
  }
}

function compare(state: AnalysisState, ids: number[]): void {
  state.compared = ids;
  if (ids.length < 2) state.focus = false;
}

export const analysisSlice = createSlice({
  name: 'analysis',
  initialState: initialAnalysisState,
  reducers: {
    quickFilterChanged(state, action: PayloadAction<string>) {
      state.quickFilter = action.payload;
    },
    /** Sets (or, with `null`, removes) the filter of one column. */
    columnFilterSet(state, action: PayloadAction<{ column: string; filter: ColumnFilter | null }>) {
      const rest = state.columnFilters.filter((f) => f.column !== action.payload.column);
      state.columnFilters = action.payload.filter ? [...rest, action.payload.filter] : rest;
    },
    filtersCleared(state) {
      state.quickFilter = '';
      state.columnFilters = [];
    },
    columnVisibilitySet(state, action: PayloadAction<{ column: string; visible: boolean }>) {
      const { column, visible } = action.payload;
      const hidden = state.hiddenColumns.filter((c) => c !== column);
      state.hiddenColumns = visible ? hidden : [...hidden, column];
    },
    allColumnsShown(state) {
      state.hiddenColumns = [];
    },
    // Another metric (or epoch) is another axis: its brush goes.
    metricChosen(state, action: PayloadAction<string>) {
      state.sweepMetric = action.payload;
      delete state.brushes['metric'];
    },
    modeChosen(state, action: PayloadAction<MetricMode>) {
      state.sweepMode = action.payload;
      delete state.brushes['metric'];
    },
    /** Sets (or, with null, removes) the brush of one axis. */
    brushSet(state, action: PayloadAction<{ axis: string; brush: Brush | null }>) {
      if (action.payload.brush) state.brushes[action.payload.axis] = action.payload.brush;
      else delete state.brushes[action.payload.axis];
    },
    brushesCleared(state) {
      state.brushes = {};
    },
    /** Sets the compared experiments (the table's row selection, the sweep's "Compare these"). */
    compareSelectionSet(state, action: PayloadAction<number[]>) {
      compare(
        state,
        [...new Set(action.payload)].sort((a, b) => a - b),
      );
    },
    compareToggled(state, action: PayloadAction<number>) {
      const id = action.payload;
      const ids = state.compared;
      compare(state, ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].sort((a, b) => a - b));
    },
    compareFocusSet(state, action: PayloadAction<boolean>) {
      state.focus = action.payload && state.compared.length >= 2;
    },
    expressionChanged(state, action: PayloadAction<string>) {
      state.expression = action.payload;
      state.viewProblems = [];
    },
    /** Groups by `groupBy` (null: the page's default). */
    groupBySet(state, action: PayloadAction<GroupBy | null>) {
      group(state, action.payload);
    },
    /**
     * The group switch: off ungroups (today's view); on groups as before, else by the page's default
     * (`fallback`: the combination for a CV run, else the first swept key).
     */
    groupingSwitched(state, action: PayloadAction<{ on: boolean; fallback: GroupBy }>) {
      group(state, action.payload.on ? (state.lastGroupBy ?? action.payload.fallback) : { kind: 'none' });
    },
    bandSet(state, action: PayloadAction<BandKind>) {
      state.band = action.payload;
    },
    /** Lists a table group's experiments under it, or folds them away. */
    groupExpanded(state, action: PayloadAction<{ key: string; expanded: boolean }>) {
      const rest = state.expandedGroups.filter((k) => k !== action.payload.key);
      state.expandedGroups = action.payload.expanded ? [...rest, action.payload.key] : rest;
    },
    /** A view from the URL or a saved view: grouping, band and expression at once. */
    viewApplied(state, action: PayloadAction<AnalysisView>) {
      const { groupBy, band, expression } = action.payload;
      if (JSON.stringify(groupBy) !== JSON.stringify(state.groupBy)) group(state, groupBy);
      state.band = band;
      state.expression = expression;
    },
    /** Saves the current view under a name (replacing a view of that name). */
    viewSaved(state, action: PayloadAction<string>) {
      state.savedViews = withSavedView(state.savedViews, action.payload, viewOf(state));
    },
    viewDeleted(state, action: PayloadAction<string>) {
      state.savedViews = state.savedViews.filter((v) => v.name !== action.payload);
    },
  },
  extraReducers: (builder) => {
    // Another grid search has other experiments and axes; the filters and columns stay (they are words).
    builder.addCase(dataReset, (state) => ({
      ...initialAnalysisState,
      quickFilter: state.quickFilter,
      columnFilters: state.columnFilters,
      hiddenColumns: state.hiddenColumns,
      sweepMode: state.sweepMode,
      expression: state.expression,
      groupBy: state.groupBy,
      lastGroupBy: state.lastGroupBy,
      band: state.band,
      savedViews: state.savedViews,
    }));
  },
});

export const {
  quickFilterChanged,
  columnFilterSet,
  filtersCleared,
  columnVisibilitySet,
  allColumnsShown,
  metricChosen,
  modeChosen,
  brushSet,
  brushesCleared,
  compareSelectionSet,
  compareToggled,
  compareFocusSet,
  expressionChanged,
  groupBySet,
  groupingSwitched,
  bandSet,
  groupExpanded,
  viewApplied,
  viewSaved,
  viewDeleted,
} = analysisSlice.actions;
