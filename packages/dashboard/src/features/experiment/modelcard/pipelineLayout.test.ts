import { describe, expect, it } from 'vitest';
import { layoutPipeline, pipelineGraphInput } from './pipelineLayout';

const config = {
  table: { component_type_key: 'CSV_DATASET_ITERATORS', variant_key: 'DEFAULT', config: { target_column: 'y' } },
  splits: {
    component_type_key: 'SPLITTED_DATASET_ITERATORS',
    variant_key: 'RANDOM',
    requirements: [{ name: 'iterators', component_name: 'table', subscription: ['train', 'test'] }],
    config: { seed: 1 },
  },
  model: { component_type_key: 'MODEL', variant_key: 'DEFAULT' },
  trainer: {
    component_type_key: 'TRAINER',
    variant_key: 'DEFAULT',
    requirements: [
      { name: 'loaders', component_name: 'splits', subscription: 'train' },
      { name: 'model', component_name: 'model' },
      { name: 'ghost', component_name: 'nowhere' },
    ],
  },
  global_config: { target_key: 'target_key' },
};

describe('pipelineLayout', () => {
  it('takes one node per component and one edge per requirement, requirement → consumer', () => {
    const input = pipelineGraphInput(config);
    expect(input.nodes.map((n) => [n.id, n.type])).toEqual([
      ['table', 'CSV_DATASET_ITERATORS'],
      ['splits', 'SPLITTED_DATASET_ITERATORS'],
      ['model', 'MODEL'],
      ['trainer', 'TRAINER'],
      ['nowhere', 'missing'],
    ]);
    expect(input.nodes[0]?.config).toEqual({ target_column: 'y' });
    expect(input.edges).toEqual([
      { from: 'table', to: 'splits', label: 'iterators [train, test]' },
      { from: 'splits', to: 'trainer', label: 'loaders [train]' },
      { from: 'model', to: 'trainer', label: 'model' },
      { from: 'nowhere', to: 'trainer', label: 'ghost' },
    ]);
  });

  it('lays requirements out left of their consumers, without overlapping boxes', () => {
    const g = layoutPipeline(pipelineGraphInput(config));
    const at = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(at('table').x).toBeLessThan(at('splits').x);
    expect(at('splits').x).toBeLessThan(at('trainer').x);
    for (const a of g.nodes)
      for (const b of g.nodes) {
        if (a === b) continue;
        const apart =
          Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    expect(g.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(g.width).toBeGreaterThan(at('trainer').x);
  });
});
