import { describe, expect, it } from 'vitest';
import { traceBand } from './traceBand';

/** A path recorder standing in for the canvas. */
function recorder() {
  const calls: string[] = [];
  return {
    calls,
    moveTo: (x: number, y: number) => void calls.push(`M${x},${y}`),
    lineTo: (x: number, y: number) => void calls.push(`L${x},${y}`),
    closePath: () => void calls.push('Z'),
  };
}

const maps = { x: (e: number) => e * 10, y: (v: number) => (v > 0 ? 100 - v : NaN) };

describe('traceBand', () => {
  it('goes along the upper edge and back along the lower one', () => {
    const ctx = recorder();
    expect(traceBand(ctx, { xs: [0, 1, 2], lower: [1, 2, 3], upper: [5, 6, 7] }, maps)).toBe(1);
    expect(ctx.calls).toEqual(['M0,95', 'L10,94', 'L20,93', 'L20,97', 'L10,98', 'L0,99', 'Z']);
  });

  it('ends a shape at a gap or at a value the axis cannot show, and gives a lone epoch a width', () => {
    const ctx = recorder();
    const shapes = traceBand(
      ctx,
      { xs: [0, 1, 2, 3, 4, 5], lower: [1, 1, null, 1, 1, -1], upper: [2, 2, 2, 2, 2, 2] },
      maps,
    );
    expect(shapes).toBe(2);
    expect(ctx.calls).toEqual(['M0,98', 'L10,98', 'L10,99', 'L0,99', 'Z', 'M30,98', 'L40,98', 'L40,99', 'L30,99', 'Z']);
    const lone = recorder();
    traceBand(lone, { xs: [3], lower: [1], upper: [2] }, maps);
    expect(lone.calls).toEqual(['M28.5,98', 'L31.5,98', 'L31.5,99', 'L28.5,99', 'Z']);
  });
});
