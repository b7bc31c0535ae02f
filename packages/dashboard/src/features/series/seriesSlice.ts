import { createSlice, isDraft, original } from '@reduxjs/toolkit';
import type { SeriesKind } from '../events/dataUpdate';
import { dataReceived, dataReset } from '../events/dataActions';
import type { ColumnarPoints } from './upsertPoints';
import { upsertPoints } from './upsertPoints';

/** One `<split>_<metric or loss>` series: columnar points per experiment. */
export interface Series {
  key: string;
  split: string;
  tag: string;
  kind: SeriesKind;
  /** Experiment ids drawn, ascending. */
  experimentIds: number[];
  byExperiment: Record<number, ColumnarPoints>;
}

export interface SeriesState {
  /** Series keys, sorted. */
  keys: string[];
  byKey: Record<string, Series>;
}

const initialState: SeriesState = { keys: [], byKey: {} };

function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let i = list.length;
  while (i > 0 && compare(list[i - 1] as T, item) > 0) i--;
  list.splice(i, 0, item);
}

/** Frozen in one native call each, so immer does not walk every element to freeze it. */
function frozen(points: ColumnarPoints): ColumnarPoints {
  Object.freeze(points.epochs);
  Object.freeze(points.values);
  return points;
}

/**
 * Metric and loss values keyed by (series, experiment, epoch). Only the series an update touches
 * get new object identities, so each chart re-renders only for its own points.
 */
export const seriesSlice = createSlice({
  name: 'series',
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(dataReceived, (state, { payload }) => {
        for (const p of payload.points) {
          let s = state.byKey[p.key];
          if (!s) {
            s = state.byKey[p.key] = {
              key: p.key,
              split: p.split,
              tag: p.tag,
              kind: p.kind,
              experimentIds: [],
              byExperiment: {},
            };
            insertSorted(state.keys, p.key, (a, b) => a.localeCompare(b));
          }
          const existing = s.byExperiment[p.experiment_id];
          if (existing) {
            // Merged on plain copies, not through the draft: a proxy trap per point costs more than the copy.
            const base = isDraft(existing) ? original(existing) : existing;
            const next = { epochs: base ? base.epochs.slice() : [], values: base ? base.values.slice() : [] };
            upsertPoints(next, p.epochs, p.values);
            s.byExperiment[p.experiment_id] = frozen(next);
          } else {
            const next: ColumnarPoints = { epochs: [], values: [] };
            upsertPoints(next, p.epochs, p.values);
            s.byExperiment[p.experiment_id] = frozen(next);
            insertSorted(s.experimentIds, p.experiment_id, (a, b) => a - b);
          }
        }
      })
      .addCase(dataReset, () => initialState);
  },
});
