import { describe, expect, it } from 'vitest';
import { GROUP_FIELD, PARENT_FIELD, groupRows, isGroupRow } from './groupRows';
import type { TableRow } from './groupRows';
import type { ExperimentGroup } from './groupExperiments';

const rows = new Map<number, TableRow>(
  [
    { experiment_id: 0, status: 'COMPLETED', 'hp:lr': 0.1, 'hp:seed': 1, val_acc: 0.8, epoch_progress: 1 },
    { experiment_id: 1, status: 'COMPLETED', 'hp:lr': 0.1, 'hp:seed': 2, val_acc: 0.9, epoch_progress: 1 },
    { experiment_id: 2, status: 'RUNNING', 'hp:lr': 0.1, 'hp:seed': 3, val_acc: 0.7, epoch_progress: 0.5 },
    { experiment_id: 3, status: 'INTERRUPTED after 2 epochs', 'hp:lr': 0.01, 'hp:seed': 1, epoch_progress: 0.4 },
  ].map((r) => [r.experiment_id, r]),
);
const groups: ExperimentGroup[] = [
  { id: 0, key: 'a', label: 'lr=0.1', members: [0, 1, 2] },
  { id: 3, key: 'b', label: 'lr=0.01', members: [3] },
];

describe('group rows of the table', () => {
  it('one row per group: n, mean ± std of each score, shared values, mean progress, status counts', () => {
    const out = groupRows({
      groups,
      rowsById: rows,
      scoreKeys: ['val_acc'],
      otherColumns: ['hp:lr', 'hp:seed'],
      expanded: new Set(),
    });
    expect(out).toHaveLength(2);
    const [a, b] = out as [TableRow, TableRow];
    expect(isGroupRow(a)).toBe(true);
    expect(a['n']).toBe(3);
    const stat = a['val_acc'] as { mean: number; std: number; n: number };
    expect(stat.mean).toBeCloseTo(0.8, 12);
    expect(stat.std).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
    expect(stat.n).toBe(3);
    expect(a['hp:lr']).toBe(0.1);
    expect('hp:seed' in a).toBe(false);
    expect(a['epoch_progress']).toBeCloseTo(2.5 / 3, 12);
    expect(a['status']).toBe('2 COMPLETED · 1 RUNNING');
    expect(b['status']).toBe('INTERRUPTED');
    // a group whose members have no value for a score has none
    expect('val_acc' in b).toBe(false);
  });

  it("an expanded group is followed by its members' own rows", () => {
    const out = groupRows({
      groups,
      rowsById: rows,
      scoreKeys: ['val_acc'],
      otherColumns: [],
      expanded: new Set(['a']),
    });
    expect(out.map((r) => [r.experiment_id, isGroupRow(r), r[PARENT_FIELD] ?? null])).toEqual([
      [0, true, null],
      [0, false, 'a'],
      [1, false, 'a'],
      [2, false, 'a'],
      [3, true, null],
    ]);
    expect((out[0] as TableRow)[GROUP_FIELD]).toEqual({
      key: 'a',
      label: 'lr=0.1',
      members: [0, 1, 2],
      expanded: true,
    });
  });

  it('leaves out groups whose members have no rows', () => {
    expect(
      groupRows({
        groups: [{ id: 9, key: 'z', label: 'z', members: [9] }],
        rowsById: rows,
        scoreKeys: [],
        otherColumns: [],
        expanded: new Set(),
      }),
    ).toEqual([]);
  });
});
