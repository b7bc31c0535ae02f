import { describe, expect, it } from 'vitest';
import { evaluation, experimentConfig, experimentStatus, jobStatus } from '../test/events';
import { deliver, memoryStorage, testStore } from '../test/fakes';
import { readStoredAnalysis } from './analysisPersistence';
import { columnFilterSet, columnVisibilitySet, quickFilterChanged } from './analysisSlice';
import { selectFilteredExperimentIds } from './analysisSelectors';
import { selectColumns, selectGridRows, selectShownColumns } from './experimentTable';

function grid() {
  const { store, storage } = testStore();
  deliver(store, [
    experimentConfig(0, 0.01, 16),
    experimentConfig(1, 0.001, 16),
    experimentConfig(2, 0.001, 64),
    jobStatus(0, 'DONE'),
    jobStatus(1, 'DONE', 'CUDA out of memory'),
    jobStatus(2, 'RUNNING'),
    experimentStatus(2, 1, 'train', 4),
    evaluation(0, 0, { f1: 0.4, loss: 0.9 }),
    evaluation(0, 1, { f1: 0.6, loss: 0.5 }),
    evaluation(2, 0, { f1: 0.3, loss: 1.1 }),
  ]);
  return { store, storage };
}

describe('table selectors', () => {
  it('one row per experiment: status (failed with its error), progress, swept hyper-parameters, latest scores', () => {
    const { store } = grid();
    const rows = selectGridRows(store.getState());
    expect(rows.map((r) => [r.experiment_id, r['status']])).toEqual([
      [0, 'COMPLETED'],
      [1, 'FAILED'],
      [2, 'RUNNING'],
    ]);
    expect(rows[0]).toMatchObject({ epoch_progress: 1, batch_progress: 1, duration: 90, val_F1_SCORE_macro: 0.6 });
    expect(rows[0]).toMatchObject({ 'hp:optimizer.config.params.lr': 0.01, 'hp:data_loaders.config.batch_size': 16 });
    expect(rows[1]).toMatchObject({ error: 'CUDA out of memory', epoch_progress: null });
    // epoch 1 of 4, batch index 4 of 10 in training: 1.5 epochs done
    expect(rows[2]).toMatchObject({
      epoch_progress: 1.5 / 4,
      batch_progress: 0.5,
      duration: null,
      val_cross_entropy_loss: 1.1,
    });
    expect(rows[2]?.['val_F1_SCORE_macro']).toBe(0.3);
  });

  it('latest score is the value at the highest epoch, whatever the arrival order', () => {
    const { store } = grid();
    deliver(store, [evaluation(0, 0, { f1: 0.99 })], 10);
    expect(selectGridRows(store.getState())[0]?.['val_F1_SCORE_macro']).toBe(0.6);
  });

  it('columns: lead, hyper-parameters, scores, the rest; hidden ones stay hidden when new columns come', () => {
    const { store, storage } = grid();
    const ids = selectColumns(store.getState()).map((c) => c.id);
    expect(ids.slice(0, 7)).toEqual([
      'experiment_id',
      'status',
      'epoch_progress',
      'hp:data_loaders.config.batch_size',
      'hp:optimizer.config.params.lr',
      'val_cross_entropy_loss',
      'val_F1_SCORE_macro',
    ]);
    store.dispatch(columnVisibilitySet({ column: 'val_cross_entropy_loss', visible: false }));
    deliver(store, [evaluation(0, 2, { f1: 0.7, loss: 0.4, split: 'test' })], 20);
    const shown = selectShownColumns(store.getState()).map((c) => c.id);
    expect(shown).toContain('test_F1_SCORE_macro');
    expect(shown).not.toContain('val_cross_entropy_loss');
    expect(readStoredAnalysis(storage).hiddenColumns).toEqual(['val_cross_entropy_loss']);
    expect(readStoredAnalysis(memoryStorage()).hiddenColumns).toEqual([]);
  });

  it('the columns keep their identity while data comes that adds none (the grid sets its columns up again for a new array)', () => {
    const { store } = grid();
    const before = selectColumns(store.getState());
    // a new experiment with the same swept parameters, new scores for known series
    deliver(store, [experimentConfig(3, 0.01, 64), evaluation(3, 0, { f1: 0.5, loss: 0.8 })], 40);
    expect(selectGridRows(store.getState())).toHaveLength(4);
    expect(selectColumns(store.getState())).toBe(before);
    expect(selectShownColumns(store.getState())).toBe(selectShownColumns(store.getState()));
    const shown = selectShownColumns(store.getState());
    deliver(store, [evaluation(3, 1, { f1: 0.55 })], 50);
    expect(selectShownColumns(store.getState())).toBe(shown);
    // a new split is a new column: a new array
    deliver(store, [evaluation(3, 2, { f1: 0.6, split: 'test' })], 60);
    expect(selectColumns(store.getState())).not.toBe(before);
    expect(selectColumns(store.getState()).map((c) => c.id)).toContain('test_F1_SCORE_macro');
  });

  it('row filters give the experiment ids charts draw; the set keeps its identity while unchanged', () => {
    const { store } = grid();
    expect(selectFilteredExperimentIds(store.getState())).toBeNull();
    store.dispatch(
      columnFilterSet({
        column: 'hp:optimizer.config.params.lr',
        filter: { column: 'hp:optimizer.config.params.lr', kind: 'range', min: null, max: 0.005 },
      }),
    );
    const first = selectFilteredExperimentIds(store.getState());
    expect([...(first ?? [])]).toEqual([1, 2]);
    deliver(store, [evaluation(2, 1, { f1: 0.35 })], 30);
    expect(selectFilteredExperimentIds(store.getState())).toBe(first);
    store.dispatch(quickFilterChanged('running'));
    expect([...(selectFilteredExperimentIds(store.getState()) ?? [])]).toEqual([2]);
  });
});
