import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { createCheckpointingStrategy } from '../training/checkpointingStrategy.js';
import type { CheckpointingStrategy } from '../training/checkpointingStrategy.js';

/** CHECKPOINTING_STRATEGY: which epochs keep a checkpoint, by key, each with its config and defaults. */
const none = z.strictObject({}).prefault({});
const everyN = z.strictObject({ n: z.number().int().positive().default(1) }).prefault({});

export const CheckpointingConfigSchema = z.discriminatedUnion('checkpointing_key', [
  z.strictObject({
    checkpointing_key: z.literal('SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY'),
    checkpointing_config: none,
  }),
  z.strictObject({ checkpointing_key: z.literal('SAVE_ALL_CHECKPOINTING_STRATEGY'), checkpointing_config: none }),
  z.strictObject({
    checkpointing_key: z.literal('EVERY_N_EPOCHS_CHECKPOINTING_STRATEGY'),
    checkpointing_config: everyN,
  }),
  z.strictObject({ checkpointing_key: z.literal('KEEP_LAST_N_CHECKPOINTING_STRATEGY'), checkpointing_config: everyN }),
  z.strictObject({
    checkpointing_key: z.literal('BEST_K_CHECKPOINTING_STRATEGY'),
    checkpointing_config: z.strictObject({
      k: z.number().int().positive().default(1),
      split_name: z.string().min(1),
      monitoring_key: z.string().min(1),
      mode: z.enum(['min', 'max']).default('min'),
    }),
  }),
]);

export function registerCheckpointingFamily(registry: ComponentRegistry): void {
  registry.register('CHECKPOINTING_STRATEGY_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: () => createCheckpointingStrategy,
  });
  registry.register('CHECKPOINTING_STRATEGY', 'DEFAULT', {
    requirements: [{ name: 'checkpointing_strategy_registry' }],
    configSchema: CheckpointingConfigSchema,
    build: ({ config }): CheckpointingStrategy => createCheckpointingStrategy(config),
  });
}
