import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import type { ExperimentRow } from '../../connection/events/dataUpdate';

const NO_TAGS: Readonly<Record<number, readonly string[]>> = {};

/** An experiment's tags as its row may carry them (an optional field, strings only). */
function rowTags(row: ExperimentRow | undefined): readonly string[] | undefined {
  const tags = (row as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : undefined;
}

/**
 * Each experiment's tags by key (experiments without tags are absent): what the expression filter
 * (`tag:best`) and grouping by tag read. The one place they come from: annotations (issue 30) give
 * experiments their tags; until their store is here, an experiment's row may carry a `tags` field.
 */
export const selectTagsByKey = createSelector(
  [(s: RootState) => s.experiments.entities],
  (entities): Readonly<Record<number, readonly string[]>> => {
    let out: Record<number, readonly string[]> | null = null;
    for (const row of Object.values(entities)) {
      const tags = rowTags(row);
      if (row && tags?.length) (out ??= {})[row.experiment_id] = tags;
    }
    return out ?? NO_TAGS;
  },
  {
    memoizeOptions: {
      resultEqualityCheck: (
        a: Readonly<Record<number, readonly string[]>>,
        b: Readonly<Record<number, readonly string[]>>,
      ) => {
        const ka = Object.keys(a);
        return (
          ka.length === Object.keys(b).length &&
          ka.every((k) => {
            const x = a[Number(k)];
            const y = b[Number(k)];
            return x !== undefined && y !== undefined && x.length === y.length && x.every((t, i) => t === y[i]);
          })
        );
      },
    },
  },
);

/** Every tag in use, sorted. */
export const selectTagsInUse = createSelector([selectTagsByKey], (byKey): string[] => {
  const tags = new Set<string>();
  for (const list of Object.values(byKey)) for (const t of list) tags.add(t);
  return [...tags].sort();
});
