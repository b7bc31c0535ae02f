import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { isDatasetIterator } from '../data/datasetIterator.js';
import type { DatasetIterator } from '../data/datasetIterator.js';
import { fitFeatureEncoders } from '../data/featureEncoder.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { recordOf, requirementOf } from './requirementOf.js';

/** FEATURE_ENCODED_ITERATORS: one-hot / standardised tabular features, fitted on a training split. */
const FeatureEncodingConfigSchema = z.strictObject({
  applicable_splits: z.array(z.string()).default([]),
  feature_encoding_configs: z
    .array(
      z.strictObject({
        feature_type: z.enum(['categorical', 'continuous']),
        feature_names: z.array(z.number().int().nonnegative()),
        train_split: z.string(),
      }),
    )
    .default([]),
});

export function registerFeatureEncodingFamily(registry: ComponentRegistry): void {
  registry.register('FEATURE_ENCODED_ITERATORS', 'DEFAULT', {
    requirements: [{ name: 'iterators' }],
    configSchema: FeatureEncodingConfigSchema,
    build: (ctx): Record<string, DatasetIterator> => {
      const splits = requirementOf(ctx, 'iterators', recordOf(isDatasetIterator), 'split → dataset iterator');
      const encode = fitFeatureEncoders(ctx.config.feature_encoding_configs, splits);
      // As the original: only the applicable splits are returned.
      return Object.fromEntries(
        ctx.config.applicable_splits.map((split) => {
          const it = splits[split];
          if (!it)
            throw MlgymError.fromIssue({
              code: 'CONFIG_INVALID',
              keyPath: `${ctx.name}.config.applicable_splits`,
              problem: `no split "${split}"`,
              expected: `one of ${Object.keys(splits).join(', ')}`,
            });
          return [split, encode(it, ctx.name, split)];
        }),
      );
    },
  });
}
