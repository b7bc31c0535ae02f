import { ComponentRegistry } from '../registry/componentRegistry.js';
import { registerCheckpointingFamily } from './checkpointingFamily.js';
import { registerDataComponents } from './dataComponents.js';
import { registerEarlyStoppingFamily } from './earlyStoppingFamily.js';
import { registerLrSchedulerFamily } from './lrSchedulerFamily.js';
import { registerOptimizerFamily } from './optimizerFamily.js';
import { registerSourceComponents } from './sourceComponents.js';
import { registerDataLoaderFamily } from './dataLoaderFamily.js';
import { registerEvaluatorFamily } from './evaluatorFamily.js';
import { registerFeatureEncodingFamily } from './featureEncodingFamily.js';
import { registerModelFamily } from './modelFamily.js';
import { registerSampleTransformFamilies } from './sampleTransformFamilies.js';
import { registerTrainerFamily } from './trainerFamily.js';

/** Collator ids used by the original's example configs. */
export const BUILTIN_INJECTABLE_IDS = ['id_conv_mnist_standard_collator', 'id_computation_device'] as const;

/**
 * Components a gym job builds; the first four are required. `callbacks` is a plugin's component whose
 * value is a training callback or a list of them.
 */
export const GYM_COMPONENTS = {
  required: ['model', 'trainer', 'optimizer', 'evaluator'],
  optional: ['lr_scheduler', 'early_stopping_strategy', 'checkpointing_strategy', 'callbacks'],
} as const;

/** A registry with every built-in component family and injectable registered. */
export function createDefaultRegistry(): ComponentRegistry {
  const registry = new ComponentRegistry();
  registerDataComponents(registry);
  registerSampleTransformFamilies(registry);
  registerSourceComponents(registry);
  registerDataLoaderFamily(registry);
  registerFeatureEncodingFamily(registry);
  registerModelFamily(registry);
  registerOptimizerFamily(registry);
  registerLrSchedulerFamily(registry);
  registerEarlyStoppingFamily(registry);
  registerCheckpointingFamily(registry);
  registerTrainerFamily(registry);
  registerEvaluatorFamily(registry);
  registry.registerInjectable('id_conv_mnist_standard_collator', { collator: 'standard' });
  registry.registerInjectable('id_computation_device', { device: 'default' });
  return registry;
}
