import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { EvalComponent } from '../training/evaluator.js';
import { ACCELERATE_NOTICE } from './trainerFamily.js';
import { recordOf, requirementOf } from './requirementOf.js';
import { LossSpecSchema, MetricSpecSchema, PostProcessorSpecSchema, splitPostProcessors } from './scoringSpecs.js';
import { trainingEngine } from './trainingEngine.js';

/**
 * EVAL_COMPONENT: the split loaders and what to compute on each split (losses, metrics, the
 * post-processors before them); EVALUATOR hands it to the training loop.
 */
const evalShape = {
  metrics_config: z.array(MetricSpecSchema).default([]),
  loss_funs_config: z.array(LossSpecSchema).default([]),
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
  /**
   * Ours: how a split's loss is made from its batches' values. `batches` (the original's): their
   * mean, a last partial batch weighing as much as a full one; `samples`: weighted by batch size.
   */
  loss_averaging: z.enum(['batches', 'samples']).default('batches'),
  /** Written by some of the original's sample configs; it has no effect. */
  train_split_name: z.string().optional(),
};

/** The original keys losses by tag: a second loss with the same tag would replace the first. */
function distinctLossTags(
  config: { loss_funs_config: Array<{ key: string; tag?: string | undefined }> },
  ctx: z.RefinementCtx,
) {
  const seen = new Set<string>();
  config.loss_funs_config.forEach((l, i) => {
    const tag = l.tag ?? l.key;
    if (seen.has(tag))
      ctx.addIssue({
        code: 'custom',
        path: ['loss_funs_config', i, 'tag'],
        message: `a second loss tagged "${tag}"; tags must differ`,
      });
    seen.add(tag);
  });
}

const EvalComponentConfigSchema = z
  .strictObject({ ...evalShape, show_progress: z.boolean().default(false) })
  .superRefine(distinctLossTags);
/** The original's ACCELERATE eval component takes the same keys minus show_progress. */
const AccelerateEvalComponentConfigSchema = z.strictObject(evalShape).superRefine(distinctLossTags);

const isEvalComponent = (v: unknown): v is EvalComponent =>
  typeof v === 'object' && v !== null && 'loaders' in v && 'metrics' in v && 'losses' in v;

const evalRequirements = [
  { name: 'data_loaders' },
  { name: 'loss_function_registry' },
  { name: 'metric_registry' },
  { name: 'prediction_postprocessing_registry' },
  { name: 'model', optional: true },
];

export function registerEvaluatorFamily(registry: ComponentRegistry): void {
  registry.register('METRIC_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: () => ({ metrics: true }),
  });
  for (const variant of ['DEFAULT', 'ACCELERATE'] as const) {
    registry.register('EVAL_COMPONENT', variant, {
      requirements: evalRequirements,
      configSchema: variant === 'DEFAULT' ? EvalComponentConfigSchema : AccelerateEvalComponentConfigSchema,
      notice: variant === 'ACCELERATE' ? ACCELERATE_NOTICE : undefined,
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
          lossAveraging: config.loss_averaging,
        });
      },
    });
    registry.register('EVALUATOR', variant, {
      requirements: [{ name: 'eval_component' }],
      configSchema: z.strictObject({}),
      notice: variant === 'ACCELERATE' ? ACCELERATE_NOTICE : undefined,
      build: (ctx): EvalComponent => requirementOf(ctx, 'eval_component', isEvalComponent, 'an EVAL_COMPONENT'),
    });
  }
}
