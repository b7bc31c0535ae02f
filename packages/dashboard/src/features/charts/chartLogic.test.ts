import { describe, expect, it } from 'vitest';
import { bestExperiment } from '../../analysis/lineChart/bestExperiment';
import { chartTitle } from './chartData';
import { ema } from '../../analysis/lineChart/ema';
import { legendClick } from './legendClick';
import { tooltipLines } from '../../analysis/lineChart/chartOptions';

describe('chart logic', () => {
  it("legend: solo, add, remove, and the last one restores all (the original's behaviour)", () => {
    const all = [0, 1, 2];
    let hidden = legendClick(new Set(), all, 1);
    expect([...hidden].sort()).toEqual([0, 2]);
    hidden = legendClick(hidden, all, 2);
    expect([...hidden]).toEqual([0]);
    hidden = legendClick(hidden, all, 2);
    expect([...hidden].sort()).toEqual([0, 2]);
    hidden = legendClick(hidden, all, 1);
    expect(hidden.size).toBe(0);
  });

  it('EMA smoothing with bias correction; weight 0 is the identity; gaps stay gaps', () => {
    expect(ema([1, 2, null, 4], 0)).toEqual([1, 2, null, 4]);
    const s = ema([1, 1, 1], 0.9);
    s.forEach((v) => expect(v).toBeCloseTo(1, 12));
    const t = ema([0, 10], 0.5);
    expect(t[1]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / 0.75, 12);
  });

  it('best: highest metric, lowest loss, among the drawn experiments only', () => {
    const points = { 0: { epochs: [0, 1], values: [0.5, 0.9] }, 1: { epochs: [0, 1], values: [0.95, null] } };
    expect(bestExperiment('metric', points, [0, 1])).toEqual({ experimentId: 1, epoch: 0, value: 0.95 });
    expect(bestExperiment('metric', points, [0])).toEqual({ experimentId: 0, epoch: 1, value: 0.9 });
    expect(bestExperiment('loss', points, [0, 1])).toEqual({ experimentId: 0, epoch: 0, value: 0.5 });
    expect(bestExperiment('loss', points, [])).toBeNull();
  });

  it("chart titles: the original's lower-case words", () => {
    expect(chartTitle('val_F1_SCORE_macro')).toBe('val f1 score macro');
  });
});

describe('tooltip lines with hostile names', () => {
  it('isolates names and values with bidi controls and names at most 20 hyper-parameters', () => {
    const columns = Array.from({ length: 25 }, (_, i) => ({ id: `hp:k${i}`, path: `k${i}`, label: `k${i}` }));
    columns[0] = { id: 'hp:evil', path: 'evil', label: 'lr\u202E' };
    const values = { 3: { 'hp:evil': 'cod.exe\u202E', 'hp:k1': 0.5 } };
    const lines = tooltipLines({ experimentId: 3, epoch: 2, value: 0.9, star: false }, { columns, values, common: {} });
    expect(lines[2]).toBe('  \u2068lr\u202E\u2069 = \u2068cod.exe\u202E\u2069');
    expect(lines[3]).toBe('  k1 = 0.5');
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines.at(-1)).toBe('  … and 5 more hyper-parameters');
  });
});
