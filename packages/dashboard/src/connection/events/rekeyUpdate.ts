import type { AnnotationChange, DataUpdate } from './dataUpdate';
import { experimentKey } from './experimentKey';

/**
 * A data post of the page's grid search `index` with its experiments keyed as the page keys them
 * (see experimentKey.ts): the first grid search's post is returned as it is. An id a key cannot hold
 * is left out and counted with the events beyond the board's limits. A further grid search's adaptive
 * search (its plan and decisions) and its own tags and note are not shown: the Search page and the
 * header follow the first; its experiments' tags and system metrics are keyed as their rows.
 */
export function rekeyUpdate(update: DataUpdate, index: number): DataUpdate {
  if (index === 0) return update;
  let dropped = 0;
  const keyed = <T extends { experiment_id: number }>(items: readonly T[]): T[] => {
    const out: T[] = [];
    for (const item of items) {
      const key = experimentKey(index, item.experiment_id);
      if (key === null) dropped++;
      else out.push({ ...item, experiment_id: key });
    }
    return out;
  };
  const rows = keyed(update.rows);
  const configs = keyed(update.configs);
  const points = keyed(update.points);
  const system = update.system && keyed(update.system);
  const annotations = update.annotations && keyed(update.annotations.filter(hasExperiment));
  const { search: _search, ...rest } = update;
  const leftOut = dropped
    ? {
        seriesNames: update.leftOut?.seriesNames ?? [],
        series: update.leftOut?.series ?? 0,
        scores: update.leftOut?.scores ?? 0,
        experimentEvents: (update.leftOut?.experimentEvents ?? 0) + dropped,
      }
    : update.leftOut;
  return {
    ...rest,
    rows,
    configs,
    points,
    ...(system ? { system } : {}),
    ...(annotations ? { annotations } : {}),
    ...(leftOut ? { leftOut } : {}),
  };
}

function hasExperiment(change: AnnotationChange): change is AnnotationChange & { experiment_id: number } {
  return change.experiment_id !== null;
}
