import type { ColumnarPoints } from '../series/upsertPoints';
import { ema } from './ema';

export interface XY {
  x: number;
  y: number;
}

/** {x: epoch, y: value} points (smoothed when asked), nulls left out: the shape chart.js decimates. */
export function toXY(points: ColumnarPoints, smoothing: number): XY[] {
  const values = smoothing > 0 ? ema(points.values, smoothing) : points.values;
  const data: XY[] = [];
  for (let i = 0; i < points.epochs.length; i++) {
    const y = values[i];
    if (y !== null && y !== undefined) data.push({ x: points.epochs[i] as number, y });
  }
  return data;
}

/** `val_F1_SCORE_macro` → `val f1 score macro`, the original's chart titles. */
export function chartTitle(key: string): string {
  return key.toLowerCase().replace(/_/g, ' ');
}
