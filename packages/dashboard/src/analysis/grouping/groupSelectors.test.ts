import { describe, expect, it } from 'vitest';
import type { MlgymEvent } from '@mlgym/protocol';
import { annotation, evaluation, experimentConfig, jobStatus } from '../../test/events';
import { deliver, testStore } from '../../test/fakes';
import { dataReset } from '../../connection/events/dataActions';
import { selectTagsInUse } from '../experiments/tagSelectors';
import { selectFilteredExperimentIds } from '../analysisSelectors';
import {
  bandSet,
  brushSet,
  expressionChanged,
  groupBySet,
  groupExpanded,
  groupingSwitched,
  viewApplied,
  viewSaved,
} from '../analysisSlice';
import { selectCompiledExpression, selectExpressionIds } from '../expression/expressionSelectors';
import {
  selectEffectiveGroupBy,
  selectGroupingFallback,
  selectGroups,
  selectIsCrossValidation,
} from './groupSelectors';
import { readSavedViews } from '../view/analysisView';

/** An experiment config with CV fold ids, as `mlgym run` injects them. */
function cvConfig(id: number, combination: number, fold: number, lr: number): MlgymEvent {
  const e = experimentConfig(id, lr, 16);
  if (e.event_type !== 'experiment_config') throw new Error('fixture');
  e.payload.config['cv_experiment_information'] = {
    config: { experiment_id: id, hyper_paramater_combination_id: combination, val_fold_id: fold },
  };
  return e;
}

/** 2 combinations × 3 folds; experiment 4 failed. */
function cvStore() {
  const { store, storage } = testStore();
  const events: MlgymEvent[] = [];
  for (let id = 0; id < 6; id++) {
    events.push(cvConfig(id, id % 2, id >> 1, id % 2 ? 0.01 : 0.001));
    events.push(jobStatus(id, 'DONE', id === 4 ? 'CUDA out of memory' : null));
    events.push(
      evaluation(id, 0, { f1: 0.5 + id / 100, loss: 1 - id / 10 }),
      evaluation(id, 1, { f1: 0.6 + id / 100 }),
    );
  }
  deliver(store, events);
  return { store, storage };
}

const sorted = (s: ReadonlySet<number> | null) => (s ? [...s].sort((a, b) => a - b) : null);
const groups = (store: ReturnType<typeof cvStore>['store']) =>
  selectGroups(store.getState())?.map((g) => [g.label, g.members]) ?? null;

describe('grouping in the store', () => {
  it('groups the folds of each combination by default on a CV run', () => {
    const { store } = cvStore();
    expect(selectIsCrossValidation(store.getState())).toBe(true);
    expect(selectEffectiveGroupBy(store.getState())).toEqual({ kind: 'combination' });
    expect(groups(store)).toEqual([
      ['lr=0.001', [0, 2, 4]],
      ['lr=0.01', [1, 3, 5]],
    ]);
  });

  it('groups only what passes the filters; the switch ungroups and groups again as before', () => {
    const { store } = cvStore();
    store.dispatch(expressionChanged('status != failed and val/F1_SCORE_macro > 0.605'));
    expect(sorted(selectFilteredExperimentIds(store.getState()))).toEqual([1, 2, 3, 5]);
    expect(groups(store)).toEqual([
      ['lr=0.01', [1, 3, 5]],
      ['lr=0.001', [2]],
    ]);
    store.dispatch(groupBySet({ kind: 'keys', keys: ['cv_experiment_information.config.val_fold_id'] }));
    expect(groups(store)?.map((g) => g[0])).toEqual(['val_fold_id=0', 'val_fold_id=1', 'val_fold_id=2']);
    store.dispatch(groupingSwitched({ on: false, fallback: { kind: 'combination' } }));
    expect(groups(store)).toBeNull();
    store.dispatch(groupingSwitched({ on: true, fallback: { kind: 'combination' } }));
    expect(groups(store)?.map((g) => g[0])).toEqual(['val_fold_id=0', 'val_fold_id=1', 'val_fold_id=2']);
  });

  it('keeps the same groups array while the groups stay the same (charts aggregate again only then)', () => {
    const { store } = cvStore();
    const before = selectGroups(store.getState());
    deliver(store, [evaluation(0, 2, { f1: 0.9 })], 100);
    expect(selectGroups(store.getState())).toBe(before);
  });

  it('falls back to the first swept key where nothing repeats a configuration', () => {
    const { store } = testStore();
    deliver(store, [experimentConfig(0, 0.1, 16), experimentConfig(1, 0.01, 32)]);
    expect(selectIsCrossValidation(store.getState())).toBe(false);
    expect(selectEffectiveGroupBy(store.getState())).toEqual({ kind: 'none' });
    expect(selectGroupingFallback(store.getState())).toEqual({
      kind: 'keys',
      keys: ['data_loaders.config.batch_size'],
    });
  });

  it('keeps the view words across a new grid search, forgets expanded groups; saves views', () => {
    const { store, storage } = cvStore();
    store.dispatch(groupBySet({ kind: 'tag' }));
    store.dispatch(bandSet('minmax'));
    store.dispatch(expressionChanged('lr < 1'));
    store.dispatch(groupExpanded({ key: 'k', expanded: true }));
    store.dispatch(viewSaved('mine'));
    store.dispatch(dataReset());
    const a = store.getState().analysis;
    expect([a.groupBy, a.band, a.expression, a.expandedGroups]).toEqual([{ kind: 'tag' }, 'minmax', 'lr < 1', []]);
    expect(readSavedViews(storage)).toEqual([
      { name: 'mine', view: { groupBy: { kind: 'tag' }, band: 'minmax', expression: 'lr < 1' } },
    ]);
    store.dispatch(viewApplied({ groupBy: null, band: 'std', expression: '' }));
    expect(store.getState().analysis.groupBy).toBeNull();
  });
});

