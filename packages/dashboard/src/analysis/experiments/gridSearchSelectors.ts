import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import { experimentName, splitKey } from '../../connection/events/experimentKey';

/** The grid searches on the page, in the order their experiments are keyed (the connected one first). */
export const selectGridSearchNames = createSelector(
  [(s: RootState) => s.settings.current.gridSearchId, (s: RootState) => s.settings.also],
  (primary, also): string[] => (primary ? [primary, ...also] : []),
);

/** How a person reads an experiment's key (`experiment_7`, or `gs-b/experiment_7` with several grid searches). */
export const selectExperimentNamer = createSelector(
  [selectGridSearchNames],
  (names) =>
    (key: number): string =>
      experimentName(key, names),
);

/** The grid search an experiment key belongs to. */
export const selectGridSearchOf = createSelector(
  [selectGridSearchNames],
  (names) =>
    (key: number): string | null =>
      names[splitKey(key).index] ?? null,
);
