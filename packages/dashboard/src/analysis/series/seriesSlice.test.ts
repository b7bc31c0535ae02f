import { describe, expect, it } from 'vitest';
import { evaluation } from '../../test/events';
import { deliver, testStore } from '../../test/fakes';

describe('series state', () => {
  it('keys values by (series, experiment, epoch): out-of-order batches land on their epochs', () => {
    const { store } = testStore();
    deliver(store, [evaluation(0, 2, { f1: 0.3 })]);
    deliver(store, [evaluation(0, 0, { f1: 0.1 }), evaluation(0, 3, { f1: 0.4 })], 1);
    deliver(store, [evaluation(0, 1, { f1: 0.2 })], 3);
    const points = store.getState().series.byKey['val_F1_SCORE_macro']?.byExperiment[0];
    expect(points).toEqual({ epochs: [0, 1, 2, 3], values: [0.1, 0.2, 0.3, 0.4] });
  });

  it('applies a duplicated or replayed batch once', () => {
    const { store } = testStore();
    const batch = [evaluation(0, 0, { f1: 0.1, loss: 1 }), evaluation(0, 1, { f1: 0.2, loss: 0.8 })];
    deliver(store, batch);
    deliver(store, batch);
    deliver(store, [batch[1]!], 1);
    const s = store.getState().series;
    expect(s.keys).toEqual(['val_cross_entropy_loss', 'val_F1_SCORE_macro']);
    expect(s.byKey['val_F1_SCORE_macro']?.byExperiment[0]).toEqual({ epochs: [0, 1], values: [0.1, 0.2] });
    expect(s.byKey['val_cross_entropy_loss']?.byExperiment[0]).toEqual({ epochs: [0, 1], values: [1, 0.8] });
  });

  it('lets a warm-started experiment re-send epochs: the new values replace the old, nothing shifts', () => {
    const { store } = testStore();
    deliver(
      store,
      [0, 1, 2].map((e) => evaluation(5, e, { loss: 1 - e / 10 })),
    );
    // warm start from the checkpoint of epoch 1: epoch 2 is trained again, then 3
    deliver(store, [evaluation(5, 2, { loss: 0.75 }), evaluation(5, 3, { loss: 0.7 })], 3);
    expect(store.getState().series.byKey['val_cross_entropy_loss']?.byExperiment[5]).toEqual({
      epochs: [0, 1, 2, 3],
      values: [1, 0.9, 0.75, 0.7],
    });
  });

  it('draws an experiment that starts late at its own epochs and keeps experiment ids sorted', () => {
    const { store } = testStore();
    deliver(store, [evaluation(3, 0, { f1: 0.5 }), evaluation(3, 1, { f1: 0.6 })]);
    deliver(store, [evaluation(1, 1, { f1: 0.2 })], 2);
    const series = store.getState().series.byKey['val_F1_SCORE_macro'];
    expect(series?.experimentIds).toEqual([1, 3]);
    expect(series?.byExperiment[1]).toEqual({ epochs: [1], values: [0.2] });
  });

  it('gives only the touched series a new identity, so other charts do not re-render', () => {
    const { store } = testStore();
    deliver(store, [evaluation(0, 0, { f1: 0.1, loss: 1 }), evaluation(0, 0, { f1: 0.1, split: 'test' })]);
    const before = store.getState().series.byKey;
    deliver(store, [evaluation(0, 1, { f1: 0.2 })], 2);
    const after = store.getState().series.byKey;
    expect(after['val_F1_SCORE_macro']).not.toBe(before['val_F1_SCORE_macro']);
    expect(after['val_cross_entropy_loss']).toBe(before['val_cross_entropy_loss']);
    expect(after['test_F1_SCORE_macro']).toBe(before['test_F1_SCORE_macro']);
    // the same experiments: the chart's line list keeps its identity; a new experiment changes it
    expect(after['val_F1_SCORE_macro']?.experimentIds).toBe(before['val_F1_SCORE_macro']?.experimentIds);
    const keys = store.getState().series.keys;
    deliver(store, [evaluation(1, 0, { f1: 0.3 })], 3);
    const later = store.getState().series;
    expect(later.byKey['val_F1_SCORE_macro']?.experimentIds).toEqual([0, 1]);
    expect(before['val_F1_SCORE_macro']?.experimentIds).toEqual([0]); // the old state is untouched
    expect(later.keys).toBe(keys);
    expect(Object.isFrozen(later.byKey['val_F1_SCORE_macro'])).toBe(true);
    // immer stops at the frozen wrapper: its arrays stay unfrozen, so the next post copies them fast
    const points = later.byKey['val_F1_SCORE_macro']?.byExperiment[0];
    expect(Object.isFrozen(points)).toBe(true);
    expect(Object.isFrozen(points?.epochs)).toBe(false);
  });
});
