import type { SeriesKind } from '../../connection/events/dataUpdate';
import type { ColumnarPoints } from '../series/upsertPoints';

export interface Best {
  experimentId: number;
  epoch: number;
  value: number;
}

/** The best value any drawn experiment reached: the highest metric or the lowest loss. */
export function bestExperiment(
  kind: SeriesKind,
  byExperiment: Record<number, ColumnarPoints>,
  ids: readonly number[],
): Best | null {
  let best: Best | null = null;
  const better = (a: number, b: number) => (kind === 'loss' ? a < b : a > b);
  for (const id of ids) {
    const p = byExperiment[id];
    if (!p) continue;
    const { values } = p;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined && Number.isFinite(v) && (!best || better(v, best.value))) {
        best = { experimentId: id, epoch: p.epochs[i] as number, value: v };
      }
    }
  }
  return best;
}
