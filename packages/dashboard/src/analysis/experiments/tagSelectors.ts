import { createSelector } from '@reduxjs/toolkit';
import { selectTagsByExperiment } from '../annotations/annotationSelectors';

type TagsByKey = Readonly<Record<number, readonly string[]>>;

const NO_TAGS: TagsByKey = {};

const sameTags = (a: TagsByKey, b: TagsByKey) => {
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => {
      const x = a[Number(k)];
      const y = b[Number(k)];
      return x !== undefined && y !== undefined && x.length === y.length && x.every((t, i) => t === y[i]);
    })
  );
};

/**
 * Each experiment's tags by key (experiments without tags are absent): what the expression filter
 * (`tag:best`) and grouping by tag read. They come from the annotation events (analysis/annotations),
 * the one place tags are kept; the same object while no experiment's tags change, so a tag edit
 * regroups and refilters but a score does not.
 */
export const selectTagsByKey = createSelector(
  [selectTagsByExperiment],
  (byExperiment): TagsByKey => (Object.keys(byExperiment).length ? byExperiment : NO_TAGS),
  { memoizeOptions: { resultEqualityCheck: sameTags } },
);

/** Every tag in use on experiments, sorted. */
export const selectTagsInUse = createSelector([selectTagsByKey], (byKey): string[] => {
  const tags = new Set<string>();
  for (const list of Object.values(byKey)) for (const t of list) tags.add(t);
  return [...tags].sort();
});
