import type { HyperParameters, HyperValue } from './experiments/hyperParameters';
import type { Series } from './series/seriesSlice';
import { seriesValue } from './series/seriesValue';
import type { MetricMode } from './series/seriesValue';

export type AxisValue = number | string | null;

export interface Axis {
  id: string;
  label: string;
  kind: 'numeric' | 'categorical';
  /** Numeric axes: smallest and largest value; log when all positive and spanning ≥ 2 decades. */
  min: number;
  max: number;
  log: boolean;
  /** Categorical axes: the values in order (numbers first, ascending, then text). */
  categories: string[];
}

export interface ParallelLine {
  experimentId: number;
  values: Record<string, AxisValue>;
}

export interface ParallelData {
  axes: Axis[];
  lines: ParallelLine[];
}

/** A brush on one axis: a value range (numeric) or the categories it covers. */
export type Brush = { kind: 'range'; min: number; max: number } | { kind: 'set'; values: string[] };

export const METRIC_AXIS = 'metric';

function axisValue(v: HyperValue | undefined): AxisValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return String(v);
}

function makeAxis(id: string, label: string, values: AxisValue[]): Axis {
  const present = values.filter((v): v is number | string => v !== null);
  const numeric = present.length > 0 && present.every((v) => typeof v === 'number');
  if (numeric) {
    const nums = present as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return { id, label, kind: 'numeric', min, max, log: min > 0 && max / min >= 100, categories: [] };
  }
  const nums = [...new Set(present.filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
  const texts = [...new Set(present.filter((v): v is string => typeof v === 'string'))].sort();
  return { id, label, kind: 'categorical', min: 0, max: 0, log: false, categories: [...nums.map(String), ...texts] };
}

/** One axis per swept hyper-parameter plus the chosen metric, one line per experiment. */
/** Hyper-parameter axes drawn at most (a config with thousands of swept keys would make an unreadable, slow plot). */
export const MAX_AXES = 30;

export function parallelData(
  experimentIds: readonly number[],
  hyper: HyperParameters,
  metric: Series | undefined,
  mode: MetricMode,
): ParallelData {
  const columns = hyper.columns.length > MAX_AXES ? hyper.columns.slice(0, MAX_AXES) : hyper.columns;
  const lines: ParallelLine[] = experimentIds.map((id) => {
    const values: Record<string, AxisValue> = {};
    for (const c of columns) values[c.id] = axisValue(hyper.values[id]?.[c.id]);
    if (metric) values[METRIC_AXIS] = seriesValue(metric, id, mode);
    return { experimentId: id, values };
  });
  const axes = columns.map((c) =>
    makeAxis(
      c.id,
      c.label,
      lines.map((l) => l.values[c.id] ?? null),
    ),
  );
  if (metric) {
    const label = `${metric.key} (${mode === 'final' ? 'final' : metric.kind === 'loss' ? 'best = lowest' : 'best = highest'})`;
    axes.push(
      makeAxis(
        METRIC_AXIS,
        label,
        lines.map((l) => l.values[METRIC_AXIS] ?? null),
      ),
    );
  }
  return { axes, lines };
}

/** Where a value sits on its axis, 0 (bottom) to 1 (top); null when it has no place there. */
export function axisPosition(axis: Axis, value: AxisValue): number | null {
  if (value === null) return null;
  if (axis.kind === 'categorical') {
    const i = axis.categories.indexOf(String(value));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== 'number') return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.log) return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  return (value - axis.min) / (axis.max - axis.min);
}

/** The brush covering positions `from`–`to` (0–1, either order) of an axis, or null if it covers nothing. */
export function brushFromPositions(axis: Axis, from: number, to: number): Brush | null {
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(1, Math.max(from, to));
  if (axis.kind === 'categorical') {
    const values = axis.categories.filter((c) => {
      const p = axisPosition(axis, c) as number;
      return p >= lo - 1e-9 && p <= hi + 1e-9;
    });
    return values.length ? { kind: 'set', values } : null;
  }
  if (axis.max === axis.min) return lo <= 0.5 && hi >= 0.5 ? { kind: 'range', min: axis.min, max: axis.max } : null;
  const at = (p: number) =>
    axis.log
      ? Math.exp(Math.log(axis.min) + p * (Math.log(axis.max) - Math.log(axis.min)))
      : axis.min + p * (axis.max - axis.min);
  return { kind: 'range', min: at(lo), max: at(hi) };
}

function inBrush(brush: Brush, value: AxisValue): boolean {
  if (value === null) return false;
  if (brush.kind === 'set') return brush.values.includes(String(value));
  // Relative tolerance: brushing the top of an axis must keep its largest value.
  const eps = Math.max(Math.abs(brush.min), Math.abs(brush.max)) * 1e-9;
  return typeof value === 'number' && value >= brush.min - eps && value <= brush.max + eps;
}

/** Experiments whose lines pass every brush (an axis the data lacks does not filter), or null if none brush. */
export function brushedIds(data: ParallelData, brushes: Record<string, Brush>): Set<number> | null {
  const active = Object.entries(brushes).filter(([axis]) => data.axes.some((a) => a.id === axis));
  if (active.length === 0) return null;
  return new Set(
    data.lines
      .filter((l) => active.every(([axis, brush]) => inBrush(brush, l.values[axis] ?? null)))
      .map((l) => l.experimentId),
  );
}
