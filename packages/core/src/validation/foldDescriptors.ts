import type { CrossValidationConfig, NestedCrossValidationConfig } from '@mlgym/protocol';
import { Rng } from '../util/rng.js';
import { kFold, stratifiedKFold } from './kFold.js';

/** One validation split: the injectable ids it sets and the index lists per split name. */
export interface FoldDescriptor {
  /** e.g. `{id_val_fold_id: 2}` or `{id_outer_test_fold_id: 1, id_inner_test_fold_id: 0}`. */
  ids: Record<string, number>;
  /** Indices into the dataset under validation, e.g. `{train: [...], val: [...]}`. */
  splitIndices: Record<string, number[]>;
}

function folds(targets: readonly unknown[], k: number, stratified: boolean, rng: Rng | undefined): number[][] {
  const options = { shuffle: rng !== undefined, rng };
  return stratified ? stratifiedKFold(targets, k, options) : kFold(targets.length, k, options);
}

function concatExcept(parts: readonly number[][], skip: number): number[] {
  return parts.flatMap((p, i) => (i === skip ? [] : p));
}

/** Cross validation: fold i validates on fold i and trains on the other folds in fold order. */
export function crossValidationFolds(targets: readonly unknown[], spec: CrossValidationConfig): FoldDescriptor[] {
  const { num_folds, stratification, shuffle, seed } = spec.config;
  const rng = shuffle ? new Rng(seed ?? 0) : undefined;
  const testFolds = folds(targets, num_folds, stratification, rng);
  return testFolds.map((fold, i) => ({
    ids: { id_val_fold_id: i },
    splitIndices: { train: concatExcept(testFolds, i), val: fold },
  }));
}

/**
 * Nested cross validation: all outer splits first (train = other outer folds, test = fold i),
 * then for each outer fold i the inner splits of its training set. One random stream is shared by
 * the outer and every inner splitter, consumed in that order.
 */
export function nestedCrossValidationFolds(
  targets: readonly unknown[],
  spec: NestedCrossValidationConfig,
): FoldDescriptor[] {
  const c = spec.config;
  const rng = c.shuffle ? new Rng(c.seed ?? 0) : undefined;
  const outer = folds(targets, c.num_outer_loop_folds, c.outer_stratification, rng);
  const descriptors: FoldDescriptor[] = outer.map((fold, i) => ({
    ids: { id_outer_test_fold_id: i, id_inner_test_fold_id: -1 },
    splitIndices: { train: concatExcept(outer, i), test: fold },
  }));
  outer.forEach((_, i) => {
    const outerTrain = concatExcept(outer, i);
    const inner = folds(
      outerTrain.map((idx) => targets[idx]),
      c.num_inner_loop_folds,
      c.inner_stratification,
      rng,
    ).map((positions) => positions.map((p) => outerTrain[p] as number));
    inner.forEach((fold, j) => {
      descriptors.push({
        ids: { id_outer_test_fold_id: i, id_inner_test_fold_id: j },
        splitIndices: { train: concatExcept(inner, j), test: fold },
      });
    });
  });
  return descriptors;
}
