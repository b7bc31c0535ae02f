import { meanAndStd } from './aggregatePoints';
import type { ExperimentGroup } from './groupExperiments';

/** A table row: the experiment table's shape (a field per column). */
export type TableRow = Record<string, unknown> & { experiment_id: number };

/** A score over a group's members: shown as `mean ± std`, sorted by the mean. */
export interface GroupStat {
  mean: number;
  std: number;
  n: number;
}

/** What a group row carries besides its columns. */
export interface GroupRowInfo {
  key: string;
  label: string;
  members: number[];
  expanded: boolean;
}

/** The field of a row that marks it as a group's (absent on experiment rows). */
export const GROUP_FIELD = '__group';
/** The field of an experiment row that names the group it was expanded from. */
export const PARENT_FIELD = '__parent';

export const isGroupRow = (row: TableRow): row is TableRow & { [GROUP_FIELD]: GroupRowInfo } =>
  row[GROUP_FIELD] !== undefined;

export const isGroupStat = (v: unknown): v is GroupStat =>
  typeof v === 'object' && v !== null && 'mean' in v && 'std' in v && 'n' in v;

/** `COMPLETED` when all agree, else the count of each status: `3 COMPLETED · 2 RUNNING`. */
function statusSummary(members: readonly TableRow[]): string {
  const counts = new Map<string, number>();
  for (const m of members) {
    // the first word: `INTERRUPTED after 3 epochs` and `… after 4 epochs` count together
    const word = String(m['status'] ?? 'UNKNOWN').split(' ')[0] as string;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  if (counts.size === 1) return [...counts.keys()][0] as string;
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${n} ${s}`)
    .join(' · ');
}

/**
 * One row per group: n, the members' mean ± std (population) of every score, the value of each other
 * column the members share (empty where they differ), the mean epoch progress, and a status summary.
 * An expanded group is followed by its members' rows, each naming its group in PARENT_FIELD.
 */
export interface GroupRowsInput {
  groups: readonly ExperimentGroup[];
  rowsById: ReadonlyMap<number, TableRow>;
  /** Columns averaged (scores). */
  scoreKeys: readonly string[];
  /** Columns shown when the members share their value (hyper-parameters, status fields). */
  otherColumns: readonly string[];
  /** Keys of the groups whose members are listed under them. */
  expanded: ReadonlySet<string>;
}

export function groupRows({ groups, rowsById, scoreKeys, otherColumns, expanded }: GroupRowsInput): TableRow[] {
  const out: TableRow[] = [];
  for (const g of groups) {
    const members = g.members.map((id) => rowsById.get(id)).filter((r): r is TableRow => r !== undefined);
    if (members.length === 0) continue;
    const open = expanded.has(g.key);
    const row: TableRow = {
      experiment_id: g.id,
      [GROUP_FIELD]: { key: g.key, label: g.label, members: g.members, expanded: open } satisfies GroupRowInfo,
      n: members.length,
      status: statusSummary(members),
    };
    for (const key of scoreKeys) {
      const values: number[] = [];
      for (const m of members) {
        const v = m[key];
        if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
      }
      if (values.length) row[key] = meanAndStd(values) satisfies GroupStat;
    }
    for (const column of otherColumns) {
      const first = (members[0] as TableRow)[column];
      if (members.every((m) => m[column] === first)) row[column] = first;
    }
    const progress = members.map((m) => m['epoch_progress']).filter((p): p is number => typeof p === 'number');
    row['epoch_progress'] = progress.length ? progress.reduce((a, b) => a + b, 0) / progress.length : null;
    out.push(row);
    if (open) for (const m of members) out.push({ ...m, [PARENT_FIELD]: g.key });
  }
  return out;
}
