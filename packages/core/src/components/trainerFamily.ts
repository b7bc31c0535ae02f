import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { LossFunction } from '../training/losses.js';
import type { PostProcessor } from '../training/postProcessors.js';
import type { TrainerComponent } from '../training/runExperiment.js';
import { requirementOf } from './requirementOf.js';
import { LossSpecSchema, PostProcessorSpecSchema, splitPostProcessors } from './scoringSpecs.js';
import { trainingEngine } from './trainingEngine.js';

/**
 * The original's ACCELERATE variants train one experiment data-parallel over several GPUs with
 * HuggingFace Accelerate. TensorFlow.js has no data-parallel training: they build the default
 * components, and the environment places one experiment per device.
 */
export const ACCELERATE_NOTICE =
  'the ACCELERATE trainer and evaluator run as the default ones: TensorFlow.js has no data-parallel training, so each experiment trains on one device (one experiment per device)';

/**
 * What a training step needs: TRAIN_COMPONENT (the loss and the post-processors applied to the
 * predictions before it) and TRAINER (that plus the training split's loader); the registries are
 * the requirements the original's configs name.
 */
const trainShape = {
  loss_fun_config: LossSpecSchema,
  post_processors_config: z.array(PostProcessorSpecSchema).default([]),
};
const TrainComponentConfigSchema = z.strictObject({
  ...trainShape,
  /** The original's progress bars; progress here is reported as events. */
  show_progress: z.boolean().optional(),
});
/** The original's ACCELERATE train component takes the same keys minus show_progress. */
const AccelerateTrainComponentConfigSchema = z.strictObject(trainShape);

interface TrainComponent {
  loss: LossFunction;
  postProcessors: PostProcessor[];
}
const isTrainComponent = (v: unknown): v is TrainComponent =>
  typeof v === 'object' && v !== null && 'loss' in v && 'postProcessors' in v && Array.isArray(v.postProcessors);

export function registerTrainerFamily(registry: ComponentRegistry): void {
  registry.register('LOSS_FUNCTION_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: async () => ({ create: (await trainingEngine()).createLoss }),
  });
  registry.register('PREDICTION_POSTPROCESSING_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: async () => ({ create: (await trainingEngine()).createPostProcessor }),
  });
  for (const variant of ['DEFAULT', 'ACCELERATE'] as const) {
    registry.register('TRAIN_COMPONENT', variant, {
      requirements: [{ name: 'loss_function_registry' }, { name: 'prediction_postprocessing_registry' }],
      configSchema: variant === 'DEFAULT' ? TrainComponentConfigSchema : AccelerateTrainComponentConfigSchema,
      notice: variant === 'ACCELERATE' ? ACCELERATE_NOTICE : undefined,
      build: async ({ config }): Promise<TrainComponent> => {
        const engine = await trainingEngine();
        return {
          loss: engine.createLoss(config.loss_fun_config),
          postProcessors: splitPostProcessors(engine.createPostProcessor, config.post_processors_config).all,
        };
      },
    });
    registry.register('TRAINER', variant, {
      requirements: [{ name: 'train_component' }, { name: 'data_loaders' }, { name: 'model', optional: true }],
      configSchema: z.strictObject({}),
      notice: variant === 'ACCELERATE' ? ACCELERATE_NOTICE : undefined,
      build: async (ctx): Promise<TrainerComponent> => {
        const { DataLoader } = await trainingEngine();
        const isLoader = (v: unknown): v is InstanceType<typeof DataLoader> => v instanceof DataLoader;
        const loader = requirementOf(
          ctx,
          'data_loaders',
          isLoader,
          'the data_loaders requirement subscribed to one split (e.g. subscription: train)',
        );
        return { loader, ...requirementOf(ctx, 'train_component', isTrainComponent, 'a TRAIN_COMPONENT') };
      },
    });
  }
}
