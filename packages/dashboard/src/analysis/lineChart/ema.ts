/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing): weight 0 returns
 * the values, 0.99 is very smooth; nulls stay null and do not move the average.
 */
export function ema(values: ReadonlyArray<number | null>, weight: number): Array<number | null> {
  if (weight <= 0) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}
