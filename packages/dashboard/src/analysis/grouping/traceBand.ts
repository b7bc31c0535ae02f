/** A band's edges, point for point on the same epochs (null: no value there, a gap in the band). */
export interface BandColumns {
  xs: readonly number[];
  lower: ReadonlyArray<number | null>;
  upper: ReadonlyArray<number | null>;
}

export interface BandMaps {
  /** Pixel of an epoch. */
  x(epoch: number): number;
  /** Pixel of a value; NaN where it cannot be drawn (≤ 0 on a log axis). */
  y(value: number): number;
}

/** Half the width of the band at an epoch where it has no neighbour (else it would be invisible). */
const LONE_HALF_WIDTH = 1.5;

/**
 * Adds a group's band to the current path as closed shapes, one per run of epochs where both edges
 * can be drawn: along the upper edge, then back along the lower one. A gap (no value, or a value a
 * log axis cannot show) ends a shape. Returns the shapes added.
 */
export function traceBand(
  ctx: Pick<CanvasPath, 'moveTo' | 'lineTo' | 'closePath'>,
  band: BandColumns,
  maps: BandMaps,
): number {
  const { xs, lower, upper } = band;
  let shapes = 0;
  let start = -1;
  const px: number[] = [];
  const hi: number[] = [];
  const lo: number[] = [];
  const flush = () => {
    const n = px.length;
    if (n === 0) return;
    if (n === 1) {
      const x = px[0] as number;
      ctx.moveTo(x - LONE_HALF_WIDTH, hi[0] as number);
      ctx.lineTo(x + LONE_HALF_WIDTH, hi[0] as number);
      ctx.lineTo(x + LONE_HALF_WIDTH, lo[0] as number);
      ctx.lineTo(x - LONE_HALF_WIDTH, lo[0] as number);
    } else {
      ctx.moveTo(px[0] as number, hi[0] as number);
      for (let i = 1; i < n; i++) ctx.lineTo(px[i] as number, hi[i] as number);
      for (let i = n - 1; i >= 0; i--) ctx.lineTo(px[i] as number, lo[i] as number);
    }
    ctx.closePath();
    shapes++;
    px.length = hi.length = lo.length = 0;
  };
  for (let i = 0; i < xs.length; i++) {
    const a = lower[i];
    const b = upper[i];
    const yl = a === null || a === undefined ? NaN : maps.y(a);
    const yu = b === null || b === undefined ? NaN : maps.y(b);
    if (yl !== yl || yu !== yu) {
      flush();
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    px.push(maps.x(xs[i] as number));
    hi.push(yu);
    lo.push(yl);
  }
  flush();
  return shapes;
}
