import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { dataReset } from '../connection/events/dataActions';
import type { Brush, MetricMode } from './parallelData';

export interface SweepState {
  /** Series key of the metric axis (null: the first series). */
  metricKey: string | null;
  mode: MetricMode;
  /** Brushes by axis id; together they filter the table and the chart lines. */
  brushes: Record<string, Brush>;
}

const initialState: SweepState = { metricKey: null, mode: 'final', brushes: {} };

export const sweepSlice = createSlice({
  name: 'sweep',
  initialState,
  reducers: {
    metricChosen(state, action: PayloadAction<string>) {
      state.metricKey = action.payload;
      delete state.brushes['metric'];
    },
    modeChosen(state, action: PayloadAction<MetricMode>) {
      state.mode = action.payload;
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
  },
  extraReducers: (builder) => {
    // Another grid search has other axes.
    builder.addCase(dataReset, (state) => ({ ...initialState, mode: state.mode }));
  },
});

export const { metricChosen, modeChosen, brushSet, brushesCleared } = sweepSlice.actions;
