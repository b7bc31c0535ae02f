import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { CombinedIterator, ViewIterator, columnOf, makeMeta } from '../data/datasetIterator.js';
import type { SplitDict } from '../data/datasetIterator.js';
import { DatasetRepository, createDatasetRepository } from '../data/datasetRepository.js';
import { randomSplitIndices, stratifiedSplitIndices } from '../data/splitIndices.js';
import type { ComponentRegistry, ExperimentContext } from '../registry/componentRegistry.js';
import { ITERATORS_REQUIREMENT, splitDict, splitOf, withSample } from './splitDicts.js';
import type { Ctx } from './splitDicts.js';

export function datasetRepositoryOf(experiment: ExperimentContext): DatasetRepository {
  let repo = experiment.services.get('datasetRepository');
  if (!(repo instanceof DatasetRepository)) {
    repo = createDatasetRepository();
    experiment.services.set('datasetRepository', repo);
  }
  return repo as DatasetRepository;
}

const DatasetIteratorsConfig = z.strictObject({
  dataset_identifier: z.string().min(1),
  split_configs: z.array(z.looseObject({ split: z.string().min(1) })).min(1),
});
const SplittedConfig = z.strictObject({
  split_configs: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1))),
  seed: z.number().int().nonnegative().default(1),
  stratified: z.boolean().default(false),
});
const CombinedConfig = z.strictObject({
  combine_configs: z.array(
    z.strictObject({
      new_split: z.string().min(1),
      old_splits: z
        .array(z.strictObject({ iterators_name: z.string().min(1), splits: z.array(z.string()).min(1) }))
        .min(1),
    }),
  ),
});
const ViewConfig = z.strictObject({
  split_indices: z.record(z.string(), z.array(z.number().int().nonnegative())),
  view_tags: z.record(z.string(), z.unknown()).default({}),
  applicable_split: z.string().min(1),
});
const iterators = ITERATORS_REQUIREMENT;

/** Registers the dataset families of the original (datastack-style iterators over splits). */
export function registerDataComponents(registry: ComponentRegistry): void {
  registry.register('DATASET_REPOSITORY', 'DEFAULT', {
    description: 'named datasets (mnist from the mnist package, mocked_dataset, user-registered)',
    configSchema: z.strictObject({ storage_connector_path: z.string().default('') }),
    build: ({ experiment }) => datasetRepositoryOf(experiment),
  });

  registry.register('DATASET_ITERATORS', 'DEFAULT', {
    configSchema: DatasetIteratorsConfig,
    requirements: [{ name: 'repository', description: 'a DATASET_REPOSITORY' }],
    build: ({ name, config, requirements }: Ctx<typeof DatasetIteratorsConfig>) => {
      const repo = requirements['repository'];
      if (!(repo instanceof DatasetRepository)) throw new Error('requirement "repository" is not a DATASET_REPOSITORY');
      const out: SplitDict = {};
      for (const { split, ...args } of config.split_configs) {
        const it = repo.get(config.dataset_identifier, split, args);
        out[split] = new ViewIterator(
          it,
          Array.from({ length: it.length }, (_, i) => i),
          makeMeta({ ...it.meta, identifier: name, datasetName: config.dataset_identifier, datasetTag: split }),
        );
      }
      return out;
    },
  });

  registry.register('SPLITTED_DATASET_ITERATORS', 'RANDOM', {
    configSchema: SplittedConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof SplittedConfig>) => {
      const input = splitDict(requirements['iterators'], name);
      const out: SplitDict = { ...input };
      for (const [source, ratios] of Object.entries(config.split_configs)) {
        const it = splitOf(input, source, name);
        const entries = Object.entries(ratios);
        const parts = config.stratified
          ? stratifiedSplitIndices(columnOf(it, it.meta.targetPos), entries, config.seed)
          : randomSplitIndices(it.length, entries, config.seed);
        for (const [split, indices] of parts)
          out[split] = new ViewIterator(it, indices, { ...it.meta, identifier: name, datasetTag: split });
      }
      return out;
    },
  });

  registry.register('COMBINED_DATASET_ITERATORS', 'DEFAULT', {
    configSchema: CombinedConfig,
    anyRequirements: true,
    build: ({ name, config, requirements }: Ctx<typeof CombinedConfig>) => {
      const out: SplitDict = {};
      for (const { new_split, old_splits } of config.combine_configs) {
        const parts = old_splits.flatMap(({ iterators_name, splits }) => {
          if (!(iterators_name in requirements)) {
            throw MlgymError.fromIssue({
              code: 'MISSING_REQUIREMENT',
              problem: `${name} combines "${iterators_name}", which is not one of its requirement names`,
              expected: `one of ${Object.keys(requirements).join(', ')}`,
            });
          }
          const dict = splitDict(requirements[iterators_name], name);
          return splits.map((s) => splitOf(dict, s, name));
        });
        out[new_split] = new CombinedIterator(
          parts,
          makeMeta({ identifier: name, datasetName: 'combined_dataset', datasetTag: null }),
        );
      }
      return out;
    },
  });

  registry.register('ITERATOR_VIEW', 'DEFAULT', {
    configSchema: ViewConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof ViewConfig>) => {
      const base = splitOf(splitDict(requirements['iterators'], name), config.applicable_split, name);
      const out: SplitDict = {};
      for (const [split, indices] of Object.entries(config.split_indices)) {
        const tag = config.view_tags[split];
        out[split] = new ViewIterator(base, indices, {
          ...base.meta,
          identifier: name,
          datasetTag: typeof tag === 'string' ? tag : split,
        });
      }
      return out;
    },
  });

  registry.register('IN_MEMORY_DATASET_ITERATORS', 'DEFAULT', {
    configSchema: z.strictObject({}),
    requirements: iterators,
    build: ({ name, requirements }) => {
      const input = splitDict(requirements['iterators'], name);
      return Object.fromEntries(Object.entries(input).map(([split, it]) => [split, withSample(it, name, (s) => s)]));
    },
  });
}
