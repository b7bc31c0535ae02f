import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import type { ExperimentRow } from '../../connection/events/dataUpdate';
import { dataReceived, dataReset } from '../../connection/events/dataActions';

export const experimentsAdapter = createEntityAdapter({
  selectId: (row: ExperimentRow) => row.experiment_id,
  sortComparer: (a, b) => a.experiment_id - b.experiment_id,
});

const initialState = experimentsAdapter.getInitialState({
  /** `experiment_config` payloads by experiment id (source of the hyper-parameter columns). */
  configs: {} as Record<number, Record<string, unknown>>,
});

declare module '../../store/rootState' {
  interface RootState {
    experiments: typeof initialState;
  }
}

/** One row per experiment: job and model status fields; scores live in the series slice. */
export const experimentsSlice = createSlice({
  name: 'experiments',
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(dataReceived, (state, { payload }) => {
        if (payload.rows.length) experimentsAdapter.upsertMany(state, payload.rows);
        for (const { experiment_id, config } of payload.configs) state.configs[experiment_id] = config;
      })
      .addCase(dataReset, () => initialState);
  },
});
