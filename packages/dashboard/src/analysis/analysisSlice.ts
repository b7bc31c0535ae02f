import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { dataReset } from '../connection/events/dataActions';
import type { Brush } from './parallelData';
import type { MetricMode } from './series/seriesValue';
import type { ColumnFilter } from './rowFilter';

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
};

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
  },
  extraReducers: (builder) => {
    // Another grid search has other experiments and axes; the filters and columns stay (they are words).
    builder.addCase(dataReset, (state) => ({
      ...initialAnalysisState,
      quickFilter: state.quickFilter,
      columnFilters: state.columnFilters,
      hiddenColumns: state.hiddenColumns,
      sweepMode: state.sweepMode,
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
} = analysisSlice.actions;
