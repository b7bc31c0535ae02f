import { describe, expect, it } from 'vitest';
import { upsertPoints } from './upsertPoints';

describe('upsertPoints', () => {
  it('appends, inserts in order and overwrites equal epochs', () => {
    const target = { epochs: [1, 3], values: [10, 30] as Array<number | null> };
    upsertPoints(target, [5, 0, 3, 2], [50, 0, 33, null]);
    expect(target).toEqual({ epochs: [0, 1, 2, 3, 5], values: [0, 10, null, 33, 50] });
  });
});
