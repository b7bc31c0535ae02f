import { describe, expect, it } from 'vitest';
import { aggregatePoints, bandEdges, meanAndStd } from './aggregatePoints';

describe('aggregatePoints', () => {
  it('gives mean, population std, min, max and n per epoch (as the CV report computes them)', () => {
    const a = aggregatePoints([
      { epochs: [0, 1, 2], values: [0.5, 0.6, 0.7] },
      { epochs: [0, 1, 2], values: [0.7, 0.8, 0.9] },
      { epochs: [0, 1, 2], values: [0.6, 1.0, 0.8] },
    ]);
    expect(a.epochs).toEqual([0, 1, 2]);
    expect(a.n).toEqual([3, 3, 3]);
    expect(a.mean[0]).toBeCloseTo(0.6, 12);
    expect(a.mean[1]).toBeCloseTo(0.8, 12);
    // population: sqrt(((-0.1)^2 + 0.1^2 + 0^2) / 3)
    expect(a.std[0]).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
    expect(a.std[1]).toBeCloseTo(Math.sqrt(0.08 / 3), 12);
    expect(a.min).toEqual([0.5, 0.6, 0.7]);
    expect(a.max).toEqual([0.7, 1.0, 0.9]);
  });

  it('merges members of different lengths and epochs; NaN (null) is left out of n; an epoch without numbers is a gap', () => {
    const a = aggregatePoints([
      { epochs: [0, 1, 2, 3], values: [1, 2, null, 4] },
      { epochs: [1, 2], values: [4, null] },
      { epochs: [0, 3, 5], values: [3, 6, 7] },
    ]);
    expect(a.epochs).toEqual([0, 1, 2, 3, 5]);
    expect(a.n).toEqual([2, 2, 0, 2, 1]);
    expect(a.mean).toEqual([2, 3, null, 5, 7]);
    expect(a.std).toEqual([1, 1, null, 1, 0]);
    expect(a.min).toEqual([1, 2, null, 4, 7]);
    expect(a.max).toEqual([3, 4, null, 6, 7]);
  });

  it('has no points for no members, and a single member is its own mean with std 0', () => {
    expect(aggregatePoints([]).epochs).toEqual([]);
    const one = aggregatePoints([{ epochs: [0, 1], values: [0.25, 0.5] }]);
    expect(one.mean).toEqual([0.25, 0.5]);
    expect(one.std).toEqual([0, 0]);
  });

  it('keeps the std exact for values far from 0 (no cancellation of a one-pass sum of squares)', () => {
    const big = 1e9;
    const a = aggregatePoints([
      { epochs: [0], values: [big + 1] },
      { epochs: [0], values: [big + 2] },
      { epochs: [0], values: [big + 3] },
    ]);
    expect(a.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });

  it('draws the band as mean ± std, min–max, or none', () => {
    const a = aggregatePoints([
      { epochs: [0, 1], values: [1, null] },
      { epochs: [0, 1], values: [3, null] },
    ]);
    expect(bandEdges(a, 'std')).toEqual({ lower: [1, null], upper: [3, null] });
    expect(bandEdges(a, 'minmax')).toEqual({ lower: [1, null], upper: [3, null] });
    expect(bandEdges(a, 'none')).toBeNull();
  });

  it('meanAndStd of nothing is NaN', () => {
    expect(meanAndStd([])).toEqual({ mean: NaN, std: NaN, n: 0 });
    expect(meanAndStd([2, 4])).toEqual({ mean: 3, std: 1, n: 2 });
  });
});
