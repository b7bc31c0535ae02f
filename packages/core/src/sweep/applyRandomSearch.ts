import { MlgymError } from '@mlgym/protocol';
import { formatKeyPath, isPlainObject } from '../util/describeValue.js';
import { Rng } from '../util/rng.js';
import { RandomSweepSchema, isRandomSweep } from './sweepSpec.js';
import type { RandomSweep } from './sweepSpec.js';
import type { GridSpace } from './gridSpace.js';

type Mapping = Record<string, unknown>;

export interface RandomSite {
  path: PropertyKey[];
  spec: RandomSweep;
}

export function findRandomSites(node: unknown, path: PropertyKey[], out: RandomSite[]): void {
  if (isRandomSweep(node)) {
    out.push({ path, spec: RandomSweepSchema.parse(node) });
    return;
  }
  if (isPlainObject(node)) for (const [k, v] of Object.entries(node)) findRandomSites(v, [...path, k], out);
}

/** The `count` draws of one random node; the stream depends on its seed and its place in the config. */
function draw(spec: RandomSweep, path: readonly PropertyKey[], count: number): unknown[] {
  const rng = new Rng(`${spec.seed}/${formatKeyPath(path)}`);
  const low = spec.low ?? 0;
  const high = spec.high ?? 1;
  return Array.from({ length: count }, () => {
    switch (spec.distribution) {
      case 'uniform':
        return low + rng.nextFloat() * (high - low);
      case 'loguniform':
        return Math.exp(Math.log(low) + rng.nextFloat() * (Math.log(high) - Math.log(low)));
      case 'randint':
        return Math.ceil(low) + rng.nextInt(Math.floor(high) - Math.ceil(low));
      case 'choice': {
        const values = spec.values as unknown[];
        return structuredClone(values[rng.nextInt(values.length)]);
      }
    }
  });
}

export function setAt(target: Mapping, path: readonly PropertyKey[], value: unknown): void {
  let node: Mapping = target;
  for (const seg of path.slice(0, -1)) node = node[String(seg)] as Mapping;
  node[String(path[path.length - 1])] = value;
}

/**
 * Random search: every config of the grid is repeated for each of `num_samples` joint draws of its
 * random nodes (sample-major order, like Ray Tune's grid × num_samples). Configs without random
 * nodes pass through unchanged.
 */
export function applyRandomSearch(grid: Mapping[]): Mapping[] {
  const space = randomSearchSpace({ size: grid.length, at: (i) => grid[i] });
  if (space.size === grid.length) return grid;
  return Array.from({ length: space.size }, (_, i) => space.at(i) as Mapping);
}

/**
 * `applyRandomSearch` over a grid space, one config at a time: the i-th config is a copy of grid
 * config `i mod size` with the draws of sample `i div size` (a space without random nodes is returned
 * as it is, its configs shared).
 */
export function randomSearchSpace(grid: GridSpace): GridSpace {
  if (grid.size === 0) return grid;
  const sites: RandomSite[] = [];
  findRandomSites(grid.at(0), [], sites);
  if (sites.length === 0) return grid;
  const count = (sites[0] as RandomSite).spec.num_samples;
  const mismatch = sites.find((s) => s.spec.num_samples !== count);
  if (mismatch) {
    throw MlgymError.fromIssue({
      code: 'SWEEP_INVALID',
      keyPath: formatKeyPath(mismatch.path),
      problem: 'random sweeps are sampled jointly, so they must share num_samples',
      found: String(mismatch.spec.num_samples),
      expected: `${count} (as at ${formatKeyPath((sites[0] as RandomSite).path)})`,
    });
  }
  const draws = new Map<string, unknown[]>();
  return {
    size: count * grid.size,
    at(i) {
      const s = Math.floor(i / grid.size);
      const copy = structuredClone(grid.at(i % grid.size)) as Mapping;
      const local: RandomSite[] = [];
      findRandomSites(copy, [], local);
      for (const site of local) {
        const key = `${formatKeyPath(site.path)}\u0000${JSON.stringify(site.spec)}`;
        let values = draws.get(key);
        if (!values) draws.set(key, (values = draw(site.spec, site.path, count)));
        setAt(copy, site.path, values[s]);
      }
      return copy;
    },
  };
}
