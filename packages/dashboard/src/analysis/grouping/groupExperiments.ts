import { isFoldPath } from '../experiments/foldPaths';

/**
 * How experiments are put together:
 * - `none`: one line and one row per experiment (today's view);
 * - `combination`: experiments whose swept config values are the same but for fold bookkeeping (the
 *   folds of a CV or nested-CV combination) and seeds (the seeds of one configuration);
 * - `keys`: the same values of the chosen config paths (and `grid_search`, the grid search);
 * - `tag`: the same set of tags.
 */
export type GroupBy = { kind: 'none' } | { kind: 'combination' } | { kind: 'keys'; keys: string[] } | { kind: 'tag' };

/** The pseudo-key of the grid search an experiment belongs to (several grid searches on one page). */
export const GRID_SEARCH_KEY = 'grid_search';

export interface ExperimentGroup {
  /** The smallest member key: a group keeps its id (and colour) as members join. */
  id: number;
  /** What the members share, as text (equal keys: one group). */
  key: string;
  /** What the members share, as a person reads it: `lr=0.001 · batch_size=16`. */
  label: string;
  /** Member experiment keys, ascending. */
  members: number[];
}

/** What grouping reads about experiments. */
export interface GroupingFacts {
  /** Config leaves that differ between experiments. */
  sweptPaths: readonly string[];
  config(id: number, path: string): unknown;
  /** A path's short name (the table's header). */
  labelOf(path: string): string;
  gridSearch(id: number): string | null;
  tags?(id: number): readonly string[] | undefined;
}

/** Whether a swept path separates members of one combination rather than combinations: folds and seeds. */
export function isReplicatePath(path: string): boolean {
  const segments = path.split('.');
  const last = segments[segments.length - 1] ?? '';
  return isFoldPath(path) || /seed$/i.test(last);
}

const valueText = (v: unknown): string =>
  v === undefined ? '–' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** The key and label of one experiment under `groupBy`. */
export function groupKeyOf(groupBy: GroupBy, facts: GroupingFacts): (id: number) => { key: string; label: string } {
  switch (groupBy.kind) {
    case 'none':
      return (id) => ({ key: String(id), label: `experiment_${id}` });
    case 'tag':
      return (id) => {
        const tags = [...(facts.tags?.(id) ?? [])].sort();
        return tags.length ? { key: JSON.stringify(tags), label: tags.join(' + ') } : { key: '[]', label: '(no tag)' };
      };
    case 'combination':
    case 'keys': {
      const paths = groupBy.kind === 'keys' ? groupBy.keys : facts.sweptPaths.filter((p) => !isReplicatePath(p));
      const labels = paths.map((p) => (p === GRID_SEARCH_KEY ? 'grid search' : facts.labelOf(p)));
      // grouped by grid search alone, a group is named by its grid search
      const bare = paths.length === 1 && paths[0] === GRID_SEARCH_KEY;
      return (id) => {
        const values = paths.map((p) => (p === GRID_SEARCH_KEY ? facts.gridSearch(id) : facts.config(id, p)));
        return {
          key: JSON.stringify(values.map((v) => (v === undefined ? '\u0000absent' : v))),
          label: bare
            ? valueText(values[0] ?? undefined)
            : values.length
              ? values.map((v, i) => `${labels[i] as string}=${valueText(v)}`).join(' · ')
              : 'all experiments',
        };
      };
    }
  }
}

/** Puts experiments (their keys, ascending) into groups, ordered by their first member. */
export function groupExperiments(
  ids: readonly number[],
  keyOf: (id: number) => { key: string; label: string },
): ExperimentGroup[] {
  const byKey = new Map<string, ExperimentGroup>();
  const out: ExperimentGroup[] = [];
  for (const id of ids) {
    const { key, label } = keyOf(id);
    const group = byKey.get(key);
    if (group) {
      group.members.push(id);
      if (id < group.id) group.id = id;
      continue;
    }
    const fresh: ExperimentGroup = { id, key, label, members: [id] };
    byKey.set(key, fresh);
    out.push(fresh);
  }
  for (const g of out) g.members.sort((a, b) => a - b);
  return out.sort((a, b) => a.id - b.id);
}
