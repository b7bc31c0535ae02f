/** Points of one line: epochs ascending, one value per epoch (null: not a number). */
export interface PointColumns {
  epochs: readonly number[];
  values: ReadonlyArray<number | null>;
}

/**
 * A group's series, per epoch that any member reached: the mean, the population standard deviation
 * (divided by n, as `mlgym run`'s CV report and MLboard's CV report page compute it), the lowest and
 * highest value, and n, the members with a number at that epoch. An epoch where no member has a
 * number holds null (drawn as a gap) and n = 0.
 */
export interface AggregatedPoints {
  epochs: number[];
  mean: Array<number | null>;
  std: Array<number | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  n: number[];
}

/** Mean and population standard deviation of some numbers (NaN for none). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / n), n };
}

/**
 * Aggregates the members' lines epoch by epoch: one pass over each member's points, merged by epoch
 * (each member's epochs are ascending). Two passes per epoch (mean, then squared distances) keep the
 * standard deviation exact where a one-pass sum of squares would cancel digits.
 */
export function aggregatePoints(members: readonly PointColumns[]): AggregatedPoints {
  const out: AggregatedPoints = { epochs: [], mean: [], std: [], min: [], max: [], n: [] };
  const at = new Array<number>(members.length).fill(0);
  const values: number[] = [];
  for (;;) {
    let epoch = Infinity;
    for (let m = 0; m < members.length; m++) {
      const e = (members[m] as PointColumns).epochs[at[m] as number];
      if (e !== undefined && e < epoch) epoch = e;
    }
    if (epoch === Infinity) return out;
    values.length = 0;
    for (let m = 0; m < members.length; m++) {
      const p = members[m] as PointColumns;
      const i = at[m] as number;
      if (p.epochs[i] !== epoch) continue;
      at[m] = i + 1;
      const v = p.values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) values.push(v);
    }
    out.epochs.push(epoch);
    out.n.push(values.length);
    if (values.length === 0) {
      out.mean.push(null);
      out.std.push(null);
      out.min.push(null);
      out.max.push(null);
      continue;
    }
    const { mean, std } = meanAndStd(values);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out.mean.push(mean);
    out.std.push(std);
    out.min.push(lo);
    out.max.push(hi);
  }
}

/** How a group's spread is drawn around its mean. */
export type BandKind = 'std' | 'minmax' | 'none';

/** The lower and upper edge of a group's band: mean ± std, or min and max; null where there is none. */
export function bandEdges(
  a: AggregatedPoints,
  band: BandKind,
): { lower: Array<number | null>; upper: Array<number | null> } | null {
  if (band === 'none') return null;
  if (band === 'minmax') return { lower: a.min, upper: a.max };
  return {
    lower: a.mean.map((m, i) => (m === null ? null : m - (a.std[i] as number))),
    upper: a.mean.map((m, i) => (m === null ? null : m + (a.std[i] as number))),
  };
}
