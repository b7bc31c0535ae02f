import { isDeepStrictEqual } from 'node:util';
import type { Rng } from '../util/rng.js';

/** One dimension a searcher proposes values for. `int` bounds are inclusive. */
export type Dimension =
  | { name: string; kind: 'float'; low: number; high: number; log: boolean }
  | { name: string; kind: 'int'; low: number; high: number }
  | { name: string; kind: 'categorical'; choices: readonly unknown[] };

/** A dimension as the Parzen estimators see it: a real interval (log-scaled, ints widened by ½) or choices. */
export interface InternalRange {
  low: number;
  high: number;
}

export function internalRange(d: Exclude<Dimension, { kind: 'categorical' }>): InternalRange {
  if (d.kind === 'int') return { low: d.low - 0.5, high: d.high + 0.5 };
  return d.log ? { low: Math.log(d.low), high: Math.log(d.high) } : { low: d.low, high: d.high };
}

/** A value in a dimension's internal form: the log of a log-scaled float, a choice's index. */
export function toInternal(d: Dimension, value: unknown): number {
  if (d.kind === 'categorical') {
    const i = d.choices.findIndex((c) => isDeepStrictEqual(c, value));
    return i < 0 ? 0 : i;
  }
  const x = Number(value);
  return d.kind === 'float' && d.log ? Math.log(x) : x;
}

export function fromInternal(d: Dimension, x: number): unknown {
  if (d.kind === 'categorical') return structuredClone(d.choices[Math.round(x)]);
  if (d.kind === 'int') return Math.min(d.high, Math.max(d.low, Math.round(x)));
  const v = d.log ? Math.exp(x) : x;
  return Math.min(d.high, Math.max(d.low, v));
}

/** A value drawn from the dimension's own distribution (what random search draws). */
export function drawUniform(d: Dimension, rng: Rng): unknown {
  if (d.kind === 'categorical') return structuredClone(d.choices[rng.nextInt(d.choices.length)]);
  if (d.kind === 'int') return d.low + rng.nextInt(d.high - d.low + 1);
  const { low, high } = internalRange(d);
  return fromInternal(d, low + rng.nextFloat() * (high - low));
}
