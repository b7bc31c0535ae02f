import { toPixel } from './lineLayer';
import type { AxisMap, PreparedLine } from './lineLayer';

/**
 * Many lines as a density image, after "DenseLines" (Moritz & Fisher, CHI 2018): each line adds 1 to
 * every pixel column it crosses, spread evenly over the rows it covers there, so a steep line weighs no
 * more than a flat one and the image counts lines, not ink. With the quantile bands of the values at
 * each x, 10,000 lines read as where most of them run, instead of a solid block of colour. It knows no
 * series or experiment: any set of prepared lines (a chart's, a group's) draws the same way.
 */

/** Where the lines go: value → pixel maps of the axes, and the plot's box in the same pixels. */
export interface DensityFrame {
  x: AxisMap;
  y: AxisMap;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Density {
  /** Lines per cell, row-major (`height` rows of `width` cells, row 0 at the top). */
  counts: Float32Array;
  width: number;
  height: number;
  /** The highest count of a cell. */
  max: number;
}

/**
 * The density of `lines` in a grid of `frame.width` × `frame.height` cells (one per pixel of the frame).
 * A gap (a missing value) ends a line's stretch; a lone point counts in its cell.
 */
export function lineDensity(lines: readonly PreparedLine[], frame: DensityFrame): Density {
  const width = Math.max(1, Math.floor(frame.width));
  const height = Math.max(1, Math.floor(frame.height));
  const counts = new Float32Array(width * height);
  const { x, y } = frame;
  // One pass per line, column by column; written out flat (no closures): at 10,000 lines of 50 points
  // on a 700-pixel plot this runs 7 million times per chart.
  for (const line of lines) {
    const { xs, ys } = line;
    /** The column being covered (-1: none), and the rows it covers so far. */
    let col = -1;
    let lo = 0;
    let hi = 0;
    let px = NaN;
    let py = NaN;
    for (let i = 0; i <= xs.length; i++) {
      let qx = NaN;
      let qy = NaN;
      if (i < xs.length) {
        const v = ys[i];
        qy = v === null || v === undefined ? NaN : toPixel(y, v) - frame.top;
        qx = x.a * (xs[i] as number) + x.b - frame.left;
      }
      // from (px, py) to (qx, qy): the columns crossed, each with the rows it spans
      let c = 0;
      let cEnd = -2;
      let ya = 0;
      let slope = 0;
      if (qy === qy && px === px && qx > px) {
        slope = (qy - py) / (qx - px);
        c = Math.floor(px);
        if (c < -1) c = -1;
        cEnd = Math.floor(qx);
        if (cEnd > width) cEnd = width;
        ya = py + ((c > px ? c : px) - px) * slope;
      } else if (qy === qy) {
        // a first point, a point after a gap, or one at the same x: its own cell
        c = cEnd = Math.floor(qx);
        ya = px === px && qx === px ? py : qy;
        slope = 0;
      }
      for (; c <= cEnd; c++) {
        const xb = c + 1 < qx ? c + 1 : qx;
        const yb = px === px && qx > px ? py + (xb - px) * slope : qy;
        const a = ya < yb ? ya : yb;
        const b = ya < yb ? yb : ya;
        if (c === col) {
          if (a < lo) lo = a;
          if (b > hi) hi = b;
        } else {
          if (col >= 0 && col < width) {
            const r0 = Math.floor(lo);
            const r1 = Math.floor(hi);
            const share = 1 / (r1 - r0 + 1);
            const to = r1 < height ? r1 : height - 1;
            for (let r = r0 > 0 ? r0 : 0; r <= to; r++) counts[r * width + col]! += share;
          }
          col = c;
          lo = a;
          hi = b;
        }
        ya = yb;
      }
      if (qy !== qy) {
        // a gap or the line's end: its last column is done
        if (col >= 0 && col < width) {
          const r0 = Math.floor(lo);
          const r1 = Math.floor(hi);
          const share = 1 / (r1 - r0 + 1);
          const to = r1 < height ? r1 : height - 1;
          for (let r = r0 > 0 ? r0 : 0; r <= to; r++) counts[r * width + col]! += share;
        }
        col = -1;
      }
      // after a gap there is no previous point
      px = qy === qy ? qx : NaN;
      py = qy;
    }
  }
  let max = 0;
  for (let i = 0; i < counts.length; i++) if ((counts[i] as number) > max) max = counts[i] as number;
  return { counts, width, height, max };
}

/** The density's colours: from a pale blue where few lines run to a deep one where most do (log scale). */
const RAMP: Array<[number, number, number]> = [
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/** The density as RGBA pixels (transparent where no line runs). */
export function densityPixels(d: Density): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(d.width * d.height * 4);
  const scale = d.max > 0 ? 1 / Math.log1p(d.max) : 0;
  const last = RAMP.length - 1;
  for (let i = 0; i < d.counts.length; i++) {
    const c = d.counts[i] as number;
    if (c <= 0) continue;
    const t = Math.log1p(c) * scale;
    const at = Math.min(last - 1e-9, t * last);
    const k = Math.floor(at);
    const f = at - k;
    const [r0, g0, b0] = RAMP[k]!;
    const [r1, g1, b1] = RAMP[k + 1]!;
    out[i * 4] = r0 + (r1 - r0) * f;
    out[i * 4 + 1] = g0 + (g1 - g0) * f;
    out[i * 4 + 2] = b0 + (b1 - b0) * f;
    out[i * 4 + 3] = 255 * (0.35 + 0.65 * t);
  }
  return out;
}

/** The quantiles drawn as bands: 5–95 %, 25–75 % and the median. */
export const BAND_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

export interface QuantileBands {
  /** The x values (epochs) where at least one line has a value, ascending. */
  xs: number[];
  /** Per quantile of BAND_QUANTILES, its value at each x. */
  values: number[][];
}

/** Puts the k-th smallest of v[lo…hi] at v[k] (smaller before it, larger after it): quickselect. */
function select(v: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const pivot = v[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((v[i] as number) < pivot) i++;
      while ((v[j] as number) > pivot) j--;
      if (i <= j) {
        const t = v[i] as number;
        v[i++] = v[j] as number;
        v[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * The values at BAND_QUANTILES of `v` (linear between neighbours, as numpy's default), found by
 * selection in ascending order (each on what the last left above it): a few linear passes, no sort.
 */
function quantilesOf(v: Float64Array): number[] {
  const n = v.length;
  let from = 0;
  const at = (k: number) => {
    select(v, k, from, n - 1);
    from = k;
    return v[k] as number;
  };
  return BAND_QUANTILES.map((q) => {
    const pos = (n - 1) * q;
    const i = Math.floor(pos);
    const f = pos - i;
    const low = at(i);
    if (f === 0 || i + 1 >= n) return low;
    // the next larger value: the smallest of those above i
    let next = Infinity;
    for (let j = i + 1; j < n; j++) if ((v[j] as number) < next) next = v[j] as number;
    return low * (1 - f) + next * f;
  });
}

/** The values of every line at each x, one typed array per x (x ascending). */
function valuesByX(lines: readonly PreparedLine[]): { xs: number[]; columns: Float64Array[] } {
  const valid = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
  // epochs are small whole numbers: counted in an array indexed by them (a Map per value cost 20 ms a chart)
  let maxX = -1;
  let whole = true;
  for (const { xs } of lines)
    for (let i = 0; i < xs.length && whole; i++) {
      const x = xs[i] as number;
      if (!Number.isInteger(x) || x < 0 || x > 1_000_000) whole = false;
      else if (x > maxX) maxX = x;
    }
  const index = new Map<number, number>();
  const slot = whole ? (x: number) => x : (x: number) => index.get(x)!;
  if (!whole) {
    const seen = new Set<number>();
    for (const { xs } of lines) for (const x of xs) seen.add(x);
    [...seen].sort((a, b) => a - b).forEach((x, i) => index.set(x, i));
  }
  const size = whole ? maxX + 1 : index.size;
  const counts = new Int32Array(size);
  for (const { xs, ys } of lines)
    for (let i = 0; i < xs.length; i++) if (valid(ys[i])) counts[slot(xs[i] as number)]!++;
  const filled = new Int32Array(size);
  const all: Array<Float64Array | undefined> = Array.from({ length: size }, (_, k) =>
    counts[k] ? new Float64Array(counts[k]!) : undefined,
  );
  for (const { xs, ys } of lines)
    for (let i = 0; i < xs.length; i++) {
      const v = ys[i];
      if (!valid(v)) continue;
      const k = slot(xs[i] as number);
      all[k]![filled[k]!++] = v;
    }
  const sortedXs = whole ? Array.from({ length: size }, (_, k) => k) : [...index.keys()].sort((a, b) => a - b);
  const xs: number[] = [];
  const columns: Float64Array[] = [];
  sortedXs.forEach((x, k) => {
    if (all[k]) {
      xs.push(x);
      columns.push(all[k]!);
    }
  });
  return { xs, columns };
}

/** Per x, the quantiles of the lines' values there (every value counts; gaps do not). */
export function quantileBands(lines: readonly PreparedLine[]): QuantileBands {
  const { xs, columns } = valuesByX(lines);
  const values = BAND_QUANTILES.map(() => new Array<number>(xs.length));
  columns.forEach((column, j) => quantilesOf(column).forEach((q, k) => (values[k]![j] = q)));
  return { xs, values };
}
