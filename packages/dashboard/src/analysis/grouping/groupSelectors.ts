import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import { selectFilteredExperimentIds } from '../analysisSelectors';
import { selectHyperParameters } from '../experiments/experimentSelectors';
import { isFoldPath } from '../experiments/foldPaths';
import { selectGridSearchOf } from '../experiments/gridSearchSelectors';
import { selectTagsByKey } from '../experiments/tagSelectors';
import { groupExperiments, groupKeyOf, isReplicatePath } from './groupExperiments';
import type { ExperimentGroup, GroupBy, GroupingFacts } from './groupExperiments';

const NONE: GroupBy = { kind: 'none' };
const COMBINATION: GroupBy = { kind: 'combination' };

/** Whether the experiments are folds of a CV or nested-CV run (their fold ids differ). */
export const selectIsCrossValidation = createSelector([selectHyperParameters], (hyper) =>
  hyper.columns.some((c) => isFoldPath(c.path)),
);

/** The grouping in effect: the chosen one, else by combination for a CV run, else none. */
export const selectEffectiveGroupBy = createSelector(
  [(s: RootState) => s.analysis.groupBy, selectIsCrossValidation],
  (chosen, cv): GroupBy => chosen ?? (cv ? COMBINATION : NONE),
);

/** Whether lines and rows stand for groups. */
export const selectIsGrouped = (s: RootState): boolean => selectEffectiveGroupBy(s).kind !== 'none';

/**
 * What the group switch turns on when nothing was grouped before: by combination where experiments
 * repeat a configuration (folds, seeds), else by the first swept key.
 */
export const selectGroupingFallback = createSelector([selectHyperParameters], (hyper): GroupBy => {
  if (hyper.columns.some((c) => isReplicatePath(c.path))) return COMBINATION;
  const first = hyper.columns[0];
  return first ? { kind: 'keys', keys: [first.path] } : COMBINATION;
});

const selectGroupingFacts = createSelector(
  [selectHyperParameters, selectGridSearchOf, selectTagsByKey],
  (hyper, gridSearchOf, tags): GroupingFacts => {
    const labels = new Map(hyper.columns.map((c) => [c.path, c.label]));
    return {
      sweptPaths: hyper.columns.map((c) => c.path),
      config: (id, path) =>
        hyper.values[id]?.[`hp:${path}`] ?? (Object.hasOwn(hyper.common, path) ? hyper.common[path] : undefined),
      labelOf: (path) =>
        labels.get(path) ??
        path
          .split('.')
          .filter((s) => s !== 'config')
          .join('.'),
      gridSearch: gridSearchOf,
      tags: (id) => tags[id],
    };
  },
);

const sameGroups = (a: ExperimentGroup[] | null, b: ExperimentGroup[] | null) =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.length === b.length &&
    a.every((g, i) => {
      const h = b[i] as ExperimentGroup;
      return (
        g.id === h.id &&
        g.key === h.key &&
        g.label === h.label &&
        g.members.length === h.members.length &&
        g.members.every((m, j) => m === h.members[j])
      );
    }));

/**
 * The groups of the experiments that pass the filters (each group's mean and spread is over its members
 * that pass), ordered by their first member; null when nothing is grouped. The same array while the
 * groups stay the same, so charts aggregate again only when a member's points change.
 */
export const selectGroups = createSelector(
  [
    selectEffectiveGroupBy,
    selectFilteredExperimentIds,
    (s: RootState) => s.experiments.ids as number[],
    selectGroupingFacts,
  ],
  (groupBy, filtered, ids, facts): ExperimentGroup[] | null => {
    if (groupBy.kind === 'none') return null;
    const shown = filtered ? ids.filter((id) => filtered.has(id)) : ids;
    return groupExperiments(shown, groupKeyOf(groupBy, facts));
  },
  { memoizeOptions: { resultEqualityCheck: sameGroups } },
);
