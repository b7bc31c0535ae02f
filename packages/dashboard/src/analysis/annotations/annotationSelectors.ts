import { createSelector } from '@reduxjs/toolkit';
import { emptyTarget } from '@mlgym/protocol';
import type { AnnotationTarget } from '@mlgym/protocol';
import type { RootState } from '../../store/rootState';
import { annotationsAdapter } from './annotationsSlice';

const selectors = annotationsAdapter.getSelectors((s: RootState) => s.annotations);
const EMPTY: AnnotationTarget = emptyTarget();
const NO_TAGS: readonly string[] = [];

/** An experiment's tags and note (empty when it has none), or the grid search's for `null`. */
export const selectAnnotation = (s: RootState, experimentId: number | null): AnnotationTarget =>
  experimentId === null ? s.annotations.gridSearch : (selectors.selectById(s, experimentId) ?? EMPTY);

/**
 * Each experiment's tags by id: what the table's Tags column shows and filters, and what the expression filter
 * (`tag:best`) and grouping by tag read (experiments without tags are absent).
 */
export const selectTagsByExperiment = createSelector(
  [selectors.selectEntities],
  (entities): Readonly<Record<number, readonly string[]>> => {
    const out: Record<number, readonly string[]> = {};
    for (const a of Object.values(entities)) if (a && a.tags.length) out[a.experiment_id] = a.tags;
    return out;
  },
);

/** One experiment's tags (the same empty list when it has none). */
export const selectExperimentTags = (s: RootState, experimentId: number): readonly string[] =>
  selectors.selectById(s, experimentId)?.tags ?? NO_TAGS;

/** Every tag in use, on experiments or the grid search, with how many experiments carry it; by name. */
export const selectTagCounts = createSelector(
  [selectors.selectAll, (s: RootState) => s.annotations.gridSearch.tags],
  (all, gridSearchTags): Array<{ tag: string; count: number }> => {
    const counts = new Map<string, number>();
    for (const t of gridSearchTags) counts.set(t, 0);
    for (const a of all) for (const t of a.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => a.tag.localeCompare(b.tag));
  },
);
