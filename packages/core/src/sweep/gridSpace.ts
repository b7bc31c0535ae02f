import { MlgymError } from '@mlgym/protocol';
import { isPlainObject } from '../util/describeValue.js';
import { isSweepNode, sweepValues } from './sweepSpec.js';

/** Upper bound on the number of expanded configs, to fail clearly instead of running out of memory. */
export const MAX_GRID_SIZE = 1_000_000;

/**
 * Sub-spaces at most this large keep every value they made, so that the parts of a config that do not
 * change from one experiment to the next are the same objects (a planner validates and hashes each once).
 */
const KEEP_MADE = 10_000;

type Mapping = Record<string, unknown>;

/**
 * The configs of a grid without making them all: `size` of them, `at(i)` makes the i-th in the
 * original's order. Values are shared between configs (never mutate them; clone to hand one out).
 */
export interface GridSpace {
  readonly size: number;
  at(index: number): unknown;
}

function single(value: unknown): GridSpace {
  return { size: 1, at: () => value };
}

/** Remembers what a small space made, so equal parts of different configs are one object. */
function keeping(space: GridSpace): GridSpace {
  if (space.size === 1 || space.size > KEEP_MADE) return space;
  const made: unknown[] = new Array(space.size);
  return {
    size: space.size,
    at(i) {
      if (!(i in made)) made[i] = space.at(i);
      return made[i];
    },
  };
}

/** The alternatives of a sweep's values, one after the other (a mapping among them is a space of its own). */
function union(parts: GridSpace[]): GridSpace {
  if (parts.every((p) => p.size === 1)) {
    const values = parts.map((p) => p.at(0));
    return { size: values.length, at: (i) => values[i] };
  }
  const starts: number[] = [];
  let size = 0;
  for (const p of parts) {
    starts.push(size);
    size += p.size;
  }
  return {
    size,
    at(i) {
      let lo = 0;
      let hi = parts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((starts[mid] as number) <= i) lo = mid;
        else hi = mid - 1;
      }
      return (parts[lo] as GridSpace).at(i - (starts[lo] as number));
    },
  };
}

function alternativesOf(value: unknown): GridSpace {
  if (isSweepNode(value)) {
    if (value.sweep === 'random') return single(value);
    return union(sweepValues(value).map((v) => (isPlainObject(v) ? mappingSpace(v) : single(v))));
  }
  if (isPlainObject(value)) return mappingSpace(value);
  return single(value);
}

/**
 * Every combination of a mapping's keys' alternatives, the first key varying slowest and the last
 * fastest (the original's cartesian product).
 */
function mappingSpace(node: Mapping): GridSpace {
  const keys = Object.keys(node);
  const spaces: GridSpace[] = [];
  let size = 1;
  for (const key of keys) {
    const alternatives = keeping(alternativesOf(node[key]));
    if (size * alternatives.size > MAX_GRID_SIZE) {
      throw MlgymError.fromIssue({
        code: 'SWEEP_INVALID',
        keyPath: key,
        problem: `the grid grows beyond ${MAX_GRID_SIZE} configurations`,
        hint: 'Use fewer values, or random search (sweep: random) to sample the space',
      });
    }
    spaces.push(alternatives);
    size *= alternatives.size;
  }
  const make = (index: number): Mapping => {
    const out: Mapping = {};
    // digits of the index, last key fastest; keys filled in document order
    const picks = new Array<number>(keys.length);
    for (let k = keys.length - 1, rest = index; k >= 0; k--) {
      const n = (spaces[k] as GridSpace).size;
      picks[k] = rest % n;
      rest = Math.floor(rest / n);
    }
    keys.forEach((key, k) => (out[key] = (spaces[k] as GridSpace).at(picks[k] as number)));
    return out;
  };
  if (size === 1) return single(make(0));
  return { size, at: make };
}

/**
 * The grid of a config as a space: every sweep expanded exactly as the original (see `expandGrid`),
 * but a config is made only when asked for, so planning 100,000 of them holds one at a time.
 * `random` sweep nodes stay in place as leaves (see `randomSearchSpace`).
 */
export function gridSpace(config: Mapping): GridSpace {
  return mappingSpace(config);
}
