import { describe, expect, it } from 'vitest';
import { newBestDataset, syncLines } from './lineSync';
import type { Line } from './lineSync';

const input = (byExperiment: Record<number, { epochs: number[]; values: Array<number | null> }>, ids = [0, 1]) => ({
  byExperiment,
  ids,
  smoothing: 0,
  hidden: new Set<number>(),
  best: null,
});

describe('syncLines', () => {
  it('keeps each line’s dataset and appends new points to its data in place', () => {
    const lines = new Map<number, Line>();
    const best = newBestDataset();
    const first = syncLines(lines, input({ 0: { epochs: [0, 1], values: [0.1, 0.2] } }), best);
    expect(first).toHaveLength(2);
    expect(first[0]?.data).toEqual([
      { x: 0, y: 0.1 },
      { x: 1, y: 0.2 },
    ]);
    expect(first[1]?.pointCount).toBe(0);
    const data = first[0]?.data;
    const next = syncLines(
      lines,
      input({ 0: { epochs: [0, 1, 2], values: [0.1, 0.2, null] }, 1: { epochs: [4], values: [1] } }),
      best,
    );
    expect(next[0]).toBe(first[0]);
    expect(next[0]?.data).toBe(data);
    expect(next[0]?.pointCount).toBe(2); // the null is a gap
    expect(next[1]?.data).toEqual([{ x: 4, y: 1 }]);
    expect(next[1]?.pointRadius).toBe(3); // one point would be invisible as a line
  });

  it('rebuilds a line whose earlier values changed (a warm start re-sent epochs) and drops lines no longer asked for', () => {
    const lines = new Map<number, Line>();
    const best = newBestDataset();
    syncLines(lines, input({ 0: { epochs: [0, 1, 2], values: [1, 2, 3] } }), best);
    const out = syncLines(
      lines,
      {
        ...input({ 0: { epochs: [0, 1, 2, 3], values: [1, 2, 2.5, 3.5] } }, [0]),
        best: { experimentId: 0, epoch: 3, value: 3.5 },
      },
      best,
    );
    expect(out[0]?.data.map((p) => p.y)).toEqual([1, 2, 2.5, 3.5]);
    expect(out[0]?.borderWidth).toBe(3);
    expect(out[1]).toBe(best);
    expect(best.data).toEqual([{ x: 3, y: 3.5 }]);
    expect([...lines.keys()]).toEqual([0]);
  });
});
