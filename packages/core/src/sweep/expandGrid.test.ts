import { describe, expect, it } from 'vitest';
import { YamlSource } from '../config/yamlSource.js';
import { applyRandomSearch } from './applyRandomSearch.js';
import { expandGrid } from './expandGrid.js';
import { sweepValues } from './sweepSpec.js';

const sweep = (values: unknown[]) => ({ sweep: 'absolute', values });

describe('expandGrid (the original expansion order)', () => {
  it('varies the first key slowest and the last fastest, as the original example numbers its 15 experiments', () => {
    const grid = expandGrid({
      data_loaders: { config: { batch_size: sweep([10, 50, 100]) } },
      optimizer: { config: { params: { lr: sweep([1, 0.1, 0.01, 0.001, 0.0001]) } } },
    });
    const pairs = grid.map((c) => [
      (c['data_loaders'] as { config: { batch_size: number } }).config.batch_size,
      (c['optimizer'] as { config: { params: { lr: number } } }).config.params.lr,
    ]);
    expect(pairs).toHaveLength(15);
    expect(pairs[0]).toEqual([10, 1]);
    expect(pairs[1]).toEqual([10, 0.1]);
    expect(pairs[4]).toEqual([10, 0.0001]);
    expect(pairs[5]).toEqual([50, 1]);
    expect(pairs[14]).toEqual([100, 0.0001]);
  });

  it('keeps key order in every expanded mapping and returns independent copies', () => {
    const grid = expandGrid({ b: 1, a: sweep([1, 2]), c: { d: [1, 2] } });
    expect(grid.map((g) => Object.keys(g))).toEqual([
      ['b', 'a', 'c'],
      ['b', 'a', 'c'],
    ]);
    (grid[0]!['c'] as { d: number[] }).d.push(3);
    expect((grid[1]!['c'] as { d: number[] }).d).toEqual([1, 2]);
  });

  it('handles the documented edge cases', () => {
    expect(expandGrid({})).toEqual([{}]);
    expect(expandGrid({ a: sweep([[1, 2], [3]]) })).toEqual([{ a: [1, 2] }, { a: [3] }]);
    // A mapping among the values is expanded and flattened into the same dimension.
    expect(expandGrid({ a: sweep([{ x: sweep([1, 2]) }, 5]) })).toEqual([{ a: { x: 1 } }, { a: { x: 2 } }, { a: 5 }]);
    // Sweeps inside lists are left alone.
    expect(expandGrid({ a: [sweep([1, 2])] })).toEqual([{ a: [sweep([1, 2])] }]);
  });

  it('treats an aliased sweep as two independent dimensions, like the YAML loader of the original', () => {
    const { data } = YamlSource.parse('x: &s {sweep: absolute, values: [1, 2]}\ny: *s\n', 'alias.yml');
    expect(expandGrid(data as Record<string, unknown>)).toEqual([
      { x: 1, y: 1 },
      { x: 1, y: 2 },
      { x: 2, y: 1 },
      { x: 2, y: 2 },
    ]);
  });

  it('generates range, linspace and logspace values', () => {
    expect(sweepValues({ sweep: 'range', start: 1, stop: 10, step: 3 })).toEqual([1, 4, 7]);
    expect(sweepValues({ sweep: 'range', stop: 0.3, step: 0.1 })).toEqual([0, 0.1, 0.2]);
    expect(sweepValues({ sweep: 'linspace', start: 0, stop: 1, num: 5 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweepValues({ sweep: 'logspace', start: -4, stop: 0, num: 5 })).toEqual([0.0001, 0.001, 0.01, 0.1, 1]);
    expect(
      expandGrid({
        lr: { sweep: 'logspace', start: -2, stop: -1, num: 2 },
        bs: { sweep: 'range', start: 8, stop: 17, step: 8 },
      }),
    ).toEqual([
      { lr: 0.01, bs: 8 },
      { lr: 0.01, bs: 16 },
      { lr: 0.1, bs: 8 },
      { lr: 0.1, bs: 16 },
    ]);
  });
});

describe('applyRandomSearch', () => {
  const config = {
    optimizer: { lr: { sweep: 'random', distribution: 'loguniform', low: 1e-4, high: 1e-1, num_samples: 4, seed: 3 } },
    dropout: { sweep: 'random', distribution: 'uniform', low: 0, high: 0.5, num_samples: 4 },
    act: { sweep: 'random', distribution: 'choice', values: ['relu', 'tanh'], num_samples: 4 },
    batch: sweep([16, 32]),
  };

  it('draws num_samples joint samples and crosses them with the grid, sample-major', () => {
    const out = applyRandomSearch(expandGrid(config));
    expect(out).toHaveLength(8);
    for (const c of out) {
      const lr = (c['optimizer'] as { lr: number }).lr;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThan(1e-1);
      expect(c['dropout']).toBeGreaterThanOrEqual(0);
      expect(['relu', 'tanh']).toContain(c['act']);
    }
    // Within one sample the random values are shared by every grid config.
    expect(out[0]!['optimizer']).toEqual(out[1]!['optimizer']);
    expect([out[0]!['batch'], out[1]!['batch']]).toEqual([16, 32]);
    expect(out[0]!['optimizer']).not.toEqual(out[2]!['optimizer']);
  });

  it('is reproducible, and the seed changes the draws', () => {
    const a = applyRandomSearch(expandGrid(config));
    const b = applyRandomSearch(expandGrid(config));
    expect(a).toEqual(b);
    const reseeded = structuredClone(config);
    reseeded.optimizer.lr.seed = 4;
    const c = applyRandomSearch(expandGrid(reseeded));
    expect(c.map((x) => x['optimizer'])).not.toEqual(a.map((x) => x['optimizer']));
    expect(c.map((x) => x['dropout'])).toEqual(a.map((x) => x['dropout']));
  });

  it('refuses random nodes with different sample counts', () => {
    const bad = {
      a: { sweep: 'random', distribution: 'uniform', low: 0, high: 1, num_samples: 2 },
      b: { sweep: 'random', distribution: 'uniform', low: 0, high: 1, num_samples: 3 },
    };
    expect(() => applyRandomSearch(expandGrid(bad))).toThrow(/share num_samples/);
  });
});
