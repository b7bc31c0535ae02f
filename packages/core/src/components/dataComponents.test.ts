import { describe, expect, it } from 'vitest';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import type { DatasetIterator, SplitDict } from '../data/datasetIterator.js';
import { createDefaultRegistry } from './createDefaultRegistry.js';

async function build(config: Record<string, unknown>, name: string): Promise<SplitDict> {
  const graph = ComponentGraph.fromConfig(config, createDefaultRegistry(), { requested: [name] });
  return (await new ComponentBuilder(graph, { services: new Map() }).build(name)) as SplitDict;
}

const base = {
  repo: { component_type_key: 'DATASET_REPOSITORY', variant_key: 'DEFAULT' },
  data: {
    component_type_key: 'DATASET_ITERATORS',
    variant_key: 'DEFAULT',
    requirements: [{ name: 'repository', component_name: 'repo' }],
    config: { dataset_identifier: 'mnist', split_configs: [{ split: 'train' }, { split: 'test' }] },
  },
};
const on = (
  name: string,
  type: string,
  config: unknown,
  { subscription, variant = 'DEFAULT' }: { subscription?: unknown; variant?: string } = {},
) => ({
  ...base,
  [name]: {
    component_type_key: type,
    variant_key: variant,
    requirements: [{ name: 'iterators', component_name: 'data', subscription }],
    config,
  },
});
const labels = (it: DatasetIterator) => Array.from({ length: it.length }, (_, i) => it.get(i)[1]);

describe('data components', () => {
  it('DATASET_ITERATORS serves the real MNIST digits shipped in the mnist package', async () => {
    const { train, test } = await build(base, 'data');
    expect(train!.length + test!.length).toBe(10_000);
    const [image, target, tag] = train!.get(0);
    expect(image).toBeInstanceOf(Float32Array);
    expect((image as Float32Array).length).toBe(784);
    expect(Math.max(...(image as Float32Array))).toBeLessThanOrEqual(1);
    expect(target).toBe(tag);
    expect(new Set(labels(test!))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(train!.meta).toMatchObject({ identifier: 'data', datasetName: 'mnist', datasetTag: 'train' });
  });

  it('SPLITTED_DATASET_ITERATORS adds the new splits next to the originals', async () => {
    const out = await build(
      on(
        'split',
        'SPLITTED_DATASET_ITERATORS',
        { split_configs: { train: { train_1: 0.7, train_2: 0.3 } }, seed: 2 },
        { subscription: ['train', 'test'], variant: 'RANDOM' },
      ),
      'split',
    );
    expect(Object.keys(out)).toEqual(['train', 'test', 'train_1', 'train_2']);
    expect(out['train_1']!.length).toBe(Math.floor(out['train']!.length * 0.7));
    expect(out['train_1']!.length + out['train_2']!.length).toBe(out['train']!.length);
    expect(out['train_2']!.meta.datasetTag).toBe('train_2');
  });

  it('COMBINED_DATASET_ITERATORS concatenates splits in the listed order', async () => {
    const config = {
      ...base,
      full: {
        component_type_key: 'COMBINED_DATASET_ITERATORS',
        variant_key: 'DEFAULT',
        requirements: [{ name: 'parts', component_name: 'data' }],
        config: {
          combine_configs: [
            { new_split: 'full', old_splits: [{ iterators_name: 'parts', splits: ['test', 'train'] }] },
          ],
        },
      },
    };
    const { full } = await build(config, 'full');
    const { train, test } = await build(base, 'data');
    expect(full!.length).toBe(10_000);
    expect(full!.get(0)).toBe(test!.get(0));
    expect(full!.get(test!.length)).toBe(train!.get(0));
    expect(full!.meta).toMatchObject({ datasetName: 'combined_dataset', datasetTag: null });
  });

  it('FILTERED_LABELS, MAPPED_LABELS and ONE_HOT work on the listed splits only', async () => {
    const filtered = await build(
      on('f', 'FILTERED_LABELS_ITERATOR', { filtered_labels: [1, 3, 5], applicable_splits: ['train'] }),
      'f',
    );
    expect(new Set(labels(filtered['train']!))).toEqual(new Set([1, 3, 5]));
    expect(new Set(labels(filtered['test']!)).size).toBe(10);

    const mapped = await build(
      on('m', 'MAPPED_LABELS_ITERATOR', {
        mappings: [{ previous_labels: [1, 2, 3, 4], new_label: 0 }],
        applicable_splits: ['test'],
      }),
      'm',
    );
    const sample = mapped['test']!;
    for (let i = 0; i < sample.length; i += 97) {
      const [, target, tag] = sample.get(i);
      expect([1, 2, 3, 4]).not.toContain(target);
      expect(tag).toBe(target);
    }

    const oneHot = await build(
      on('o', 'ONE_HOT_ENCODED_TARGETS_ITERATOR', { applicable_splits: ['test'], target_vector_size: 10 }),
      'o',
    );
    expect(Object.keys(oneHot)).toEqual(['test']);
    const [, vec, tag] = oneHot['test']!.get(5);
    expect(Array.from(vec as Float32Array).indexOf(1)).toBe(tag);
    expect((vec as Float32Array).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('ITERATOR_VIEW gives views by index list and refuses indices past the end', async () => {
    const view = await build(
      on('v', 'ITERATOR_VIEW', { applicable_split: 'test', split_indices: { a: [0, 1, 2], b: [5] } }),
      'v',
    );
    expect([view['a']!.length, view['b']!.length]).toEqual([3, 1]);
    await expect(
      build(on('v', 'ITERATOR_VIEW', { applicable_split: 'test', split_indices: { a: [999_999] } }), 'v'),
    ).rejects.toThrow(/index 999999 is outside/);
  });
});
