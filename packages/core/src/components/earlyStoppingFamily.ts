import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { createEarlyStopping } from '../training/earlyStopping.js';
import type { EarlyStoppingStrategy } from '../training/earlyStopping.js';

/**
 * EARLY_STOPPING_STRATEGY: the original's last-k-epochs rule and Keras-style patience, each with its
 * config schema and defaults; EARLY_STOPPING_STRATEGY_REGISTRY is the requirement the original's
 * configs name (it builds the factory).
 */
const monitored = { split_name: z.string().min(1), monitoring_key: z.string().min(1) };

export const EarlyStoppingConfigSchema = z.discriminatedUnion('early_stopping_key', [
  z.strictObject({
    early_stopping_key: z.literal('LAST_K_EPOCHS_IMPROVEMENT_STRATEGY'),
    early_stopping_config: z.strictObject({
      ...monitored,
      min_relative_improvement: z.number(),
      epochs_window: z.number().int().min(2),
      is_increase_task: z.boolean().default(false),
    }),
  }),
  z.strictObject({
    early_stopping_key: z.literal('PATIENCE_STRATEGY'),
    early_stopping_config: z.strictObject({
      ...monitored,
      patience: z.number().int().positive().default(5),
      min_delta: z.number().nonnegative().default(0),
      mode: z.enum(['min', 'max']).default('min'),
      is_increase_task: z.boolean().default(false),
      restore_best_weights: z.boolean().default(false),
    }),
  }),
]);

export function registerEarlyStoppingFamily(registry: ComponentRegistry): void {
  registry.register('EARLY_STOPPING_STRATEGY_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: () => createEarlyStopping,
  });
  registry.register('EARLY_STOPPING_STRATEGY', 'DEFAULT', {
    requirements: [{ name: 'early_stopping_strategy_registry' }],
    configSchema: EarlyStoppingConfigSchema,
    build: ({ config }): EarlyStoppingStrategy => createEarlyStopping(config),
  });
}
