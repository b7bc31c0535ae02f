import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { DEFAULT_DENSITY_FROM } from '../../analysis/lineChart/chartLayers';

export interface ChartsState {
  /** Regular expression over series keys: only matching charts are drawn. */
  nameFilter: string;
  logScale: boolean;
  /** Exponential moving average weight, 0 (raw values) to 0.99. */
  smoothing: number;
  /** Whether the table's row filters also filter chart lines. */
  followTableFilter: boolean;
  /** Whether the system metrics' charts (CPU, memory, …) are drawn too. */
  showSystem: boolean;
  /** Beyond this many lines a chart draws their density with quantile bands (the best and selected as lines). */
  densityFrom: number;
  /** Each line's colour: its experiment's (or group's), or its grid search's (several grid searches). */
  colorBy: 'experiment' | 'grid_search';
}

const initialState: ChartsState = {
  nameFilter: '',
  logScale: false,
  smoothing: 0,
  followTableFilter: true,
  showSystem: false,
  densityFrom: DEFAULT_DENSITY_FROM,
  colorBy: 'experiment',
};

declare module '../../store/rootState' {
  interface RootState {
    charts: ChartsState;
  }
}

export const chartsSlice = createSlice({
  name: 'charts',
  initialState,
  reducers: {
    nameFilterChanged(state, action: PayloadAction<string>) {
      state.nameFilter = action.payload;
    },
    logScaleSet(state, action: PayloadAction<boolean>) {
      state.logScale = action.payload;
    },
    smoothingSet(state, action: PayloadAction<number>) {
      state.smoothing = Math.min(0.99, Math.max(0, action.payload));
    },
    followTableFilterSet(state, action: PayloadAction<boolean>) {
      state.followTableFilter = action.payload;
    },
    showSystemSet(state, action: PayloadAction<boolean>) {
      state.showSystem = action.payload;
    },
    densityFromSet(state, action: PayloadAction<number>) {
      if (Number.isFinite(action.payload)) state.densityFrom = Math.max(0, Math.round(action.payload));
    },
    colorBySet(state, action: PayloadAction<ChartsState['colorBy']>) {
      state.colorBy = action.payload;
    },
  },
});

export const {
  nameFilterChanged,
  logScaleSet,
  smoothingSet,
  followTableFilterSet,
  showSystemSet,
  densityFromSet,
  colorBySet,
} = chartsSlice.actions;
