import { z } from 'zod';
import type { DatasetIterator } from '../data/datasetIterator.js';
import { isDatasetIterator } from '../data/datasetIterator.js';
import type { BuildContext, ComponentRegistry } from '../registry/componentRegistry.js';
import type { Collator, DataLoader, SamplingStrategy } from '../training/dataLoader.js';
import { recordOf, requirementOf } from './requirementOf.js';
import { trainingEngine } from './trainingEngine.js';
import type { TrainingEngine } from './trainingEngine.js';

/**
 * DATA_COLLATOR turns samples into batch tensors; DATA_LOADER batches each split it is given with a
 * seeded, resumable sampler (DEFAULT: the original's seeds and weighted sampling; FUTURE: a
 * sampling strategy per split).
 */
const CollatorConfigSchema = z.strictObject({
  /** The injectable `id_conv_mnist_standard_collator` ({collator: standard}) or a plugin's factory. */
  collator_type: z.unknown(),
  collator_params: z
    .looseObject({
      target_publication_key: z.string().default('target_key'),
      sample_shape: z.array(z.number().int().positive()).optional(),
    })
    .prefault({}),
});

const batching = {
  batch_size: z.number().int().positive().default(1),
  drop_last: z.boolean().default(false),
  /** Gather the next training batch while the current one trains (ours; the batches are the same either way). */
  prefetch: z.boolean().default(true),
};
const DefaultLoaderConfigSchema = z.strictObject({
  ...batching,
  weigthed_sampling_split_name: z.string().nullable().optional(),
  label_pos: z.number().int().nonnegative().default(2),
  seeds: z.union([z.record(z.string(), z.number().int()), z.array(z.number().int())]).default({}),
});
const FutureLoaderConfigSchema = z.strictObject({
  ...batching,
  sampling_strategies: z
    .record(
      z.string(),
      z.strictObject({
        strategy: z.enum(['RANDOM', 'WEIGHTED_RANDOM', 'IN_ORDER']),
        seed: z.number().int().nonnegative().optional(),
        label_pos: z.number().int().nonnegative().optional(),
      }),
    )
    .default({}),
});

type CollatorFactory = (params: Record<string, unknown>) => Collator;
const isCollatorFactory = (v: unknown): v is CollatorFactory => typeof v === 'function';
const isCollator = (v: unknown): v is Collator => typeof v === 'function';
const isIteratorTable = recordOf(isDatasetIterator);
const LOADER_REQUIREMENTS = [{ name: 'iterators' }, { name: 'data_collator' }];

interface Sampling {
  strategy: SamplingStrategy;
  seed: number;
  labelPos?: number | undefined;
}

/** A component's own seed, else the run's global seed, else 0. */
const seedOf = (ctx: BuildContext<unknown>, own: number | undefined): number => own ?? ctx.experiment.seed ?? 0;

function loaders(
  { DataLoader }: TrainingEngine,
  ctx: BuildContext<{ batch_size: number; drop_last: boolean; prefetch: boolean }>,
  samplingOf: (split: string, index: number) => Sampling,
): Record<string, DataLoader> {
  const iterators: Record<string, DatasetIterator> = requirementOf(
    ctx,
    'iterators',
    isIteratorTable,
    'split → dataset iterator',
  );
  const collator = requirementOf(ctx, 'data_collator', isCollator, 'a DATA_COLLATOR');
  return Object.fromEntries(
    Object.entries(iterators).map(([split, iterator], i) => {
      const s = samplingOf(split, i);
      const loader = new DataLoader({
        iterator,
        collator,
        batchSize: ctx.config.batch_size,
        dropLast: ctx.config.drop_last,
        strategy: s.strategy,
        seed: s.seed,
        labelPos: s.labelPos,
        prefetch: ctx.config.prefetch,
      });
      return [split, loader];
    }),
  );
}

export function registerDataLoaderFamily(registry: ComponentRegistry): void {
  registry.register('DATA_COLLATOR', 'DEFAULT', {
    configSchema: CollatorConfigSchema,
    build: async ({ config }): Promise<Collator> => {
      const type = config.collator_type;
      if (isCollatorFactory(type)) return type(config.collator_params);
      return (await trainingEngine()).standardCollator(config.collator_params);
    },
  });
  registry.register('DATA_LOADER', 'DEFAULT', {
    requirements: LOADER_REQUIREMENTS,
    configSchema: DefaultLoaderConfigSchema,
    build: async (ctx) => {
      const { seeds, weigthed_sampling_split_name: weighted, label_pos: labelPos } = ctx.config;
      return loaders(await trainingEngine(), ctx, (split, i) => {
        // A list of seeds (as the original example writes) is read in requirement order.
        const seed = seedOf(ctx, Array.isArray(seeds) ? seeds[i] : seeds[split]);
        return split === weighted ? { strategy: 'WEIGHTED_RANDOM', seed, labelPos } : { strategy: 'RANDOM', seed };
      });
    },
  });
  registry.register('DATA_LOADER', 'FUTURE', {
    requirements: LOADER_REQUIREMENTS,
    configSchema: FutureLoaderConfigSchema,
    build: async (ctx) =>
      loaders(await trainingEngine(), ctx, (split) => {
        const s = ctx.config.sampling_strategies[split];
        return s
          ? { strategy: s.strategy, seed: seedOf(ctx, s.seed), labelPos: s.label_pos }
          : { strategy: 'IN_ORDER', seed: 0 };
      }),
  });
}
