import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SplitDict } from '../data/datasetIterator.js';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import { createDefaultRegistry } from './createDefaultRegistry.js';

async function build(config: Record<string, unknown>, name: string, configDir?: string): Promise<SplitDict> {
  const graph = ComponentGraph.fromConfig(config, createDefaultRegistry(), { requested: [name] });
  const services = new Map<string, unknown>(configDir ? [['configDir', configDir]] : []);
  return (await new ComponentBuilder(graph, { services }).build(name)) as SplitDict;
}

describe('data sources', () => {
  it('reads CSV files relative to the config folder, with numeric and string cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-csv-'));
    writeFileSync(join(dir, 'train.csv'), 'colour,size,"label, quoted"\nred,1.5,1\nblue,2,0\n"green, light",3,1\n');
    const out = await build(
      {
        t: {
          component_type_key: 'CSV_DATASET_ITERATORS',
          variant_key: 'DEFAULT',
          config: { splits: { train: 'train.csv' }, target_column: 'label, quoted' },
        },
      },
      't',
      dir,
    );
    const train = out['train']!;
    expect(train.length).toBe(3);
    expect(train.get(2)).toEqual([['green, light', 3], 1, 1]);
    const numeric = await build(
      {
        t: {
          component_type_key: 'CSV_DATASET_ITERATORS',
          variant_key: 'DEFAULT',
          config: { splits: { train: 'train.csv' }, target_column: 2, feature_columns: ['size'] },
        },
      },
      't',
      dir,
    );
    expect(numeric['train']!.get(0)[0]).toEqual(Float32Array.of(1.5));
    await expect(
      build(
        {
          t: {
            component_type_key: 'CSV_DATASET_ITERATORS',
            variant_key: 'DEFAULT',
            config: { splits: { train: 'train.csv' }, target_column: 'nope' },
          },
        },
        't',
        dir,
      ),
    ).rejects.toThrow(/no column "nope".*one of colour, size, label, quoted/);
  });

  it('encodes categorical columns one-hot and standardises continuous ones on the train split', async () => {
    const config = {
      raw: {
        component_type_key: 'ARRAY_DATASET_ITERATORS',
        variant_key: 'DEFAULT',
        config: {
          splits: {
            train: {
              samples: [
                ['a', 1],
                ['b', 3],
                ['a', 5],
              ],
              targets: [0, 1, 0],
            },
            test: { samples: [['b', 3]], targets: [1] },
            unseen: { samples: [['c', 3]], targets: [1] },
          },
        },
      },
      enc: {
        component_type_key: 'FEATURE_ENCODED_ITERATORS',
        variant_key: 'DEFAULT',
        requirements: [{ name: 'iterators', component_name: 'raw' }],
        config: {
          applicable_splits: ['train', 'test'],
          feature_encoding_configs: [
            { feature_type: 'categorical', feature_names: [0], train_split: 'train' },
            { feature_type: 'continuous', feature_names: [1], train_split: 'train' },
          ],
        },
      },
    };
    const out = await build(config, 'enc');
    const std = Math.sqrt(((1 - 3) ** 2 + 0 + (5 - 3) ** 2) / 3);
    expect(Array.from(out['train']!.get(0)[0] as Float32Array)).toEqual([1, 0, Math.fround((1 - 3) / std)]);
    expect(Array.from(out['train']!.get(1)[0] as Float32Array)).toEqual([0, 1, 0]);
    expect(Array.from(out['test']!.get(0)[0] as Float32Array)).toEqual([0, 1, 0]);
    // A category the train split lacks is an error, as in the original (it used to encode as zeros).
    const unseen = structuredClone(config);
    unseen.enc.config.applicable_splits = ['unseen'];
    await expect(build(unseen, 'enc')).rejects.toThrow(
      /split "unseen", sample 0, column 0: category "c" does not occur in the train split "train".*one of "a", "b"/,
    );
  });

  it('generates reproducible synthetic data', async () => {
    const config = {
      s: {
        component_type_key: 'SYNTHETIC_DATASET_ITERATORS',
        variant_key: 'CLASSIFICATION',
        config: { splits: { train: 100 }, num_features: 3, num_classes: 4, seed: 2 },
      },
    };
    const a = await build(config, 's');
    const b = await build(config, 's');
    expect(a['train']!.get(7)).toEqual(b['train']!.get(7));
    expect((a['train']!.get(0)[0] as Float32Array).length).toBe(3);
    expect(new Set(Array.from({ length: 100 }, (_, i) => a['train']!.get(i)[1])).size).toBe(4);
  });
});
