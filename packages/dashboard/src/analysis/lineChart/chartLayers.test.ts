import { describe, expect, it } from 'vitest';
import type { Series } from '../series/seriesSlice';
import { layOut } from './chartLayers';

function series(n: number): Series {
  const byExperiment: Series['byExperiment'] = {};
  for (let id = 0; id < n; id++) byExperiment[id] = { epochs: [0, 1], values: [id, id + 1] };
  return {
    key: 'val_acc',
    split: 'val',
    tag: 'acc',
    kind: 'metric',
    experimentIds: Object.keys(byExperiment).map(Number),
    byExperiment,
  };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const base = { hidden: new Set<number>(), smoothing: 0, densityFrom: 300 };

describe('what a chart draws', () => {
  it('up to the setting: every line, the best one thicker; no density', () => {
    const s = series(300);
    const { lines, density } = layOut({
      ...base,
      series: s,
      ids: range(300),
      best: { experimentId: 7, epoch: 1, value: 8 },
    });
    expect(lines.map((l) => l.id)).toEqual(range(300));
    expect(lines.find((l) => l.id === 7)?.width).toBe(3);
    expect(density).toBeNull();
  });

  it('beyond it: the density of every line, and over it the best and the selected ones (hidden ones left out)', () => {
    const s = series(1000);
    const { lines, density } = layOut({
      ...base,
      series: s,
      ids: range(1000),
      hidden: new Set([5]),
      best: { experimentId: 999, epoch: 1, value: 1000 },
      highlighted: [3, 5, 999, 4000],
    });
    expect(density?.lines).toHaveLength(999);
    // the density is the chart's experiments: what it says it drew counts them
    expect(density?.context).toBeUndefined();
    expect(lines.map((l) => [l.id, l.width])).toEqual([
      [999, 3],
      [3, 2],
    ]);
  });

  it('a filter narrowing many experiments to a few: their lines over the density of all', () => {
    const s = series(1000);
    const { lines, density } = layOut({ ...base, series: s, ids: [1, 2], best: null, context: range(1000) });
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    expect(density?.lines).toHaveLength(1000);
    // behind them as context: the chart's experiments are the filtered ones
    expect(density?.context).toBe(true);
    // a filter of few among few: lines only
    expect(layOut({ ...base, series: series(20), ids: [1, 2], best: null, context: range(20) }).density).toBeNull();
  });

  it('switches at once when the setting changes: the same lines, drawn the other way', () => {
    const s = series(500);
    const dense = layOut({ ...base, series: s, ids: range(500), best: null });
    const lines = layOut({ ...base, densityFrom: 500, series: s, ids: range(500), best: null });
    expect(dense.density?.lines.map((l) => l.line)).toEqual(lines.lines.map((l) => l.line));
  });
});
