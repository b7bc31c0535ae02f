import { z } from 'zod';
import type { ComponentRegistry, RequirementSpec } from '../registry/componentRegistry.js';

/**
 * Config schemas of the training families, keyed as in the original. They let `mlgym run
 * --dry-run` check a whole experiment before anything trains; the builders come with the
 * training engine.
 */
/** A loss/metric/post-processor spec: `key` picks the entry; the other keys are its arguments. */
const registrySpec = z.looseObject({ key: z.string().min(1), tag: z.string().optional() });
const postProcessorSpec = z.looseObject({
  key: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  applicable_splits: z.array(z.string()).optional(),
});
const splitSelection = (tagKey: string) =>
  z
    .array(z.strictObject({ [tagKey]: z.string(), applicable_splits: z.array(z.string()) }))
    .nullable()
    .optional();

const samplingStrategy = z.strictObject({
  strategy: z.enum(['RANDOM', 'WEIGHTED_RANDOM', 'IN_ORDER']),
  seed: z.number().int().nonnegative().optional(),
  label_pos: z.number().int().nonnegative().optional(),
});

const req = (...names: string[]): RequirementSpec[] => names.map((name) => ({ name }));
const optionalReq = (name: string): RequirementSpec => ({ name, optional: true });
const noConfig = z.strictObject({});

export function registerTrainingDeclarations(registry: ComponentRegistry): void {
  registry.register('DATA_COLLATOR', 'DEFAULT', {
    configSchema: z.strictObject({
      collator_type: z.unknown(),
      collator_params: z.record(z.string(), z.unknown()).default({}),
    }),
  });
  registry.register('FEATURE_ENCODED_ITERATORS', 'DEFAULT', {
    requirements: req('iterators'),
    configSchema: z.strictObject({
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
    }),
  });
  registry.register('DATA_LOADER', 'DEFAULT', {
    requirements: req('iterators', 'data_collator'),
    configSchema: z.strictObject({
      batch_size: z.number().int().positive().default(1),
      weigthed_sampling_split_name: z.string().nullable().optional(),
      label_pos: z.number().int().nonnegative().default(2),
      seeds: z.union([z.record(z.string(), z.number().int()), z.array(z.number().int())]).default({}),
      drop_last: z.boolean().default(false),
    }),
  });
  registry.register('DATA_LOADER', 'FUTURE', {
    requirements: req('iterators', 'data_collator'),
    configSchema: z.strictObject({
      batch_size: z.number().int().positive().default(1),
      sampling_strategies: z.record(z.string(), samplingStrategy).default({}),
      drop_last: z.boolean().default(false),
    }),
  });
  for (const family of [
    'MODEL_REGISTRY',
    'LOSS_FUNCTION_REGISTRY',
    'METRIC_REGISTRY',
    'PREDICTION_POSTPROCESSING_REGISTRY',
  ]) {
    registry.register(family, 'DEFAULT', { configSchema: noConfig });
  }
  registry.register('MODEL', 'DEFAULT', {
    requirements: [{ name: 'model_registry', description: 'the MODEL_REGISTRY, subscribed to the model key' }],
    configSchema: z.strictObject({
      model_type: z.string().optional(),
      model_definition: z.record(z.string(), z.unknown()).default({}),
      seed: z.number().int().nonnegative().nullable().optional(),
      prediction_publication_keys: z.record(z.string(), z.string()).default({}),
    }),
  });
  registry.register('TRAIN_COMPONENT', 'DEFAULT', {
    requirements: req('loss_function_registry', 'prediction_postprocessing_registry'),
    configSchema: z.strictObject({
      loss_fun_config: registrySpec,
      post_processors_config: z.array(postProcessorSpec).default([]),
      show_progress: z.boolean().optional(),
    }),
  });
  registry.register('TRAINER', 'DEFAULT', {
    requirements: [...req('train_component', 'data_loaders'), optionalReq('model')],
    configSchema: noConfig,
  });
  registry.register('EVAL_COMPONENT', 'DEFAULT', {
    requirements: [
      ...req('data_loaders', 'loss_function_registry', 'metric_registry', 'prediction_postprocessing_registry'),
      optionalReq('model'),
    ],
    configSchema: z.strictObject({
      metrics_config: z.array(registrySpec).default([]),
      loss_funs_config: z.array(registrySpec).default([]),
      post_processors_config: z.array(postProcessorSpec).default([]),
      cpu_target_subscription_keys: z.array(z.string()).default([]),
      cpu_prediction_subscription_keys: z.array(z.union([z.string(), z.array(z.string())])).default([]),
      metrics_computation_config: splitSelection('metric_tag'),
      loss_computation_config: splitSelection('loss_tag'),
      show_progress: z.boolean().default(false),
      /** Written by some of the original's sample configs; it has no effect. */
      train_split_name: z.string().optional(),
    }),
  });
  registry.register('EVALUATOR', 'DEFAULT', { requirements: req('eval_component'), configSchema: noConfig });
}
