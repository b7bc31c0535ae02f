import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { ViewIterator } from '../data/datasetIterator.js';
import type { SplitDict } from '../data/datasetIterator.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { Rng } from '../util/rng.js';
import {
  ITERATORS_REQUIREMENT,
  mapSplits,
  replaceAt,
  splitDict,
  splitList,
  splitOf,
  withSample,
} from './splitDicts.js';
import type { Ctx } from './splitDicts.js';

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

const iterators = ITERATORS_REQUIREMENT;

/** The original's per-split sample transforms: shuffled, label-filtered, label-mapped, one-hot targets. */
export function registerSampleTransformFamilies(registry: ComponentRegistry): void {
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
