import { gridSpace } from './gridSpace.js';

export { MAX_GRID_SIZE } from './gridSpace.js';

type Mapping = Record<string, unknown>;

/**
 * Expands every sweep of a config into the ordered list of concrete configs, exactly as the
 * original: per mapping, the alternatives of each key in document order are combined as a cartesian
 * product with the first key varying slowest and the last fastest; mappings among sweep values are
 * expanded recursively and flattened into the same dimension; sweeps inside lists are left alone.
 * `random` sweep nodes are kept as leaves (see `applyRandomSearch`). Each config is an independent
 * copy; `gridSpace` makes them one at a time instead.
 */
export function expandGrid(config: Mapping): Mapping[] {
  const space = gridSpace(config);
  return Array.from({ length: space.size }, (_, i) => structuredClone(space.at(i)) as Mapping);
}
