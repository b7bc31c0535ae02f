import { canonicalJson } from '../util/canonicalJson.js';
import { isPlainObject } from '../util/describeValue.js';

/** A value with key order and list order removed, for order-insensitive comparison. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalize).sort((a, b) => {
      const x = canonicalJson(a);
      const y = canonicalJson(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/** Equality ignoring key order and list order (lists compare as sorted multisets). */
export function configsEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(normalize(a)) === canonicalJson(normalize(b));
}

/** Whether `config` is one of the expanded configs of `grid` (order-insensitive). */
export function isConfigInGrid(config: unknown, grid: readonly unknown[]): boolean {
  const key = canonicalJson(normalize(config));
  return grid.some((g) => canonicalJson(normalize(g)) === key);
}

/**
 * Removes the branches that a "negligible paths" tree marks with `null` leaves (keys of mappings,
 * or list items by index), so configs can be compared without fields that do not matter.
 */
export function deleteBranches(config: unknown, negligible: unknown): unknown {
  if (negligible === null) return undefined;
  if (Array.isArray(config) && isPlainObject(negligible)) {
    return config
      .map((item, i) => (String(i) in negligible ? deleteBranches(item, negligible[String(i)]) : item))
      .filter((item) => item !== undefined);
  }
  if (isPlainObject(config) && isPlainObject(negligible)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      const pruned = k in negligible ? deleteBranches(v, negligible[k]) : v;
      if (pruned !== undefined) out[k] = pruned;
    }
    return out;
  }
  return config;
}
