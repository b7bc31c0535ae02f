import type { ColumnarPoints } from '../series/upsertPoints';
import { ema } from './ema';

/**
 * The lines of a metric chart, drawn straight from the store's columns. chart.js keeps the axes, the
 * legend, zoom and pan; a dataset per experiment made it resolve options and build an element per
 * point on every update (most of a 100-line chart's update time, and 1,000-line charts took seconds).
 */

/** One experiment's points as drawn: x = epochs, y = values (smoothed when asked), null a gap. */
export interface PreparedLine {
  xs: readonly number[];
  ys: ReadonlyArray<number | null>;
  /** Points with a value. */
  count: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** The smallest value above 0 (what a log scale can show); Infinity when none. */
  yMinPositive: number;
}

export interface DrawnLine {
  id: number;
  color: string;
  /** Stroke width in CSS pixels. */
  width: number;
  line: PreparedLine;
}

/** Pixel = a × value + b (for a log axis the value is log10 of the value). */
export interface AxisMap {
  a: number;
  b: number;
  log: boolean;
}

const prepared = new WeakMap<ColumnarPoints, { smoothing: number; line: PreparedLine }>();

/** The line of `points` at `smoothing`, computed once per store snapshot (the store copies what changes). */
export function prepareLine(points: ColumnarPoints, smoothing: number): PreparedLine {
  const hit = prepared.get(points);
  if (hit && hit.smoothing === smoothing) return hit.line;
  const ys = smoothing > 0 ? ema(points.values, smoothing) : points.values;
  let count = 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  let yMinPositive = Infinity;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined) continue;
    count++;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
    if (y > 0 && y < yMinPositive) yMinPositive = y;
  }
  const xs = points.epochs;
  const line: PreparedLine = {
    xs,
    ys,
    count,
    xMin: xs.length ? (xs[0] as number) : Infinity,
    xMax: xs.length ? (xs[xs.length - 1] as number) : -Infinity,
    yMin,
    yMax,
    yMinPositive,
  };
  prepared.set(points, { smoothing, line });
  return line;
}

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** The box that holds every point of `lines` (for a log axis: every value above 0); null when empty. */
export function boundsOf(lines: readonly DrawnLine[], log: boolean): Bounds | null {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const { line } of lines) {
    if (!line.count) continue;
    xMin = Math.min(xMin, line.xMin);
    xMax = Math.max(xMax, line.xMax);
    yMin = Math.min(yMin, log ? line.yMinPositive : line.yMin);
    yMax = Math.max(yMax, line.yMax);
  }
  if (xMin > xMax || yMin > yMax || (log && yMax <= 0)) return null;
  return { xMin, xMax, yMin, yMax };
}

/** The pixel of a value on an axis; NaN where it cannot be drawn (≤ 0 on a log axis). */
export function toPixel(axis: AxisMap, v: number): number {
  if (!axis.log) return axis.a * v + axis.b;
  return v > 0 ? axis.a * Math.log10(v) + axis.b : NaN;
}

/** First index whose x is ≥ `x` (xs ascending). */
function lowerBound(xs: readonly number[], x: number, orEqual = false): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = xs[mid] as number;
    if (v < x || (orEqual && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [from, to) of the points between xLo and xHi, one more on each side (lines leave the plot). */
function visibleRange(xs: readonly number[], xLo: number, xHi: number): [number, number] {
  const from = Math.max(0, lowerBound(xs, xLo) - 1);
  const to = Math.min(xs.length, lowerBound(xs, xHi, true) + 1);
  return [from, to];
}

export interface TraceOptions {
  x: AxisMap;
  y: AxisMap;
  /** Values shown on the x axis. */
  xLo: number;
  xHi: number;
  /** Keep at most the first, lowest, highest and last point per pixel column... */
  decimate: boolean;
  /** ...where a line has more than twice as many points in view as the plot has pixel columns. */
  columns: number;
}

/**
 * Adds one line to the current path. With `decimate`, a pixel column holding several points becomes
 * a vertical stroke from its lowest to its highest (chart.js's min-max decimation): the picture is the
 * same and the path has at most four points per column.
 */
export function traceLine(ctx: Pick<CanvasPath, 'moveTo' | 'lineTo'>, line: PreparedLine, o: TraceOptions): number {
  const { xs, ys } = line;
  const [from, to] = visibleRange(xs, o.xLo, o.xHi);
  let started = false;
  let segments = 0;
  const point = (px: number, py: number) => {
    if (started) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    started = true;
    segments++;
  };
  if (!o.decimate || to - from <= 2 * o.columns) {
    for (let i = from; i < to; i++) {
      const v = ys[i];
      if (v === null || v === undefined) continue;
      const py = toPixel(o.y, v);
      if (py === py) point(o.x.a * (xs[i] as number) + o.x.b, py);
    }
    return segments;
  }
  let column = NaN;
  let first = 0;
  let last = 0;
  let low = 0;
  let high = 0;
  let seen = 0;
  let lowAt = 0;
  let highAt = 0;
  const flush = () => {
    point(column, first);
    const [a, b] = lowAt <= highAt ? [low, high] : [high, low];
    if (a !== first) point(column, a);
    if (b !== a) point(column, b);
    if (last !== b) point(column, last);
  };
  for (let i = from; i < to; i++) {
    const v = ys[i];
    if (v === null || v === undefined) continue;
    const py = toPixel(o.y, v);
    if (py !== py) continue;
    const c = Math.round(o.x.a * (xs[i] as number) + o.x.b);
    if (c !== column) {
      if (column === column) flush();
      column = c;
      first = last = low = high = py;
      seen = lowAt = highAt = 0;
    } else {
      last = py;
      seen++;
      if (py < low) {
        low = py;
        lowAt = seen;
      } else if (py > high) {
        high = py;
        highAt = seen;
      }
    }
  }
  if (column === column) flush();
  return segments;
}

export interface Nearest {
  id: number;
  index: number;
  px: number;
  py: number;
  distance: number;
}

/**
 * The point of `lines` nearest to (px, py) in pixels (chart.js's `nearest` mode): per line, a binary
 * search to the pointer's epoch, then outward while a point could still be nearer.
 */
export function nearestPoint(
  lines: readonly DrawnLine[],
  { x, y }: { x: AxisMap; y: AxisMap },
  [px, py]: readonly [number, number],
  maxDistance = Infinity,
): Nearest | null {
  let best: Nearest | null = null;
  let bestD = maxDistance;
  const epoch = x.a === 0 ? 0 : (px - x.b) / x.a;
  for (const { id, line } of lines) {
    const { xs, ys } = line;
    const at = lowerBound(xs, epoch);
    const visit = (i: number): boolean => {
      const qx = x.a * (xs[i] as number) + x.b;
      if (Math.abs(qx - px) > bestD) return false;
      const v = ys[i];
      if (v === null || v === undefined) return true;
      const qy = toPixel(y, v);
      if (qy !== qy) return true;
      const d = Math.hypot(qx - px, qy - py);
      if (d <= bestD) {
        bestD = d;
        best = { id, index: i, px: qx, py: qy, distance: d };
      }
      return true;
    };
    for (let i = at; i < xs.length && visit(i); i++);
    for (let i = at - 1; i >= 0 && visit(i); i--);
  }
  return best;
}
