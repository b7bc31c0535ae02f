import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { MlgymModel, ModelFactory } from '../training/models.js';
import { requirementOf } from './requirementOf.js';
import { trainingEngine } from './trainingEngine.js';

/**
 * MODEL_REGISTRY maps model keys to factories (built-ins plus what plugins add); MODEL builds the
 * one its `model_registry` requirement is subscribed to, seeded, and says where its predictions go.
 */
const ModelConfigSchema = z.strictObject({
  model_type: z.string().optional(),
  model_definition: z.record(z.string(), z.unknown()).default({}),
  /** Without one, the run's global seed. */
  seed: z.number().int().nonnegative().nullable().optional(),
  prediction_publication_keys: z
    .looseObject({ prediction_publication_key: z.string().default('model_prediction_key') })
    .prefault({}),
});

const isModelFactory = (v: unknown): v is ModelFactory => typeof v === 'function';

export function registerModelFamily(registry: ComponentRegistry): void {
  registry.register('MODEL_REGISTRY', 'DEFAULT', {
    configSchema: z.strictObject({}),
    build: async () => (await trainingEngine()).builtinModels(),
  });
  registry.register('MODEL', 'DEFAULT', {
    requirements: [{ name: 'model_registry', description: 'the MODEL_REGISTRY, subscribed to the model key' }],
    configSchema: ModelConfigSchema,
    build: (ctx): MlgymModel => {
      const factory = requirementOf(
        ctx,
        'model_registry',
        isModelFactory,
        'the model_registry requirement subscribed to one model key (e.g. subscription: conv_net)',
      );
      const model = factory(ctx.config.model_definition, ctx.config.seed ?? ctx.experiment.seed ?? 0);
      return {
        model,
        predictionKey: ctx.config.prediction_publication_keys.prediction_publication_key,
        inputShape: (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? -1),
      };
    },
  });
}
