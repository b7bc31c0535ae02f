import { createSlice, isDraft, original } from '@reduxjs/toolkit';
import type { SeriesKind } from '../../connection/events/dataUpdate';
import { dataReceived, dataReset } from '../../connection/events/dataActions';
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

declare module '../../store/rootState' {
  interface RootState {
    series: SeriesState;
  }
}

/** The order of series keys (as `localeCompare`, several times faster per comparison). */
const byName = new Intl.Collator();

function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let i = list.length;
  while (i > 0 && compare(list[i - 1] as T, item) > 0) i--;
  list.splice(i, 0, item);
}

/**
 * Only the wrapper is frozen: immer then neither walks nor freezes its arrays. Frozen arrays would
 * make the next post's copy of them (`slice`) take V8's slow path, about 50 times slower: most of a
 * live page's time went there. The arrays are never written after this.
 */
function frozen(points: ColumnarPoints): ColumnarPoints {
  return Object.freeze(points);
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
      .addCase(dataReceived, (draft, { payload }) => {
        if (!payload.points.length) return;
        // Built as plain objects from the base state, not through immer's drafts: a proxy per series,
        // per experiment and per point list made applying a live post several times slower.
        const state = isDraft(draft) ? (original(draft) as SeriesState) : draft;
        const byKey = { ...state.byKey };
        let keys = state.keys;
        // new keys are sorted in once: inserting each of a thousand new series one by one took seconds
        const newKeys: string[] = [];
        const copied = new Map<string, { series: Series; idsCopied: boolean }>();
        for (const p of payload.points) {
          let entry = copied.get(p.key);
          if (!entry) {
            const old = byKey[p.key];
            const series: Series = old
              ? { ...old, byExperiment: { ...old.byExperiment } }
              : { key: p.key, split: p.split, tag: p.tag, kind: p.kind, experimentIds: [], byExperiment: {} };
            if (!old) newKeys.push(p.key);
            entry = { series, idsCopied: !old };
            copied.set(p.key, entry);
            byKey[p.key] = series;
          }
          const s = entry.series;
          const existing = s.byExperiment[p.experiment_id];
          const next: ColumnarPoints = existing
            ? { epochs: existing.epochs.slice(), values: existing.values.slice() }
            : { epochs: [], values: [] };
          upsertPoints(next, p.epochs, p.values);
          s.byExperiment[p.experiment_id] = frozen(next);
          if (!existing) {
            if (!entry.idsCopied) {
              s.experimentIds = s.experimentIds.slice();
              entry.idsCopied = true;
            }
            insertSorted(s.experimentIds, p.experiment_id, (a, b) => a - b);
          }
        }
        if (newKeys.length) keys = [...keys, ...newKeys].sort(byName.compare);
        // Frozen here, one level each, so immer does not walk the new state: its walk over the points
        // of 1,000 experiments took as long as building them.
        for (const { series } of copied.values()) {
          Object.freeze(series.byExperiment);
          Object.freeze(series);
        }
        return Object.freeze({ keys, byKey: Object.freeze(byKey) });
      })
      .addCase(dataReset, () => initialState);
  },
});
