import { MlgymError } from '@mlgym/protocol';
import type { DatasetIterator } from '../data/datasetIterator.js';
import { fitFeatureEncoders } from '../data/featureEncoder.js';
import type { FeatureEncodingConfig } from '../data/featureEncoder.js';
import type { BuildContext, ComponentDefinition, ComponentRegistry } from '../registry/componentRegistry.js';
import type { Collator, DataLoader, SamplingStrategy } from '../training/dataLoader.js';
import type { EvalComponent } from '../training/evaluator.js';
import type { LossSpec } from '../training/losses.js';
import type { MetricSpec } from '../training/metrics.js';
import type { MlgymModel, ModelFactory } from '../training/models.js';
import type { PostProcessor } from '../training/postProcessors.js';
import type { TrainerComponent } from '../training/runExperiment.js';

type Config = Record<string, unknown>;

/**
 * The tfjs side of the builders, imported on the first build: planning (`mlgym run --dry-run`)
 * validates every config against the schemas without loading TensorFlow.js.
 */
async function engine() {
  const [dataLoader, evaluator, losses, models, postProcessors] = await Promise.all([
    import('../training/dataLoader.js'),
    import('../training/evaluator.js'),
    import('../training/losses.js'),
    import('../training/models.js'),
    import('../training/postProcessors.js'),
  ]);
  return {
    DataLoader: dataLoader.DataLoader,
    standardCollator: dataLoader.standardCollator,
    evalComponent: evaluator.evalComponent,
    createLoss: losses.createLoss,
    builtinModels: models.builtinModels,
    createPostProcessor: postProcessors.createPostProcessor,
  };
}
type Engine = Awaited<ReturnType<typeof engine>>;

function attach(
  registry: ComponentRegistry,
  type: string,
  variant: string,
  build: (ctx: BuildContext<Config>) => unknown,
): void {
  const found = registry.lookup(type, variant);
  if (!('definition' in found)) throw new Error(`${type}/${variant} must be declared before its builder is attached`);
  registry.replace(type, variant, { ...(found.definition as ComponentDefinition<Config>), build });
}

function seedOf(ctx: BuildContext<Config>, own: unknown): number {
  return typeof own === 'number' ? own : (ctx.experiment.seed ?? 0);
}

function loaders(
  { DataLoader }: Engine,
  ctx: BuildContext<Config>,
  strategyOf: (split: string, index: number) => { strategy: SamplingStrategy; seed: number; labelPos?: number },
): Record<string, DataLoader> {
  const iterators = ctx.requirements['iterators'] as Record<string, DatasetIterator>;
  const collator = ctx.requirements['data_collator'] as Collator;
  const out: Record<string, DataLoader> = {};
  Object.entries(iterators).forEach(([split, iterator], i) => {
    const s = strategyOf(split, i);
    out[split] = new DataLoader({
      iterator,
      collator,
      batchSize: Number(ctx.config['batch_size']),
      dropLast: ctx.config['drop_last'] === true,
      strategy: s.strategy,
      seed: s.seed,
      labelPos: s.labelPos,
    });
  });
  return out;
}

function postProcessors(
  { createPostProcessor }: Engine,
  specs: unknown,
): { all: PostProcessor[]; bySplit: Record<string, PostProcessor[]> } {
  const all: PostProcessor[] = [];
  const bySplit: Record<string, PostProcessor[]> = {};
  for (const spec of (specs as Config[] | undefined) ?? []) {
    const p = createPostProcessor(spec);
    const splits = spec['applicable_splits'] as string[] | undefined;
    if (!splits) all.push(p);
    else for (const s of splits) (bySplit[s] ??= []).push(p);
  }
  return { all, bySplit };
}

function splitTable(entries: unknown, key: string): Record<string, string[]> | undefined {
  if (!Array.isArray(entries)) return undefined;
  return Object.fromEntries((entries as Config[]).map((e) => [String(e[key]), e['applicable_splits'] as string[]]));
}

