import { describe, expect, it } from 'vitest';
import { compilePattern, rowPredicate } from './rowFilter';
import type { GridRow } from './rowFilter';

const rows: GridRow[] = [
  { experiment_id: 0, status: 'COMPLETED', 'hp:lr': 0.001, val_acc: 0.9 },
  { experiment_id: 1, status: 'FAILED', 'hp:lr': 0.01, val_acc: null },
  { experiment_id: 2, status: 'RUNNING', 'hp:lr': 0.1, val_acc: 0.5 },
];
const ids = (test: ((r: GridRow) => boolean) | null) => (test ? rows.filter(test) : rows).map((r) => r.experiment_id);
const columns = ['experiment_id', 'status', 'hp:lr', 'val_acc'];

describe('row filters', () => {
  it('quick filter: a case-insensitive regex over the shown columns', () => {
    expect(ids(rowPredicate({ quick: 'fail|run', columns: [] }, columns))).toEqual([1, 2]);
    expect(ids(rowPredicate({ quick: '^0\\.01$', columns: [] }, columns))).toEqual([1]);
    expect(ids(rowPredicate({ quick: 'FAILED', columns: [] }, ['experiment_id']))).toEqual([]);
  });

  it('numeric range (inclusive, open ends), value sets and text patterns per column, all required', () => {
    expect(
      ids(rowPredicate({ quick: '', columns: [{ column: 'hp:lr', kind: 'range', min: null, max: 0.01 }] }, columns)),
    ).toEqual([0, 1]);
    expect(
      ids(rowPredicate({ quick: '', columns: [{ column: 'val_acc', kind: 'range', min: 0.4, max: null }] }, columns)),
    ).toEqual([0, 2]);
    expect(
      ids(
        rowPredicate(
          { quick: '', columns: [{ column: 'status', kind: 'set', values: ['FAILED', 'RUNNING'] }] },
          columns,
        ),
      ),
    ).toEqual([1, 2]);
    expect(
      ids(
        rowPredicate(
          {
            quick: '',
            columns: [
              { column: 'status', kind: 'text', pattern: 'ed$' },
              { column: 'hp:lr', kind: 'range', min: 0.005, max: null },
            ],
          },
          columns,
        ),
      ),
    ).toEqual([1]);
  });

  it('no active filter gives no predicate; an invalid regex filters nothing and says why', () => {
    expect(rowPredicate({ quick: '  ', columns: [] }, columns)).toBeNull();
    expect(
      rowPredicate({ quick: '(', columns: [{ column: 'status', kind: 'text', pattern: '[' }] }, columns),
    ).toBeNull();
    expect(compilePattern('(').error).toMatch(/^Invalid regular expression: .*\(/);
    expect(compilePattern('a(b)').error).toBeNull();
  });
});