describe('the expression filter in the store', () => {
  it('combines with the brushes and column filters; an invalid one filters nothing and says why', () => {
    const { store } = cvStore();
    store.dispatch(expressionChanged('lr == 0.01'));
    expect(sorted(selectExpressionIds(store.getState()))).toEqual([1, 3, 5]);
    store.dispatch(brushSet({ axis: 'metric', brush: { kind: 'range', min: 0.62, max: 1 } }));
    expect(sorted(selectFilteredExperimentIds(store.getState()))).toEqual([3, 5]);
    store.dispatch(expressionChanged('lr == 0.01 and'));
    const compiled = selectCompiledExpression(store.getState());
    expect(compiled.ok ? '' : compiled.message).toBe(
      'column 15: the expression ends too early (expected a name (a config key, a score, status, id, epoch, tag) or a value)',
    );
    expect(selectExpressionIds(store.getState())).toBeNull();
    expect(sorted(selectFilteredExperimentIds(store.getState()))).toEqual([2, 3, 4, 5]);
  });

  it('reads config values, scores (final, best), status, fold ids and constants the same in all experiments', () => {
    const { store } = cvStore();
    const ids = (text: string) => {
      store.dispatch(expressionChanged(text));
      return sorted(selectExpressionIds(store.getState()));
    };
    expect(ids('status == failed')).toEqual([4]);
    expect(ids('val_fold_id == 2')).toEqual([4, 5]);
    expect(ids('val/F1_SCORE_macro >= 0.64')).toEqual([4, 5]);
    expect(ids('best(val/cross_entropy_loss) < 0.7')).toEqual([4, 5]);
    expect(ids("model.seed == 9 and model.layers == '[6,16,2]'")).toEqual([0, 1, 2, 3, 4, 5]);
    // tags come from annotation events; none here
    expect(ids('tag:best')).toEqual([]);
  });
});

describe('tags in the store', () => {
  /** Tags as annotation events (issue 30) give them, after the store's other events. */
  const tag = (store: ReturnType<typeof cvStore>['store'], tags: Record<number, string[]>) =>
    deliver(
      store,
      Object.entries(tags).map(([id, add]) => annotation(Number(id), { add })),
      1_000,
    );

  it('tag:best filters and group by tag groups by the tags the experiments carry', () => {
    const { store } = cvStore();
    tag(store, { 1: ['best'], 3: ['best', 'baseline'], 4: ['baseline'] });
    expect(selectTagsInUse(store.getState())).toEqual(['baseline', 'best']);
    store.dispatch(expressionChanged('tag:best and not tag:baseline'));
    expect(sorted(selectExpressionIds(store.getState()))).toEqual([1]);
    store.dispatch(expressionChanged('tag in (best, baseline) and status != failed'));
    expect(sorted(selectExpressionIds(store.getState()))).toEqual([1, 3]);
    store.dispatch(expressionChanged(''));
    store.dispatch(groupBySet({ kind: 'tag' }));
    expect(groups(store)).toEqual([
      ['(no tag)', [0, 2, 5]],
      ['best', [1]],
      ['baseline + best', [3]],
      ['baseline', [4]],
    ]);
  });
});
