import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { LossFunction } from '../training/losses.js';
import type { PostProcessor } from '../training/postProcessors.js';
import type { TrainerComponent } from '../training/runExperiment.js';
import { requirementOf } from './requirementOf.js';
import { PostProcessorSpecSchema, ScoreSpecSchema, splitPostProcessors } from './scoringSpecs.js';
import { trainingEngine } from './trainingEngine.js';

/**
 * What a training step needs: TRAIN_COMPONENT (the loss and the post-processors applied to the
 * predictions before it) and TRAINER (that plus the training split's loader); the registries are
 * the requirements the original's configs name.
 */
const TrainComponentConfigSchema = z.strictObject({
  loss_fun_config: ScoreSpecSchema,
  post_processors_config: z.array(PostProcessorSpecSchema).default([]),
  /** The original's progress bars; progress here is reported as events. */
  show_progress: z.boolean().optional(),
});

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
  registry.register('TRAIN_COMPONENT', 'DEFAULT', {
    requirements: [{ name: 'loss_function_registry' }, { name: 'prediction_postprocessing_registry' }],
    configSchema: TrainComponentConfigSchema,
    build: async ({ config }): Promise<TrainComponent> => {
      const engine = await trainingEngine();
      return {
        loss: engine.createLoss(config.loss_fun_config),
        postProcessors: splitPostProcessors(engine.createPostProcessor, config.post_processors_config).all,
      };
    },
  });
  registry.register('TRAINER', 'DEFAULT', {
    requirements: [{ name: 'train_component' }, { name: 'data_loaders' }, { name: 'model', optional: true }],
    configSchema: z.strictObject({}),
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
