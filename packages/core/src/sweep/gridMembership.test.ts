import { describe, expect, it } from 'vitest';
import { expandGrid } from './expandGrid.js';
import { configsEqual, deleteBranches, isConfigInGrid } from './gridMembership.js';

const sweep = (values: unknown[]) => ({ sweep: 'absolute', values });
const node = { p_1: sweep([1, 2, 3]), p_2: 2, p_3: { p_3_1: sweep(['a', 'b', 'c']) }, p_4: [13, 14] };

describe('grid membership helpers', () => {
  const grid = expandGrid(node);

  it('expands the node into 9 distinct configs, each in the grid', () => {
    expect(grid).toHaveLength(9);
    expect(new Set(grid.map((g) => JSON.stringify(g))).size).toBe(9);
    for (const config of grid) {
      expect(configsEqual(config, config)).toBe(true);
      expect(isConfigInGrid(config, grid)).toBe(true);
    }
    expect(isConfigInGrid({ p_1: 1, p_2: 2, p_4: [13, 13] }, grid)).toBe(false);
  });

  it('ignores key order and list order', () => {
    expect(isConfigInGrid({ p_4: [14, 13], p_3: { p_3_1: 'b' }, p_2: 2, p_1: 3 }, grid)).toBe(true);
    expect(configsEqual({ a: [1, 2] }, { a: [1, 2, 2] })).toBe(false);
  });

  it('deletes the branches marked null, keeping the rest comparable', () => {
    const pruned = grid.map((g) => deleteBranches(g, { p_3: null, p_4: { 0: null } }));
    expect(pruned[0]).toEqual({ p_1: 1, p_2: 2, p_4: [14] });
    for (const p of pruned) expect(configsEqual(p, p)).toBe(true);
    expect(new Set(pruned.map((p) => JSON.stringify(p))).size).toBe(3);
  });
});
