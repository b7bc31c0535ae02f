/** Columnar points of one series of one experiment: epochs ascending, one value per epoch. */
export interface ColumnarPoints {
  epochs: number[];
  values: Array<number | null>;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges points into `target` by epoch: an epoch already held takes the new value, a new epoch is
 * inserted in order. Appending (the common case) costs O(1) per point. NaN (the worker's mark of a
 * missing number) is stored as null.
 */
export function upsertPoints(target: ColumnarPoints, epochs: ArrayLike<number>, values: ArrayLike<number | null>) {
  for (let i = 0; i < epochs.length; i++) {
    const epoch = epochs[i] as number;
    const v = values[i];
    const value = v === null || v === undefined || Number.isNaN(v) ? null : v;
    const last = target.epochs.length - 1;
    if (last < 0 || (target.epochs[last] as number) < epoch) {
      target.epochs.push(epoch);
      target.values.push(value);
      continue;
    }
    const at = lowerBound(target.epochs, epoch);
    if (target.epochs[at] === epoch) target.values[at] = value;
    else {
      target.epochs.splice(at, 0, epoch);
      target.values.splice(at, 0, value);
    }
  }
}
