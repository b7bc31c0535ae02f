import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import type { ExperimentRow } from '../../connection/events/dataUpdate';
import { selectHyperParameters } from '../experiments/experimentSelectors';
import { selectGridSearchNames, selectGridSearchOf } from '../experiments/gridSearchSelectors';
import { displayStatus } from '../experiments/experimentView';
import type { HyperParameters } from '../experiments/hyperParameters';
import type { Series } from '../series/seriesSlice';
import { selectLatestScores } from '../series/seriesSelectors';
import { sameIds } from '../sameIds';
import { selectTagsByKey, selectTagsInUse } from '../experiments/tagSelectors';
import { compileExpression } from './compileExpression';
import type { ExperimentFacts, ScoreAggregate } from './compileExpression';
import { KeyIndex } from './keyIndex';
import type { ScoreInfo } from './keyIndex';

const sameScores = (a: ScoreInfo[], b: ScoreInfo[]) =>
  a.length === b.length && a.every((x, i) => x.key === b[i]?.key && x.kind === b[i]?.kind);

/** The scores an expression may name: one per series (the same array while the series stay the same). */
const selectScoreInfos = createSelector(
  [(s: RootState) => s.series.keys, (s: RootState) => s.series.byKey],
  (keys, byKey): ScoreInfo[] =>
    keys.flatMap((k) => {
      const s = byKey[k];
      return s ? [{ key: k, split: s.split, tag: s.tag, kind: s.kind }] : [];
    }),
  { memoizeOptions: { resultEqualityCheck: sameScores } },
);

/** The names an expression can use on this page. */
export const selectKeyIndex = createSelector(
  [selectHyperParameters, selectScoreInfos, selectTagsInUse, selectGridSearchNames],
  (hyper, scores, tags, gridSearches) =>
    new KeyIndex({
      sweptPaths: hyper.columns.map((c) => c.path),
      otherPaths: Object.keys(hyper.common),
      scores,
      tags,
      gridSearches,
    }),
);

export const selectCompiledExpression = createSelector(
  [(s: RootState) => s.analysis.expression, selectKeyIndex],
  compileExpression,
);

/** A score's value over an experiment's epochs. */
function aggregateOf(series: Series, id: number, aggregate: ScoreAggregate): number | null {
  const values = series.byExperiment[id]?.values;
  if (!values) return null;
  let out: number | null = null;
  const wantLow = aggregate === 'min' || (aggregate === 'best' && series.kind === 'loss');
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (out === null || (wantLow ? v < out : v > out)) out = v;
  }
  return out;
}

interface FactsInput {
  hyper: HyperParameters;
  byKey: Record<string, Series>;
  latest: Record<number, Record<string, number>>;
  rows: Record<number, ExperimentRow | undefined>;
  gridSearchOf: (key: number) => string | null;
  tags: Readonly<Record<number, readonly string[]>>;
}

/** What expressions read about the experiments in the store (see ExperimentFacts). */
export function experimentFacts({ hyper, byKey, latest, rows, gridSearchOf, tags }: FactsInput): ExperimentFacts {
  const aggregates = new Map<string, number | null>();
  const statuses = new Map<number, string>();
  return {
    config(id, path) {
      const swept = hyper.values[id]?.[`hp:${path}`];
      if (swept !== undefined) return swept;
      return Object.hasOwn(hyper.common, path) && hyper.values[id] ? hyper.common[path] : undefined;
    },
    score(id, key, aggregate) {
      if (aggregate === 'final') return latest[id]?.[key] ?? null;
      const series = byKey[key];
      if (!series) return null;
      const cacheKey = `${aggregate}\u0000${key}\u0000${id}`;
      if (aggregates.has(cacheKey)) return aggregates.get(cacheKey) ?? null;
      const v = aggregateOf(series, id, aggregate);
      aggregates.set(cacheKey, v);
      return v;
    },
    status(id) {
      let s = statuses.get(id);
      if (s === undefined) {
        const row = rows[id];
        s = row ? displayStatus(row) : 'UNKNOWN';
        statuses.set(id, s);
      }
      return s;
    },
    epoch: (id) => rows[id]?.current_epoch ?? null,
    gridSearch: gridSearchOf,
    tags: (id) => tags[id],
  };
}

const selectScoreState = createSelector([(s: RootState) => s.series.byKey, selectLatestScores], (byKey, latest) => ({
  byKey,
  latest,
}));

const selectKeying = createSelector([selectGridSearchOf, selectTagsByKey], (gridSearchOf, tags) => ({
  gridSearchOf,
  tags,
}));

export const selectExperimentFacts = createSelector(
  [selectHyperParameters, selectScoreState, (s: RootState) => s.experiments.entities, selectKeying],
  (hyper, { byKey, latest }, rows, { gridSearchOf, tags }) =>
    experimentFacts({ hyper, byKey, latest, rows, gridSearchOf, tags }),
);

const selectExpressionIdsOf = createSelector(
  [selectCompiledExpression, selectExperimentFacts, (s: RootState) => s.experiments.ids as number[]],
  (compiled, facts, ids): ReadonlySet<number> | null => {
    if (!compiled.ok || !compiled.test) return null;
    const test = compiled.test;
    return new Set(ids.filter((id) => test(facts, id)));
  },
  { memoizeOptions: { resultEqualityCheck: sameIds } },
);

/**
 * Experiments the expression filter lets through, or null when it filters nothing (empty, or invalid:
 * its error is shown instead). Without an expression nothing is built (every page asks this at every
 * data post).
 */
export const selectExpressionIds = (s: RootState): ReadonlySet<number> | null =>
  s.analysis.expression.trim() === '' ? null : selectExpressionIdsOf(s);
