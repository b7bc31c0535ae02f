import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import {
  ArrayIterator,
  CombinedIterator,
  ViewIterator,
  columnOf,
  isDatasetIterator,
  makeMeta,
} from '../data/datasetIterator.js';
import type { DatasetIterator, Sample, SplitDict } from '../data/datasetIterator.js';
import { DatasetRepository, createDatasetRepository } from '../data/datasetRepository.js';
import { randomSplitIndices, stratifiedSplitIndices } from '../data/splitIndices.js';
import type { BuildContext, ComponentRegistry, ExperimentContext } from '../registry/componentRegistry.js';
import { Rng } from '../util/rng.js';

const splitList = z.array(z.string()).default([]);

function splitDict(value: unknown, where: string): SplitDict {
  if (value !== null && typeof value === 'object' && Object.values(value).every(isDatasetIterator)) {
    return value as SplitDict;
  }
  throw MlgymError.fromIssue({
    code: 'DATA_INVALID',
    problem: `${where} expects a mapping of split name to dataset iterator`,
    hint: 'Check the requirement and its subscription',
  });
}

function splitOf(dict: SplitDict, split: string, where: string): DatasetIterator {
  const it = dict[split];
  if (!it) {
    throw MlgymError.fromIssue({
      code: 'DATA_INVALID',
      problem: `${where} refers to split "${split}", which its input does not have`,
      expected: `one of ${Object.keys(dict).join(', ')}`,
    });
  }
  return it;
}

/** Applies `fn` to the listed splits and passes the others through. */
function mapSplits(
  dict: SplitDict,
  splits: readonly string[],
  where: string,
  fn: (it: DatasetIterator, split: string) => DatasetIterator,
): SplitDict {
  const out: SplitDict = { ...dict };
  for (const split of splits) out[split] = fn(splitOf(dict, split, where), split);
  return out;
}

function withSample(it: DatasetIterator, name: string, transform: (s: Sample) => Sample): DatasetIterator {
  const samples = Array.from({ length: it.length }, (_, i) => transform(it.get(i)));
  return new ArrayIterator(samples, { ...it.meta, identifier: name });
}

function replaceAt(sample: Sample, positions: readonly number[], value: (old: unknown) => unknown): Sample {
  const copy = [...sample];
  for (const pos of positions) if (pos < copy.length) copy[pos] = value(copy[pos]);
  return copy;
}

export function datasetRepositoryOf(experiment: ExperimentContext): DatasetRepository {
  let repo = experiment.services.get('datasetRepository');
  if (!(repo instanceof DatasetRepository)) {
    repo = createDatasetRepository();
    experiment.services.set('datasetRepository', repo);
  }
  return repo as DatasetRepository;
}

type Ctx<T extends z.ZodType> = BuildContext<z.infer<T>>;

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
const ShuffledConfig = z.strictObject({
  seeds: z.record(z.string(), z.number().int()).default({}),
  applicable_splits: splitList,
});
const FilteredConfig = z.strictObject({
  filtered_labels: z.array(z.unknown()).default([]),
  applicable_splits: splitList,
});
const MappedConfig = z.strictObject({
  mappings: z.array(z.strictObject({ previous_labels: z.array(z.unknown()), new_label: z.unknown() })).default([]),
  applicable_splits: splitList,
});
const OneHotConfig = z.strictObject({ applicable_splits: splitList, target_vector_size: z.number().int().positive() });

const iterators = [{ name: 'iterators', description: 'the split dict to work on' }] as const;

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

  registry.register('SHUFFLED_DATASET_ITERATORS', 'DEFAULT', {
    configSchema: ShuffledConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof ShuffledConfig>) =>
      mapSplits(
        splitDict(requirements['iterators'], name),
        config.applicable_splits,
        name,
        (it, split) =>
          new ViewIterator(it, new Rng(config.seeds[split] ?? 0).permutation(it.length), {
            ...it.meta,
            identifier: name,
          }),
      ),
  });

  registry.register('FILTERED_LABELS_ITERATOR', 'DEFAULT', {
    configSchema: FilteredConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof FilteredConfig>) => {
      const keep = new Set(config.filtered_labels.map((l) => JSON.stringify(l)));
      return mapSplits(splitDict(requirements['iterators'], name), config.applicable_splits, name, (it) => {
        const indices: number[] = [];
        for (let i = 0; i < it.length; i++) if (keep.has(JSON.stringify(it.get(i)[it.meta.targetPos]))) indices.push(i);
        return new ViewIterator(it, indices, { ...it.meta, identifier: name });
      });
    },
  });

  registry.register('MAPPED_LABELS_ITERATOR', 'DEFAULT', {
    configSchema: MappedConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof MappedConfig>) =>
      mapSplits(splitDict(requirements['iterators'], name), config.applicable_splits, name, (it) =>
        withSample(it, name, (s) =>
          replaceAt(s, [it.meta.targetPos, it.meta.tagPos], (label) =>
            // Mappings apply in order, so chains (1→2, 2→3) work as in the original.
            config.mappings.reduce(
              (l, m) => (m.previous_labels.some((p) => JSON.stringify(p) === JSON.stringify(l)) ? m.new_label : l),
              label,
            ),
          ),
        ),
      ),
  });

  registry.register('ONE_HOT_ENCODED_TARGETS_ITERATOR', 'DEFAULT', {
    configSchema: OneHotConfig,
    requirements: iterators,
    build: ({ name, config, requirements }: Ctx<typeof OneHotConfig>) => {
      const input = splitDict(requirements['iterators'], name);
      const out: SplitDict = {};
      for (const split of config.applicable_splits) {
        const it = splitOf(input, split, name);
        out[split] = withSample(it, name, (s) =>
          replaceAt(s, [it.meta.targetPos], (t) => {
            const v = new Float32Array(config.target_vector_size);
            const k = Number(t);
            if (!(Number.isInteger(k) && k >= 0 && k < v.length)) {
              throw MlgymError.fromIssue({
                code: 'DATA_INVALID',
                problem: `target ${String(t)} cannot be one-hot encoded in a vector of size ${v.length}`,
                expected: `an integer in [0, ${v.length})`,
              });
            }
            v[k] = 1;
            return v;
          }),
        );
      }
      return out;
    },
  });
}
