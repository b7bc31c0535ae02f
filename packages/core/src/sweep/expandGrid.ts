import { MlgymError } from '@mlgym/protocol';
import { isPlainObject } from '../util/describeValue.js';
import { isSweepNode, sweepValues } from './sweepSpec.js';

/** Upper bound on the number of expanded configs, to fail clearly instead of running out of memory. */
export const MAX_GRID_SIZE = 1_000_000;

type Mapping = Record<string, unknown>;

/**
 * Expands every sweep of a config into the ordered list of concrete configs, exactly as the
 * original: per mapping, the alternatives of each key in document order are combined as a cartesian
 * product with the first key varying slowest and the last fastest; mappings among sweep values are
 * expanded recursively and flattened into the same dimension; sweeps inside lists are left alone.
 * `random` sweep nodes are kept as leaves (see `applyRandomSearch`).
 */
export function expandGrid(config: Mapping): Mapping[] {
  return expandMapping(config).map((c) => structuredClone(c));
}

function alternativesOf(value: unknown): unknown[] {
  if (isSweepNode(value)) {
    if (value.sweep === 'random') return [value];
    return sweepValues(value).flatMap((v) => (isPlainObject(v) ? expandMapping(v) : [v]));
  }
  if (isPlainObject(value)) return expandMapping(value);
  return [value];
}

function expandMapping(node: Mapping): Mapping[] {
  let results: Mapping[] = [{}];
  for (const [key, value] of Object.entries(node)) {
    const alternatives = alternativesOf(value);
    if (results.length * alternatives.length > MAX_GRID_SIZE) {
      throw MlgymError.fromIssue({
        code: 'SWEEP_INVALID',
        keyPath: key,
        problem: `the grid grows beyond ${MAX_GRID_SIZE} configurations`,
        hint: 'Use fewer values, or random search (sweep: random) to sample the space',
      });
    }
    const next: Mapping[] = [];
    for (const partial of results) for (const alt of alternatives) next.push({ ...partial, [key]: alt });
    results = next;
  }
  return results;
}