/** Builders for the training families (their schemas are declared in trainingComponentSchemas). */
export function registerTrainingBuilders(registry: ComponentRegistry): void {
  attach(registry, 'DATA_COLLATOR', 'DEFAULT', async ({ config }) => {
    const type = config['collator_type'];
    const params = (config['collator_params'] as Config | undefined) ?? {};
    if (typeof type === 'function') return (type as (p: Config) => Collator)(params);
    return (await engine()).standardCollator(params);
  });
  attach(registry, 'DATA_LOADER', 'DEFAULT', async (ctx) => {
    const seeds = ctx.config['seeds'];
    const weighted = ctx.config['weigthed_sampling_split_name'];
    return loaders(await engine(), ctx, (split, i) => {
      // A list of seeds (as the original example writes) is read in requirement order.
      const own = Array.isArray(seeds) ? seeds[i] : (seeds as Record<string, number> | undefined)?.[split];
      const seed = seedOf(ctx, own);
      return split === weighted
        ? { strategy: 'WEIGHTED_RANDOM', seed, labelPos: Number(ctx.config['label_pos'] ?? 2) }
        : { strategy: 'RANDOM', seed };
    });
  });
  attach(registry, 'DATA_LOADER', 'FUTURE', async (ctx) => {
    const strategies =
      (ctx.config['sampling_strategies'] as
        Record<string, { strategy: SamplingStrategy; seed?: number; label_pos?: number }> | undefined) ?? {};
    return loaders(await engine(), ctx, (split) => {
      const s = strategies[split];
      return s
        ? { strategy: s.strategy, seed: seedOf(ctx, s.seed), labelPos: s.label_pos }
        : { strategy: 'IN_ORDER', seed: 0 };
    });
  });
  attach(registry, 'FEATURE_ENCODED_ITERATORS', 'DEFAULT', ({ name, config, requirements }) => {
    const splits = requirements['iterators'] as Record<string, DatasetIterator>;
    const encode = fitFeatureEncoders(
      (config['feature_encoding_configs'] as FeatureEncodingConfig[] | undefined) ?? [],
      splits,
    );
    // As the original: only the applicable splits are returned.
    return Object.fromEntries(
      ((config['applicable_splits'] as string[] | undefined) ?? []).map((split) => {
        const it = splits[split];
        if (!it)
          throw MlgymError.fromIssue({
            code: 'CONFIG_INVALID',
            keyPath: `${name}.config.applicable_splits`,
            problem: `no split "${split}"`,
            expected: `one of ${Object.keys(splits).join(', ')}`,
          });
        return [split, encode(it, name)];
      }),
    );
  });
  attach(registry, 'MODEL_REGISTRY', 'DEFAULT', async () => (await engine()).builtinModels());
  attach(registry, 'MODEL', 'DEFAULT', (ctx): MlgymModel => {
    const factory = ctx.requirements['model_registry'];
    if (typeof factory !== 'function') {
      throw MlgymError.fromIssue({
        code: 'SUBSCRIPTION_INVALID',
        problem: 'MODEL needs its model_registry requirement subscribed to one model key (e.g. subscription: conv_net)',
      });
    }
    const model = (factory as ModelFactory)(
      (ctx.config['model_definition'] as Config | undefined) ?? {},
      seedOf(ctx, ctx.config['seed']),
    );
    const keys = (ctx.config['prediction_publication_keys'] as Record<string, string> | undefined) ?? {};
    return {
      model,
      predictionKey: keys['prediction_publication_key'] ?? 'model_prediction_key',
      inputShape: (model.inputs[0]?.shape ?? []).slice(1) as number[],
    };
  });
  attach(registry, 'LOSS_FUNCTION_REGISTRY', 'DEFAULT', async () => ({ create: (await engine()).createLoss }));
  attach(registry, 'METRIC_REGISTRY', 'DEFAULT', () => ({ metrics: true }));
  attach(registry, 'PREDICTION_POSTPROCESSING_REGISTRY', 'DEFAULT', async () => ({
    create: (await engine()).createPostProcessor,
  }));
  attach(registry, 'TRAIN_COMPONENT', 'DEFAULT', async ({ config }) => {
    const parts = await engine();
    return {
      loss: parts.createLoss(config['loss_fun_config'] as LossSpec),
      postProcessors: postProcessors(parts, config['post_processors_config']).all,
    };
  });
  attach(registry, 'TRAINER', 'DEFAULT', async ({ requirements }): Promise<TrainerComponent> => {
    const loader = requirements['data_loaders'];
    if (!(loader instanceof (await engine()).DataLoader)) {
      throw MlgymError.fromIssue({
        code: 'SUBSCRIPTION_INVALID',
        problem: 'TRAINER needs its data_loaders requirement subscribed to one split (e.g. subscription: train)',
      });
    }
    return { loader, ...(requirements['train_component'] as Omit<TrainerComponent, 'loader'>) };
  });
  attach(registry, 'EVAL_COMPONENT', 'DEFAULT', async ({ config, requirements }): Promise<EvalComponent> => {
    const parts = await engine();
    const post = postProcessors(parts, config['post_processors_config']);
    return parts.evalComponent({
      loaders: requirements['data_loaders'] as Record<string, DataLoader>,
      losses: ((config['loss_funs_config'] as LossSpec[] | undefined) ?? []).map(parts.createLoss),
      metricSpecs: (config['metrics_config'] as MetricSpec[] | undefined) ?? [],
      postProcessors: post.all,
      splitPostProcessors: post.bySplit,
      metricSplits: splitTable(config['metrics_computation_config'], 'metric_tag'),
      lossSplits: splitTable(config['loss_computation_config'], 'loss_tag'),
    });
  });
  attach(registry, 'EVALUATOR', 'DEFAULT', ({ requirements }) => requirements['eval_component']);
}
