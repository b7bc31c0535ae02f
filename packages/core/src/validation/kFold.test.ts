import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { crossValidationFolds, nestedCrossValidationFolds } from './foldDescriptors.js';
import { kFold, stratifiedKFold } from './kFold.js';

/** 600 samples with classes 1/2/3 in proportion 100/200/300, interleaved. */
const targets = Array.from({ length: 600 }, (_, i) => (i % 6 === 0 ? 1 : i % 6 <= 2 ? 2 : 3));

const countBy = (indices: readonly number[]) => {
  const counts: Record<string, number> = {};
  for (const i of indices) counts[String(targets[i])] = (counts[String(targets[i])] ?? 0) + 1;
  return counts;
};
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('kFold', () => {
  it('lays out folds as scikit-learn: consecutive runs, the first n mod k folds one larger', () => {
    expect(kFold(10, 3)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('shuffled: disjoint folds of 120 covering everything, reproducible by seed', () => {
    const folds = kFold(600, 5, { shuffle: true, rng: new Rng(1) });
    expect(folds.map((f) => f.length)).toEqual([120, 120, 120, 120, 120]);
    expect(sorted(folds.flat())).toEqual(range(600));
    expect(kFold(600, 5, { shuffle: true, rng: new Rng(1) })).toEqual(folds);
    expect(folds[0]).not.toEqual(range(120));
    for (const f of folds) expect(Object.keys(countBy(f)).sort()).toEqual(['1', '2', '3']);
  });

  it('refuses more folds than samples', () => {
    expect(() => kFold(3, 4)).toThrow(/cannot make 4 folds out of 3 samples/);
  });
});

describe('stratifiedKFold', () => {
  it('keeps class proportions in every fold', () => {
    const folds = stratifiedKFold(targets, 5);
    for (const f of folds) expect(countBy(f)).toEqual({ 1: 20, 2: 40, 3: 60 });
    expect(sorted(folds.flat())).toEqual(range(600));
  });

  it('matches scikit-learn on a small case (labels dealt round-robin, indices ascending)', () => {
    // sklearn: StratifiedKFold(3).split(zeros(7), [0,0,0,1,1,1,1]) test folds
    expect(stratifiedKFold([0, 0, 0, 1, 1, 1, 1], 3)).toEqual([
      [0, 3, 4],
      [1, 5],
      [2, 6],
    ]);
  });
});

describe('cross validation folds', () => {
  it('trains on the other folds (4× the validation fold) with no overlap', () => {
    const spec = {
      iterator_key: 'it',
      split_key: 'train',
      config: { num_folds: 5, stratification: false, target_pos: 1, shuffle: true, seed: 1 },
    };
    const descriptors = crossValidationFolds(targets, spec);
    expect(descriptors.map((d) => d.ids)).toEqual(range(5).map((i) => ({ id_val_fold_id: i })));
    for (const d of descriptors) {
      const { train, val } = d.splitIndices as { train: number[]; val: number[] };
      expect(train.length).toBe(4 * val.length);
      expect(new Set(train).size).toBe(train.length);
      expect(train.some((i) => val.includes(i))).toBe(false);
      expect(sorted([...train, ...val])).toEqual(range(600));
    }
  });
});

describe('nested cross validation folds (5 outer × 2 inner, stratified)', () => {
  const spec = {
    iterator_key: 'it',
    split_key: 'full',
    config: {
      num_outer_loop_folds: 5,
      num_inner_loop_folds: 2,
      inner_stratification: true,
      outer_stratification: true,
      target_pos: 1,
      shuffle: false,
      seed: 2,
    },
  };
  const descriptors = nestedCrossValidationFolds(targets, spec);
  const outer = descriptors.slice(0, 5);
  const inner = descriptors.slice(5);

  it('lists all outer splits first, then the inner splits of each outer fold', () => {
    expect(descriptors).toHaveLength(5 + 5 * 2);
    expect(outer.map((d) => d.ids)).toEqual(
      range(5).map((i) => ({ id_outer_test_fold_id: i, id_inner_test_fold_id: -1 })),
    );
    expect(inner.map((d) => [d.ids['id_outer_test_fold_id'], d.ids['id_inner_test_fold_id']])).toEqual(
      range(10).map((k) => [Math.floor(k / 2), k % 2]),
    );
  });

  it('outer folds hold 20/40/60 per class and outer train = 4 × outer test', () => {
    for (const d of outer) {
      const { train, test } = d.splitIndices as { train: number[]; test: number[] };
      expect(countBy(test)).toEqual({ 1: 20, 2: 40, 3: 60 });
      expect(train.length).toBe(4 * test.length);
      expect(train.some((i) => test.includes(i))).toBe(false);
    }
  });

  it('inner folds hold 40/80/120, partition the outer train set and avoid the outer test fold', () => {
    outer.forEach((o, i) => {
      const outerTrain = o.splitIndices['train'] as number[];
      const outerTest = o.splitIndices['test'] as number[];
      const mine = inner.filter((d) => d.ids['id_outer_test_fold_id'] === i);
      const innerTests = mine.map((d) => d.splitIndices['test'] as number[]);
      for (const t of innerTests) expect(countBy(t)).toEqual({ 1: 40, 2: 80, 3: 120 });
      expect(innerTests[0]!.some((x) => innerTests[1]!.includes(x))).toBe(false);
      expect(sorted(innerTests.flat())).toEqual(sorted(outerTrain));
      expect(innerTests.flat().some((x) => outerTest.includes(x))).toBe(false);
      for (const d of mine) {
        const train = d.splitIndices['train'] as number[];
        expect(train.length).toBe((d.splitIndices['test'] as number[]).length);
        expect(sorted([...train, ...(d.splitIndices['test'] as number[])])).toEqual(sorted(outerTrain));
      }
    });
  });
});
