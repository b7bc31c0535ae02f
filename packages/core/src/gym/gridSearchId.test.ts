import { describe, expect, it } from 'vitest';
import { newGridSearchId } from './gridSearchId.js';

describe('newGridSearchId', () => {
  const when = new Date(2023, 5, 3, 10, 26, 58);

  it("uses the original's YYYY-MM-DD--HH-MM-SS form", async () => {
    expect(await newGridSearchId(async () => false, when)).toBe('2023-06-03--10-26-58');
  });

  it('stays unique when runs start in the same second', async () => {
    const taken = new Set<string>();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await newGridSearchId(async (candidate) => taken.has(candidate), when);
      taken.add(id);
      ids.push(id);
    }
    expect(ids).toEqual(['2023-06-03--10-26-58', '2023-06-03--10-26-58-2', '2023-06-03--10-26-58-3']);
  });
});
