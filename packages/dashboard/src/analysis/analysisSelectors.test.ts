import { describe, expect, it } from 'vitest';
import { evaluation, experimentConfig } from '../test/events';
import { deliver, testStore } from '../test/fakes';
import { dataReset } from '../connection/events/dataActions';
import {
  brushSet,
  brushesCleared,
  columnFilterSet,
  compareFocusSet,
  compareSelectionSet,
  modeChosen,
} from './analysisSlice';
import { selectAnalysisFilterIds, selectFilteredExperimentIds } from './analysisSelectors';
import { selectParallelData } from './parallelSelectors';
import { brushFromPositions } from './parallelData';

function loaded() {
  const { store } = testStore();
  deliver(store, [
    experimentConfig(0, 0.1, 16),
    experimentConfig(1, 0.01, 16),
    experimentConfig(2, 0.1, 32),
    experimentConfig(3, 0.01, 32),
    ...[0, 1, 2, 3].flatMap((id) => [
      evaluation(id, 0, { f1: 0.5 + id / 10 }),
      evaluation(id, 1, { f1: id === 3 ? 0.2 : 0.6 + id / 10 }),
    ]),
  ]);
  return store;
}

const ids = (s: ReadonlySet<number> | null) => (s ? [...s].sort() : null);

describe('analysis filters in the store', () => {
  it('brushing an axis filters the rows the table and charts show, together with their own filters', () => {
    const store = loaded();
    const data = selectParallelData(store.getState());
    expect(data.axes.map((a) => a.id)).toEqual([
      'hp:data_loaders.config.batch_size',
      'hp:optimizer.config.params.lr',
      'metric',
    ]);
    expect(selectFilteredExperimentIds(store.getState())).toBeNull();
    const lr = data.axes[1]!;
    store.dispatch(brushSet({ axis: lr.id, brush: brushFromPositions(lr, 0.8, 1) }));
    expect(ids(selectFilteredExperimentIds(store.getState()))).toEqual([0, 2]);
    // A column filter of the table narrows it further.
    store.dispatch(
      columnFilterSet({
        column: 'hp:data_loaders.config.batch_size',
        filter: { column: 'hp:data_loaders.config.batch_size', kind: 'range', min: 20, max: null },
      }),
    );
    expect(ids(selectFilteredExperimentIds(store.getState()))).toEqual([2]);
    store.dispatch(brushesCleared());
    expect(ids(selectFilteredExperimentIds(store.getState()))).toEqual([2, 3]);
  });

  it('the metric axis uses the final or the best epoch', () => {
    const store = loaded();
    const metricAt = () => selectParallelData(store.getState()).lines.map((l) => l.values['metric']);
    expect(metricAt()).toEqual([0.6, 0.7, 0.8, 0.2]);
    store.dispatch(modeChosen('best'));
    expect(metricAt()).toEqual([0.6, 0.7, 0.8, 0.8]);
  });

  it('compare focus keeps only the compared experiments; a new grid search forgets brushes and selection', () => {
    const store = loaded();
    store.dispatch(compareSelectionSet([3, 1]));
    expect(selectAnalysisFilterIds(store.getState())).toBeNull();
    store.dispatch(compareFocusSet(true));
    expect(ids(selectFilteredExperimentIds(store.getState()))).toEqual([1, 3]);
    store.dispatch(compareSelectionSet([3]));
    expect(store.getState().analysis.focus).toBe(false);
    const lr = selectParallelData(store.getState()).axes[1]!;
    store.dispatch(brushSet({ axis: lr.id, brush: brushFromPositions(lr, 0, 0.1) }));
    store.dispatch(dataReset());
    expect(store.getState().analysis.brushes).toEqual({});
    expect(store.getState().analysis.compared).toEqual([]);
  });
});
