import { describe, expect, it } from 'vitest';
import { createGroupLines } from './groupLines';
import type { ExperimentGroup } from './groupExperiments';

const group = (id: number, members: number[], key = `k${id}`): ExperimentGroup => ({ id, key, label: key, members });

describe('group lines of a chart', () => {
  const points = {
    0: { epochs: [0, 1], values: [1, 2] },
    1: { epochs: [0, 1], values: [3, 4] },
    2: { epochs: [0], values: [10] },
  };

  it('draws each group as its mean with a band of ± std, min–max or none', () => {
    const lines = createGroupLines();
    const [a, b] = lines(points, [group(0, [0, 1]), group(2, [2])], 'std');
    expect(a?.mean).toEqual({ epochs: [0, 1], values: [2, 3] });
    expect(a?.lower).toEqual({ epochs: [0, 1], values: [1, 2] });
    expect(a?.upper).toEqual({ epochs: [0, 1], values: [3, 4] });
    expect(a?.n).toBe(2);
    expect(b?.mean.values).toEqual([10]);
    expect(lines(points, [group(0, [0, 1])], 'none')[0]?.lower).toBeNull();
  });

  it('leaves out a group without points in the series and counts only members with points', () => {
    const lines = createGroupLines();
    const out = lines(points, [group(0, [0, 5]), group(7, [7, 8])], 'std');
    expect(out.map((l) => [l.id, l.n])).toEqual([[0, 1]]);
  });

  it('aggregates again only the groups whose members got new points', () => {
    const lines = createGroupLines();
    const groups = [group(0, [0, 1]), group(2, [2])];
    const first = lines(points, groups, 'std');
    const next = { ...points, 2: { epochs: [0, 1], values: [10, 11] } };
    const second = lines(next, groups, 'std');
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]?.mean.values).toEqual([10, 11]);
    // another band is another line
    expect(lines(next, groups, 'minmax')[0]).not.toBe(first[0]);
  });
});
