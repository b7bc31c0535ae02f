import { describe, expect, it } from 'vitest';
import { configDiff, configLeaves } from './configDiff';

describe('configDiff', () => {
  it('flattens configs to dotted leaves, arrays whole', () => {
    const leaves = configLeaves({ a: { b: 1, c: [1, 2] }, d: 'x', e: {} });
    expect([...leaves]).toEqual([
      ['a.b', '1'],
      ['a.c', '[1,2]'],
      ['d', '"x"'],
      ['e', '{}'],
    ]);
  });

  it('marks the leaves that differ, absent included', () => {
    const rows = configDiff([
      { optimizer: { config: { lr: 0.1, key: 'ADAM' } }, loader: { batch_size: 16 } },
      { optimizer: { config: { lr: 0.01, key: 'ADAM' } }, loader: { batch_size: 16 }, extra: true },
      { optimizer: { config: { lr: 0.1, key: 'ADAM' } }, loader: { batch_size: 16 } },
    ]);
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['optimizer.config.lr', 'extra']);
    expect(rows.find((r) => r.path === 'extra')?.values).toEqual([undefined, 'true', undefined]);
    expect(rows.find((r) => r.path === 'loader.batch_size')).toEqual({
      path: 'loader.batch_size',
      values: ['16', '16', '16'],
      differs: false,
    });
  });
});
