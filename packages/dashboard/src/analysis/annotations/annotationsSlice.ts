import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import { emptyTarget } from '@mlgym/protocol';
import type { AnnotationTarget } from '@mlgym/protocol';
import { dataReceived, dataReset } from '../../connection/events/dataActions';

/** An experiment's tags and note (see `AnnotationTarget` in @mlgym/protocol). */
export interface ExperimentAnnotation extends AnnotationTarget {
  experiment_id: number;
}

export const annotationsAdapter = createEntityAdapter({
  selectId: (a: ExperimentAnnotation) => a.experiment_id,
  sortComparer: (a, b) => a.experiment_id - b.experiment_id,
});

const initialState = annotationsAdapter.getInitialState({
  /** The grid search's own tags and note. */
  gridSearch: emptyTarget(),
});

export type AnnotationsState = typeof initialState;

declare module '../../store/rootState' {
  interface RootState {
    annotations: AnnotationsState;
  }
}

/**
 * Tags and notes of the experiments and of the grid search, as the socket worker folds them from the log's
 * annotation events (each update carries the targets it changed, whole: applying one twice changes nothing).
 */
export const annotationsSlice = createSlice({
  name: 'annotations',
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(dataReceived, (state, { payload }) => {
        for (const { experiment_id, target } of payload.annotations ?? []) {
          if (experiment_id === null) state.gridSearch = target;
          else annotationsAdapter.setOne(state, { experiment_id, ...target });
        }
      })
      .addCase(dataReset, () => initialState);
  },
});
