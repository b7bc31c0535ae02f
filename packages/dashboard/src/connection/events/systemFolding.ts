import { SYSTEM_METRICS } from '@mlgym/protocol';
import type { SystemMetricsPayload } from '@mlgym/protocol';
import type { SeriesPoints } from './dataUpdate';

/** The split name of system metric series (their key is the metric's, e.g. `rss_bytes`). */
export const SYSTEM_SPLIT = 'system';

interface Samples {
  times: number[];
  values: Map<string, number[]>;
}

/**
 * `system_metrics` samples since the last take, per experiment, as series points: x the sample's wall time
 * (seconds since the epoch), one series per metric. A metric no sample has (GPU fields off a GPU) makes none.
 */
export function createSystemFolding() {
  let pending = new Map<number, Samples>();
  return {
    add(p: SystemMetricsPayload): void {
      let s = pending.get(p.experiment_id);
      if (!s) pending.set(p.experiment_id, (s = { times: [], values: new Map() }));
      s.times.push(p.time);
      for (const { key } of SYSTEM_METRICS) {
        const v = p[key];
        let column = s.values.get(key);
        if (!column) s.values.set(key, (column = new Array<number>(s.times.length - 1).fill(Number.NaN)));
        column.push(typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN);
      }
    },
    take(): SeriesPoints[] | undefined {
      if (pending.size === 0) return undefined;
      const out: SeriesPoints[] = [];
      for (const [experiment_id, s] of pending) {
        for (const [key, column] of s.values) {
          if (column.every(Number.isNaN)) continue;
          out.push({
            key,
            split: SYSTEM_SPLIT,
            tag: key,
            kind: 'metric',
            experiment_id,
            epochs: Float64Array.from(s.times),
            values: Float64Array.from(column),
          });
        }
      }
      pending = new Map();
      return out;
    },
  };
}
