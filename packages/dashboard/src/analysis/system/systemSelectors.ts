import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';

/** Per experiment, what the table shows of its system metrics: its peak RSS and its mean CPU share. */
export interface SystemSummary {
  peak_rss: number | null;
  mean_cpu: number | null;
}

function peak(values: ReadonlyArray<number | null>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

function mean(values: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    n++;
  }
  return n ? sum / n : null;
}

export const selectSystemSummaries = createSelector(
  [(s: RootState) => s.system.byKey['rss_bytes'], (s: RootState) => s.system.byKey['cpu_percent']],
  (rss, cpu): Readonly<Record<number, SystemSummary>> => {
    const out: Record<number, SystemSummary> = {};
    for (const id of new Set([...(rss?.experimentIds ?? []), ...(cpu?.experimentIds ?? [])])) {
      out[id] = {
        peak_rss: peak(rss?.byExperiment[id]?.values ?? []),
        mean_cpu: mean(cpu?.byExperiment[id]?.values ?? []),
      };
    }
    return out;
  },
);
