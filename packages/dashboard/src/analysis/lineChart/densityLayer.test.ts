import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { densityPixels, lineDensity, quantileBands } from './densityLayer';
import type { DensityFrame } from './densityLayer';
import { prepareLine } from './lineLayer';

/** A 100 × 50 plot at (10, 5); x 0…10 across it, y 0…1 up it. */
const frame: DensityFrame = {
  x: { a: 10, b: 10, log: false },
  y: { a: -50, b: 55, log: false },
  left: 10,
  top: 5,
  width: 100,
  height: 50,
};
const line = (epochs: number[], values: Array<number | null>) => prepareLine({ epochs, values }, 0);
const column = (d: ReturnType<typeof lineDensity>, c: number) =>
  Array.from({ length: d.height }, (_, r) => d.counts[r * d.width + c] as number);
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

describe('line density (DenseLines)', () => {
  it('counts each line once per pixel column it crosses, however steep', () => {
    const flat = line([0, 10], [0.5, 0.5]);
    const steep = line([0, 1, 2, 10], [0.01, 0.99, 0.01, 0.01]);
    const d = lineDensity([flat, steep], frame);
    expect([d.width, d.height]).toEqual([100, 50]);
    for (const c of [0, 5, 15, 50, 99]) expect(sum(column(d, c))).toBeCloseTo(2, 5);
    // the flat line is one row: a full 1 there, where the steep one does not run
    expect(column(d, 50)[25]).toBeCloseTo(1, 5);
  });

  it('counts the same line twice as dense, leaves the gaps of a line empty and a lone point in its cell', () => {
    const a = line([0, 4, 6, 10], [0.2, 0.2, null, 0.2]);
    const d = lineDensity([a, a], frame);
    expect(sum(column(d, 20))).toBeCloseTo(2, 5);
    expect(sum(column(d, 50))).toBe(0); // between epochs 4 and 6: a gap then a point at 10 alone
    expect(sum(column(d, 99))).toBeCloseTo(0, 5);
    const dot = lineDensity([line([5], [0.5])], frame);
    expect(dot.counts[25 * 100 + 50]).toBe(1);
    expect(dot.max).toBe(1);
  });

  it('cuts what leaves the plot: a line above it adds nothing, a zoomed-in one only its columns in view', () => {
    const above = lineDensity([line([0, 10], [3, 3])], frame);
    expect(above.max).toBe(0);
    const zoomed = lineDensity([line([-100, 100], [0.5, 0.5])], frame);
    for (const c of [0, 50, 99]) expect(sum(column(zoomed, c))).toBeCloseTo(1, 5);
  });

  it('adds up to one per column crossed, for any line inside the plot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 2, maxLength: 12 }),
        (values) => {
          const epochs = values.map((_, i) => (i * 10) / (values.length - 1));
          const d = lineDensity([line(epochs, values)], frame);
          for (let c = 0; c < d.width; c++) expect(sum(column(d, c))).toBeCloseTo(1, 4);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('colours cells where lines run (deeper where more do) and leaves the rest transparent', () => {
    const d = lineDensity([line([0, 10], [0.5, 0.5]), line([0, 10], [0.5, 0.5]), line([0, 10], [0.1, 0.1])], frame);
    const px = densityPixels(d);
    const alpha = (r: number, c: number) => px[(r * d.width + c) * 4 + 3] as number;
    expect(alpha(0, 50)).toBe(0);
    expect(alpha(25, 50)).toBeGreaterThan(alpha(45, 50));
    expect(alpha(45, 50)).toBeGreaterThan(0);
  });
});

describe('quantile bands', () => {
  it('gives per epoch the 5, 25, 50, 75 and 95 % quantiles of every value there, gaps left out', () => {
    const lines = Array.from({ length: 101 }, (_, i) => line([0, 1], [i, i === 0 ? null : 100 - i]));
    const bands = quantileBands(lines);
    expect(bands.xs).toEqual([0, 1]);
    expect(bands.values.map((q) => q[0])).toEqual([5, 25, 50, 75, 95]);
    // epoch 1: 0…99 (one gap)
    expect(bands.values.map((q) => q[1])).toEqual([4.95, 24.75, 49.5, 74.25, 94.05].map((v) => expect.closeTo(v, 9)));
  });

  it('agrees with sorting, duplicates and all', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const q = (p: number) => {
          const at = (sorted.length - 1) * p;
          const i = Math.floor(at);
          return i + 1 < sorted.length ? sorted[i]! * (1 - (at - i)) + sorted[i + 1]! * (at - i) : sorted[i]!;
        };
        const bands = quantileBands(values.map((v) => line([0], [v])));
        expect(bands.values.map((b) => b[0])).toEqual(
          [0.05, 0.25, 0.5, 0.75, 0.95].map((p) => expect.closeTo(q(p), 9)),
        );
      }),
    );
  });

  it('groups values by any x, not only whole epochs', () => {
    const bands = quantileBands([line([0.25, 1.75], [1, 3]), line([0.25, 1.75], [3, 5]), line([1.75], [4])]);
    expect(bands.xs).toEqual([0.25, 1.75]);
    expect(bands.values[2]).toEqual([2, 4]); // the medians
  });
});
