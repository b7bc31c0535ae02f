import { describe, expect, it } from 'vitest';
import { deriveHyperParameters } from './experiments/hyperParameters';
import type { Series } from './series/seriesSlice';
import { axisPosition, brushFromPositions, brushedIds, parallelData } from './parallelData';
import { seriesValue } from './series/seriesValue';

const configs = {
  0: { optimizer: { config: { lr: 0.001, key: 'ADAM' } }, loader: { config: { batch_size: 16 } } },
  1: { optimizer: { config: { lr: 0.1, key: 'ADAM' } }, loader: { config: { batch_size: 16 } } },
  2: { optimizer: { config: { lr: 0.001, key: 'SGD' } }, loader: { config: { batch_size: 32 } } },
  3: { optimizer: { config: { lr: 0.1, key: 'SGD' } }, loader: { config: { batch_size: 32 } } },
};

const loss: Series = {
  key: 'val_loss',
  split: 'val',
  tag: 'loss',
  kind: 'loss',
  experimentIds: [0, 1, 2, 3],
  byExperiment: {
    0: { epochs: [0, 1, 2], values: [0.9, 0.5, 0.6] },
    1: { epochs: [0, 1], values: [0.8, null] },
    2: { epochs: [0, 1, 2], values: [0.7, 0.4, 0.3] },
    3: { epochs: [], values: [] },
  },
};

describe('parallelData', () => {
  it('reads the final (last non-null) or best epoch of a series; best of a loss is its lowest', () => {
    expect(seriesValue(loss, 0, 'final')).toBe(0.6);
    expect(seriesValue(loss, 0, 'best')).toBe(0.5);
    expect(seriesValue(loss, 1, 'final')).toBe(0.8);
    expect(seriesValue(loss, 3, 'final')).toBeNull();
    expect(seriesValue({ ...loss, kind: 'metric' }, 0, 'best')).toBe(0.9);
  });

  it('has one axis per swept hyper-parameter plus the metric', () => {
    const data = parallelData([0, 1, 2, 3], deriveHyperParameters(configs), loss, 'final');
    expect(data.axes.map((a) => [a.id, a.kind])).toEqual([
      ['hp:loader.config.batch_size', 'numeric'],
      ['hp:optimizer.config.key', 'categorical'],
      ['hp:optimizer.config.lr', 'numeric'],
      ['metric', 'numeric'],
    ]);
    const lr = data.axes[2]!;
    expect(lr.log).toBe(true);
    expect(axisPosition(lr, 0.001)).toBe(0);
    expect(axisPosition(lr, 0.1)).toBe(1);
    expect(axisPosition(lr, 0.01)).toBeCloseTo(0.5);
    expect(axisPosition(data.axes[1]!, 'SGD')).toBe(1);
    expect(data.lines[3]!.values['metric']).toBeNull();
  });

  it('filters experiments by every brush; no brush filters nothing', () => {
    const data = parallelData([0, 1, 2, 3], deriveHyperParameters(configs), loss, 'final');
    const [batch, key, lr, metric] = data.axes;
    expect(brushedIds(data, {})).toBeNull();
    // The top half of the log lr axis keeps lr = 0.1 exactly.
    expect([...brushedIds(data, { [lr!.id]: brushFromPositions(lr!, 0.6, 1)! })!]).toEqual([1, 3]);
    expect(brushFromPositions(key!, 0.9, 1)).toEqual({ kind: 'set', values: ['SGD'] });
    const both = { [key!.id]: brushFromPositions(key!, 1, 0.9)!, [batch!.id]: brushFromPositions(batch!, 0, 1)! };
    expect([...brushedIds(data, both)!]).toEqual([2, 3]);
    // Experiments without a value on a brushed axis drop out; brushes on unknown axes are ignored.
    const low = brushFromPositions(metric!, 0, 0.5)!;
    expect([...brushedIds(data, { metric: low, 'hp:gone': { kind: 'set', values: [] } })!]).toEqual([2]);
  });
});
