import { describe, expect, it } from 'vitest';
import type { MlgymEvent } from '@mlgym/protocol';
import { deliver, testStore } from '../../test/fakes';
import { evaluation, jobStatus } from '../../test/events';
import { MAX_CHARTS, selectChartsNotDrawn, selectDrawnChartKeys } from '../../features/charts/chartSelectors';
import { columnVisibilitySet } from '../../analysis/analysisSlice';
import { MAX_COLUMNS_PER_GROUP, selectColumnsLeftOut, selectShownColumns } from '../../analysis/experimentTable';
import { BOARD_LIMITS } from './dataUpdate';
import { createEventFolder } from './eventFolder';
import { MAX_HYPER_PARAMETERS, deriveHyperParameters } from '../../analysis/experiments/hyperParameters';
import { MAX_AXES, parallelData } from '../../analysis/parallelData';

/** One evaluation event with `n` distinct metric names, as a hostile publisher sends them. */
function manyMetrics(experiment: number, first: number, n: number): MlgymEvent {
  const e = evaluation(experiment, 0, {});
  if (e.event_type !== 'evaluation_result') throw new Error('not an evaluation');
  e.payload.metric_scores = Array.from({ length: n }, (_, i) => ({
    metric: `m${String(first + i).padStart(6, '0')}`,
    split: 'val',
    score: i / n,
  }));
  return e;
}

describe("the board's limits", () => {
  it('the worker keeps the first series and experiments; what lies beyond is counted and its names listed', () => {
    const folder = createEventFolder(-1, { experiments: 2, series: 3, listedNames: 2 });
    folder.fold(0, manyMetrics(0, 0, 5)); // m0..m4: m3 and m4 beyond
    folder.fold(1, jobStatus(1, 'RUNNING'));
    folder.fold(2, jobStatus(2, 'RUNNING')); // a third experiment: left out
    folder.fold(3, evaluation(2, 0, { f1: 0.5 }));
    const first = folder.take();
    expect(first.rows.map((r) => r.experiment_id)).toEqual([0, 1]);
    expect(new Set(first.points.map((p) => p.key))).toEqual(new Set(['val_m000000', 'val_m000001', 'val_m000002']));
    expect(first.leftOut).toEqual({
      seriesNames: ['val_m000003', 'val_m000004'],
      series: 2,
      scores: 2,
      experimentEvents: 2,
    });
    // later updates: the admitted ones go on, new names are counted (listed up to the limit only)
    folder.fold(4, manyMetrics(1, 2, 4)); // m2 (kept), m3, m4 (known as left out), m5 (new)
    const second = folder.take();
    expect(second.points.map((p) => p.key)).toEqual(['val_m000002']);
    expect(second.leftOut).toEqual({ seriesNames: [], series: 1, scores: 3, experimentEvents: 0 });
    folder.fold(5, manyMetrics(0, 0, 1));
    expect(folder.take().leftOut).toBeUndefined();
  });

  it('100,000 metric names from one publisher: the store keeps the limit, the page draws at most its own', () => {
    const { store } = testStore();
    const events = Array.from({ length: 25 }, (_, i) => manyMetrics(0, i * 4000, 4000));
    deliver(store, events);
    const s = store.getState();
    expect(s.series.keys).toHaveLength(BOARD_LIMITS.series);
    expect(s.connection.leftOut.series).toBe(100_000 - BOARD_LIMITS.series);
    expect(s.connection.leftOut.seriesNames).toHaveLength(BOARD_LIMITS.listedNames);
    expect(selectDrawnChartKeys(s)).toHaveLength(MAX_CHARTS);
    expect(selectChartsNotDrawn(s)).toHaveLength(BOARD_LIMITS.series - MAX_CHARTS);
    const scores = selectShownColumns(s).filter((c) => c.group === 'score');
    expect(scores).toHaveLength(MAX_COLUMNS_PER_GROUP);
    expect(selectColumnsLeftOut(s)).toHaveLength(BOARD_LIMITS.series - MAX_COLUMNS_PER_GROUP);
    // hiding a drawn column makes room for the next one
    store.dispatch(columnVisibilitySet({ column: scores[0]!.id, visible: false }));
    const next = selectShownColumns(store.getState()).filter((c) => c.group === 'score');
    expect(next).toHaveLength(MAX_COLUMNS_PER_GROUP);
    expect(next.at(-1)?.id).toBe(selectColumnsLeftOut(s)[0]?.id);
  });

  it('a config with 50,000 swept keys: 1,000 hyper-parameters kept, 30 sweep axes, the rest counted', () => {
    const wide = (id: number) => Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, id * i]));
    const hyper = deriveHyperParameters({ 0: wide(0), 1: wide(1) });
    expect(hyper.columns).toHaveLength(MAX_HYPER_PARAMETERS);
    expect(hyper.omitted).toBe(50_000 - 1 - MAX_HYPER_PARAMETERS); // k0 is 0 in both: not swept
    expect(Object.keys(hyper.values[1] ?? {})).toHaveLength(MAX_HYPER_PARAMETERS);
    expect(parallelData([0, 1], hyper, undefined, 'final').axes).toHaveLength(MAX_AXES);
  });
});
