import { describe, expect, it } from 'vitest';
import { GRID_SEARCH_KEY, groupExperiments, groupKeyOf, isReplicatePath } from './groupExperiments';
import type { GroupingFacts } from './groupExperiments';

const LR = 'optimizer.config.params.lr';
const FOLD = 'cv_experiment_information.config.val_fold_id';
const COMBO = 'cv_experiment_information.config.hyper_paramater_combination_id';
const SEED = 'model.config.seed';

// 2 learning rates × 2 folds × 2 seeds; experiments 8 and 9 in another grid search
const configs: Record<number, Record<string, unknown>> = {};
for (let id = 0; id < 10; id++)
  configs[id] = { [LR]: id % 2 ? 0.01 : 0.001, [COMBO]: id % 2, [FOLD]: (id >> 1) % 2, [SEED]: id >> 2 };

const facts: GroupingFacts = {
  sweptPaths: [COMBO, FOLD, SEED, LR],
  config: (id, path) => configs[id]?.[path],
  labelOf: (path) => path.split('.').at(-1) as string,
  gridSearch: (id) => (id >= 8 ? 'gs-b' : 'gs-a'),
  tags: (id) => (id === 3 ? ['best', 'baseline'] : id === 5 ? ['baseline', 'best'] : id === 6 ? ['best'] : undefined),
};

const ids = [...Array(10).keys()];
const groups = (g: Parameters<typeof groupKeyOf>[0]) =>
  groupExperiments(ids, groupKeyOf(g, facts)).map((x) => [x.id, x.label, x.members]);

describe('grouping experiments', () => {
  it('by combination: folds and seeds of one combination together, labelled by what the members share', () => {
    expect(groups({ kind: 'combination' })).toEqual([
      [0, 'lr=0.001', [0, 2, 4, 6, 8]],
      [1, 'lr=0.01', [1, 3, 5, 7, 9]],
    ]);
  });

  it('by config keys, and by grid search as a key (alone, a group is named by its grid search)', () => {
    expect(groups({ kind: 'keys', keys: [LR, SEED] })).toEqual([
      [0, 'lr=0.001 · seed=0', [0, 2]],
      [1, 'lr=0.01 · seed=0', [1, 3]],
      [4, 'lr=0.001 · seed=1', [4, 6]],
      [5, 'lr=0.01 · seed=1', [5, 7]],
      [8, 'lr=0.001 · seed=2', [8]],
      [9, 'lr=0.01 · seed=2', [9]],
    ]);
    expect(groups({ kind: 'keys', keys: [GRID_SEARCH_KEY] })).toEqual([
      [0, 'gs-a', [0, 1, 2, 3, 4, 5, 6, 7]],
      [8, 'gs-b', [8, 9]],
    ]);
  });

  it('a key missing from some configs is a value of its own', () => {
    const sparse = { ...facts, config: (id: number, p: string) => (id < 5 ? configs[id]?.[p] : undefined) };
    expect(groupExperiments(ids, groupKeyOf({ kind: 'keys', keys: [LR] }, sparse)).map((g) => g.label)).toEqual([
      'lr=0.001',
      'lr=0.01',
      'lr=–',
    ]);
  });

  it('by tag: the same set of tags, in any order, is one group; experiments without tags form one', () => {
    expect(groups({ kind: 'tag' })).toEqual([
      [0, '(no tag)', [0, 1, 2, 4, 7, 8, 9]],
      [3, 'baseline + best', [3, 5]],
      [6, 'best', [6]],
    ]);
  });

  it('none: every experiment alone', () => {
    expect(groups({ kind: 'none' }).map((g) => g[1])).toEqual(ids.map((i) => `experiment_${i}`));
  });

  it('a group keeps the smallest member as its id whatever the order the members come in', () => {
    const g = groupExperiments([9, 3, 1], () => ({ key: 'k', label: 'all' }));
    expect(g).toEqual([{ id: 1, key: 'k', label: 'all', members: [1, 3, 9] }]);
  });

  it('tells replicate paths (folds, seeds) from hyper-parameters', () => {
    expect(
      [FOLD, COMBO, SEED, 'data_loaders.config.sampling_strategies.train.seed', 'a.split_indices.0'].map(
        isReplicatePath,
      ),
    ).toEqual([true, true, true, true, true]);
    expect([LR, 'model.config.seeded_init_scale_x', 'data_loaders.config.batch_size'].map(isReplicatePath)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
