import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { EvalComponent } from '../training/evaluator.js';
import { recordOf, requirementOf } from './requirementOf.js';
import { PostProcessorSpecSchema, ScoreSpecSchema, splitPostProcessors } from './scoringSpecs.js';
import { trainingEngine } from './trainingEngine.js';

/**
 * EVAL_COMPONENT: the split loaders and what to compute on each split (losses, metrics, the
 * post-processors before them); EVALUATOR hands it to the training loop.
 */
const EvalComponentConfigSchema = z.strictObject({
  metrics_config: z.array(ScoreSpecSchema).default([]),
  loss_funs_config: z.array(ScoreSpecSchema).default([]),
  post_processors_config: z.array(PostProcessorSpecSchema).default([]),
  cpu_target_subscription_keys: z.array(z.string()).default([]),
  cpu_prediction_subscription_keys: z.array(z.union([z.string(), z.array(z.string())])).default([]),
  metrics_computation_config: z
    .array(z.strictObject({ metric_tag: z.string(), applicable_splits: z.array(z.string()) }))
    .nullable()
    .optional(),
  loss_computation_config: z
    .array(z.strictObject({ loss_tag: z.string(), applicable_splits: z.array(z.string()) }))
    .nullable()
    .optional(),
  show_progress: z.boolean().default(false),
  /** Written by some of the original's sample configs; it has no effect. */
  train_split_name: z.string().optional(),
});

const isEvalComponent = (v: unknown): v is EvalComponent =>
  typeof v === 'object' && v !== null && 'loaders' in v && 'metrics' in v && 'losses' in v;

export function registerEvaluatorFamily(registry: ComponentRegistry): void {
  registry.register('METRIC_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: () => ({ metrics: true }),
  });
  registry.register('EVAL_COMPONENT', 'DEFAULT', {
    requirements: [
      { name: 'data_loaders' },
      { name: 'loss_function_registry' },
      { name: 'metric_registry' },
      { name: 'prediction_postprocessing_registry' },
      { name: 'model', optional: true },
    ],
    configSchema: EvalComponentConfigSchema,
    build: async (ctx): Promise<EvalComponent> => {
      const engine = await trainingEngine();
      const { config } = ctx;
      const isLoader = (v: unknown): v is InstanceType<typeof engine.DataLoader> => v instanceof engine.DataLoader;
      const post = splitPostProcessors(engine.createPostProcessor, config.post_processors_config);
      const metricRows = config.metrics_computation_config;
      const lossRows = config.loss_computation_config;
      return engine.evalComponent({
        loaders: requirementOf(ctx, 'data_loaders', recordOf(isLoader), 'split → data loader'),
        losses: config.loss_funs_config.map(engine.createLoss),
        metricSpecs: config.metrics_config,
        postProcessors: post.all,
        splitPostProcessors: post.bySplit,
        metricSplits: metricRows
          ? Object.fromEntries(metricRows.map((r) => [r.metric_tag, r.applicable_splits]))
          : undefined,
        lossSplits: lossRows ? Object.fromEntries(lossRows.map((r) => [r.loss_tag, r.applicable_splits])) : undefined,
      });
    },
  });
  registry.register('EVALUATOR', 'DEFAULT', {
    requirements: [{ name: 'eval_component' }],
    configSchema: z.strictObject({}),
    build: (ctx): EvalComponent => requirementOf(ctx, 'eval_component', isEvalComponent, 'an EVAL_COMPONENT'),
  });
}
