import { createSlice, isDraft, original } from '@reduxjs/toolkit';
import { dataReceived, dataReset } from '../../connection/events/dataActions';
import { mergeSeriesPoints } from '../series/seriesSlice';
import type { SeriesState } from '../series/seriesSlice';

const initialState: SeriesState = { keys: [], byKey: {} };

declare module '../../store/rootState' {
  interface RootState {
    /** System metric samples: a series per metric (`rss_bytes`, …), x = wall time in seconds. */
    system: SeriesState;
  }
}

/**
 * Each experiment's system metrics (CPU, memory, tensors, load) over wall time, in the shape of the scores'
 * series, so the one line chart draws them (`ChartCanvas source="system"`).
 */
export const systemSlice = createSlice({
  name: 'system',
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(dataReceived, (draft, { payload }) => {
        if (!payload.system?.length) return;
        return mergeSeriesPoints(isDraft(draft) ? (original(draft) as SeriesState) : draft, payload.system);
      })
      .addCase(dataReset, () => initialState);
  },
});
