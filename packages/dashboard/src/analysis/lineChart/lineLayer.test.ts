import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundsOf, nearestPoint, prepareLine, traceLine } from './lineLayer';
import type { AxisMap, DrawnLine } from './lineLayer';

/** A path that records its points (what the canvas would be asked to draw). */
function recorder() {
  const points: Array<[number, number]> = [];
  let moves = 0;
  return {
    points,
    get moves() {
      return moves;
    },
    moveTo(x: number, y: number) {
      moves++;
      points.push([x, y]);
    },
    lineTo(x: number, y: number) {
      points.push([x, y]);
    },
  };
}

const identity: AxisMap = { a: 1, b: 0, log: false };
const drawn = (id: number, epochs: number[], values: Array<number | null>): DrawnLine => ({
  id,
  color: 'red',
  width: 1,
  line: prepareLine({ epochs, values }, 0),
});

describe('line layer', () => {
  it('prepares a line once per store snapshot: extents, counts, gaps and smoothing', () => {
    const points = { epochs: [0, 1, 2, 3], values: [0.5, null, -1, 2] };
    const line = prepareLine(points, 0);
    expect(line).toMatchObject({ count: 3, xMin: 0, xMax: 3, yMin: -1, yMax: 2, yMinPositive: 0.5 });
    expect(prepareLine(points, 0)).toBe(line);
    const smooth = prepareLine(points, 0.9);
    expect(smooth).not.toBe(line);
    expect(smooth.ys[1]).toBeNull();
    expect(smooth.count).toBe(3);
  });

  it('bounds: the box of every point; on a log axis only values above 0 count', () => {
    const lines = [drawn(0, [0, 5], [-1, 2]), drawn(1, [2, 9], [0.1, 0.5]), drawn(2, [], [])];
    expect(boundsOf(lines, false)).toEqual({ xMin: 0, xMax: 9, yMin: -1, yMax: 2 });
    expect(boundsOf(lines, true)).toEqual({ xMin: 0, xMax: 9, yMin: 0.1, yMax: 2 });
    expect(boundsOf([drawn(0, [1], [-3])], true)).toBeNull();
    expect(boundsOf([], false)).toBeNull();
  });

  it('traces every point of a short line, skipping gaps (spanned) and points a log axis cannot show', () => {
    const path = recorder();
    const line = prepareLine({ epochs: [0, 1, 2, 3], values: [1, null, 0, 100] }, 0);
    traceLine(path, line, { x: { a: 10, b: 5, log: false }, y: identity, xLo: 0, xHi: 3, decimate: true, columns: 1 });
    expect(path.points).toEqual([
      [5, 1],
      [25, 0],
      [35, 100],
    ]);
    expect(path.moves).toBe(1);
    const log = recorder();
    traceLine(log, line, { x: identity, y: { a: -100, b: 0, log: true }, xLo: 0, xHi: 3, decimate: false, columns: 1 });
    expect(log.points).toEqual([
      [0, 0],
      [3, -200],
    ]);
  });

  it('leaves out points beyond the shown x range but keeps one on each side', () => {
    const epochs = Array.from({ length: 100 }, (_, i) => i);
    const line = prepareLine({ epochs, values: epochs.map((e) => e * 2) }, 0);
    const path = recorder();
    traceLine(path, line, { x: identity, y: identity, xLo: 10.5, xHi: 20, decimate: false, columns: 1 });
    expect(path.points[0]).toEqual([10, 20]);
    expect(path.points.at(-1)).toEqual([21, 42]);
    expect(path.points).toHaveLength(12);
  });

  it('decimates to at most four points per pixel column and keeps each column’s lowest and highest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 64, maxLength: 400 }),
        (ys) => {
          ys = ys.map((y) => y + 0); // no -0: the canvas draws it as 0
          const epochs = ys.map((_, i) => i);
          const line = prepareLine({ epochs, values: ys }, 0);
          const path = recorder();
          // ten points per pixel column
          traceLine(path, line, {
            x: { a: 0.1, b: 0, log: false },
            y: identity,
            xLo: 0,
            xHi: ys.length,
            decimate: true,
            columns: Math.ceil(ys.length / 10),
          });
          const columns = new Map<number, number[]>();
          for (const [x, y] of path.points) columns.set(x, [...(columns.get(x) ?? []), y]);
          for (const [column, drawnYs] of columns) {
            expect(drawnYs.length).toBeLessThanOrEqual(4);
            const inColumn = ys.filter((_, i) => Math.round(i * 0.1) === column);
            expect(Math.min(...drawnYs)).toBe(Math.min(...inColumn));
            expect(Math.max(...drawnYs)).toBe(Math.max(...inColumn));
            expect(drawnYs[0]).toBe(inColumn[0]);
            expect(drawnYs.at(-1)).toBe(inColumn.at(-1));
          }
        },
      ),
    );
  });

  it('traces every point where the plot has room for them (up to two per pixel column)', () => {
    const epochs = Array.from({ length: 300 }, (_, i) => i);
    const line = prepareLine({ epochs, values: epochs.map((e) => Math.sin(e)) }, 0);
    const x: AxisMap = { a: 0.5, b: 0, log: false }; // two points per pixel column
    const wide = recorder();
    traceLine(wide, line, { x, y: identity, xLo: 0, xHi: 299, decimate: true, columns: 150 });
    expect(wide.points).toHaveLength(300);
    // ten points per pixel column: at most four of them drawn
    const narrow = recorder();
    const dense: AxisMap = { a: 0.1, b: 0, log: false };
    traceLine(narrow, line, { x: dense, y: identity, xLo: 0, xHi: 299, decimate: true, columns: 30 });
    expect(narrow.points.length).toBeLessThanOrEqual(4 * 31);
  });

  it('finds the nearest point in pixels as a scan of every point would', () => {
    const series = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 100, noNaN: true })), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.array(series, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (raw, px, py) => {
          const lines = raw.map((pts, id) => {
            const byEpoch = new Map(pts);
            const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
            return drawn(
              id,
              epochs,
              epochs.map((e) => byEpoch.get(e) ?? null),
            );
          });
          const x: AxisMap = { a: 10, b: 0, log: false };
          const hit = nearestPoint(lines, { x, y: identity }, [px, py]);
          let brute = Infinity;
          for (const { line } of lines)
            line.xs.forEach((e, i) => (brute = Math.min(brute, Math.hypot(10 * e - px, (line.ys[i] as number) - py))));
          expect(hit?.distance).toBeCloseTo(brute, 9);
          const hitLine = lines.find((l) => l.id === hit?.id)?.line;
          expect(
            Math.hypot(
              10 * (hitLine?.xs[hit?.index ?? 0] as number) - px,
              (hitLine?.ys[hit?.index ?? 0] as number) - py,
            ),
          ).toBeCloseTo(brute, 9);
        },
      ),
    );
    expect(nearestPoint([drawn(0, [0], [0])], { x: identity, y: identity }, [50, 50], 8)).toBeNull();
    expect(nearestPoint([drawn(0, [0, 1], [0, 1])], { x: identity, y: identity }, [1, 4], 8)).toMatchObject({
      id: 0,
      index: 1,
    });
  });
});
