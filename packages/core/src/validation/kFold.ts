import { MlgymError } from '@mlgym/protocol';
import type { Rng } from '../util/rng.js';

export interface KFoldOptions {
  /** Shuffle before folding; needs `rng`. */
  shuffle?: boolean;
  rng?: Rng | undefined;
}

function checkFolds(n: number, k: number): void {
  if (!Number.isInteger(k) || k < 2) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      problem: 'too few folds',
      found: String(k),
      expected: 'at least 2',
    });
  }
  if (k > n) {
    throw MlgymError.fromIssue({
      code: 'DATA_INVALID',
      problem: `cannot make ${k} folds out of ${n} samples`,
      expected: `at most ${n} folds, or more data`,
    });
  }
}

/**
 * Test folds of plain K-fold, laid out as scikit-learn's KFold: the first `n mod k` folds hold one
 * extra sample; without shuffling each fold is a run of consecutive indices.
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): number[][] {
  checkFolds(n, k);
  const indices = Array.from({ length: n }, (_, i) => i);
  if (options.shuffle) requireRng(options).shuffle(indices);
  const folds: number[][] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    folds.push(indices.slice(start, start + size));
    start += size;
  }
  return folds;
}

/**
 * Test folds of stratified K-fold with scikit-learn's allocation (≥ 0.22): classes are numbered in
 * order of first appearance, the sorted class labels are dealt round-robin over folds, and each
 * class's samples go to folds in index order (shuffled per class when asked). Fold indices are
 * ascending, so without shuffling the folds equal scikit-learn's.
 */
export function stratifiedKFold(targets: readonly unknown[], k: number, options: KFoldOptions = {}): number[][] {
  const n = targets.length;
  checkFolds(n, k);
  const classIds = new Map<string, number>();
  const encoded = targets.map((t) => {
    const key = JSON.stringify(t);
    let id = classIds.get(key);
    if (id === undefined) classIds.set(key, (id = classIds.size));
    return id;
  });
  const numClasses = classIds.size;
  const sorted = [...encoded].sort((a, b) => a - b);
  // allocation[f][c]: how many samples of class c go to fold f.
  const allocation = Array.from({ length: k }, () => new Array<number>(numClasses).fill(0));
  sorted.forEach((c, i) => {
    const row = allocation[i % k] as number[];
    row[c] = (row[c] as number) + 1;
  });
  const testFold = new Array<number>(n);
  for (let c = 0; c < numClasses; c++) {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) for (let j = 0; j < (allocation[f] as number[])[c]!; j++) foldsForClass.push(f);
    if (options.shuffle) requireRng(options).shuffle(foldsForClass);
    let next = 0;
    for (let i = 0; i < n; i++) if (encoded[i] === c) testFold[i] = foldsForClass[next++] as number;
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  testFold.forEach((f, i) => (folds[f] as number[]).push(i));
  return folds;
}

function requireRng(options: KFoldOptions): Rng {
  if (!options.rng) throw new Error('shuffled folds need an rng');
  return options.rng;
}
