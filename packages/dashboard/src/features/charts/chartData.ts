import type { ColumnarPoints } from '../series/upsertPoints';
import { ema } from './ema';

export interface XY {
  x: number;
  y: number;
}

// Immer keeps unchanged experiments' points by reference, so their converted data is reused.
const cache = new WeakMap<ColumnarPoints, Map<number, XY[]>>();

/** {x: epoch, y: value} points (smoothed when asked), nulls left out: the shape chart.js decimates. */
export function toXY(points: ColumnarPoints, smoothing: number): XY[] {
  let bySmoothing = cache.get(points);
  if (!bySmoothing) cache.set(points, (bySmoothing = new Map()));
  let data = bySmoothing.get(smoothing);
  if (!data) {
    const values = smoothing > 0 ? ema(points.values, smoothing) : points.values;
    data = [];
    for (let i = 0; i < points.epochs.length; i++) {
      const y = values[i];
      if (y !== null && y !== undefined) data.push({ x: points.epochs[i] as number, y });
    }
    bySmoothing.set(smoothing, data);
  }
  return data;
}

/** `val_F1_SCORE_macro` → `val f1 score macro`, the original's chart titles. */
export function chartTitle(key: string): string {
  return key.toLowerCase().replace(/_/g, ' ');
}
