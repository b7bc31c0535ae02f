/**
 * Config keys of a CV or nested-CV experiment that `mlgym run` injects to say which fold it is: they
 * differ between experiments like hyper-parameters do, but they are bookkeeping.
 */
export const FOLD_KEYS = [
  'hyper_paramater_combination_id',
  'val_fold_id',
  'outer_test_fold_id',
  'inner_test_fold_id',
  'experiment_id',
  'split_indices',
] as const;

/** Whether a dotted config path is fold bookkeeping (ids, split indices) rather than a hyper-parameter. */
export function isFoldPath(path: string): boolean {
  return path.split('.').some((segment) => (FOLD_KEYS as readonly string[]).includes(segment));
}
