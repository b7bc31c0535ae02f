import { shortestSuffixes } from '../columns/shortestSuffixes';
import { FOLD_KEYS, isFoldPath } from './foldPaths';

export type HyperValue = string | number | boolean | null;

export interface HyperColumn {
  /** Grid field id: `hp:` + the dotted path in the experiment config. */
  id: string;
  path: string;
  /**
   * The shortest run of the path's last segments (the component graph's `config` levels left out) that
   * no other swept path ends with, e.g. `lr`, `batch_size` (see shortestSuffixes); the path is the tooltip.
   */
  label: string;
}

export interface HyperParameters {
  /** The first MAX_HYPER_PARAMETERS swept paths, sorted; CV fold bookkeeping (fold ids, split indices) last. */
  columns: HyperColumn[];
  /** Swept paths beyond MAX_HYPER_PARAMETERS, not kept. */
  omitted?: number;
  /** Per experiment id: the values of those columns. */
  values: Record<number, Record<string, HyperValue>>;
  /** Leaves with the same value in every experiment (the expression filter reads them too). */
  common: Record<string, HyperValue>;
}

function flatten(value: unknown, path: string, out: Map<string, HyperValue>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
    return;
  }
  if (path === '') return;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.set(path, value);
  } else {
    out.set(path, JSON.stringify(value) ?? null);
  }
}

/** A fold bookkeeping key from its fold segment on: `val_fold_id`, `split_indices.train`. */
function foldLabel(path: string): string {
  const segments = path.split('.');
  const at = segments.findIndex((s) => (FOLD_KEYS as readonly string[]).includes(s));
  return segments.slice(Math.max(0, at)).join('.');
}

/**
 * Swept paths kept at most: a config with tens of thousands of keys (a runaway or hostile publisher)
 * would otherwise make as many columns, tooltip lines and axes, and values on every row.
 */
export const MAX_HYPER_PARAMETERS = 1_000;

/**
 * The swept hyper-parameters: every leaf of the experiments' configs whose value is not the same
 * in all experiments (present in some and absent in others counts as differing).
 */
export function deriveHyperParameters(configs: Record<number, Record<string, unknown>>): HyperParameters {
  const flat = new Map<number, Map<string, HyperValue>>();
  for (const [id, config] of Object.entries(configs)) {
    const leaves = new Map<string, HyperValue>();
    flatten(config, '', leaves);
    flat.set(Number(id), leaves);
  }
  const paths = new Set<string>();
  for (const leaves of flat.values()) for (const p of leaves.keys()) paths.add(p);
  const swept: string[] = [];
  // leaves are primitives (anything else was written as JSON by flatten): compared as they are
  const ABSENT = Symbol('absent');
  for (const path of paths) {
    let first: HyperValue | typeof ABSENT | undefined;
    let seen = false;
    for (const leaves of flat.values()) {
      const v = leaves.has(path) ? (leaves.get(path) as HyperValue) : ABSENT;
      if (!seen) {
        first = v;
        seen = true;
      } else if (v !== first) {
        swept.push(path);
        break;
      }
    }
  }
  swept.sort();
  const omitted = Math.max(0, swept.length - MAX_HYPER_PARAMETERS);
  if (omitted) swept.length = MAX_HYPER_PARAMETERS;
  const sweptSet = new Set(swept);
  const common: Record<string, HyperValue> = {};
  const first = flat.values().next().value;
  if (first) for (const [p, v] of first) if (!sweptSet.has(p)) common[p] = v;
  const values: HyperParameters['values'] = {};
  for (const [id, leaves] of flat) {
    const row: Record<string, HyperValue> = {};
    for (const p of swept) if (leaves.has(p)) row[`hp:${p}`] = leaves.get(p) ?? null;
    values[id] = row;
  }
  const hyper = swept.filter((p) => !isFoldPath(p));
  const folds = swept.filter(isFoldPath);
  const labels = shortestSuffixes(hyper);
  return {
    ...(omitted ? { omitted } : {}),
    columns: [
      ...hyper.map((path) => ({ id: `hp:${path}`, path, label: labels.get(path) ?? path })),
      ...folds.map((path) => ({ id: `hp:${path}`, path, label: foldLabel(path) })),
    ],
    values,
    common,
  };
}
