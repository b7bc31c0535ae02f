/** One leaf of the compared configs: its dotted path and each experiment's value (JSON text). */
export interface DiffRow {
  path: string;
  /** Per compared experiment, in the order given: the leaf's JSON text, or undefined when absent. */
  values: Array<string | undefined>;
  differs: boolean;
}

/** Leaves of a config by dotted path; arrays are leaves (compared as a whole). */
export function configLeaves(config: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    const entries = Object.entries(config);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) configLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(config) ?? 'null');
  }
  return out;
}

/**
 * Configs side by side: every leaf path of any of them (in first-seen order), with each config's
 * value; a leaf differs when not every config has the same value (absent counts as a value).
 */
export function configDiff(configs: readonly unknown[]): DiffRow[] {
  const leaves = configs.map((c) => configLeaves(c));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const l of leaves)
    for (const p of l.keys())
      if (!seen.has(p)) {
        seen.add(p);
        paths.push(p);
      }
  return paths.map((path) => {
    const values = leaves.map((l) => l.get(path));
    return { path, values, differs: values.some((v) => v !== values[0]) };
  });
}
