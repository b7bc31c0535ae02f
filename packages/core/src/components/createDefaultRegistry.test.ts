import { describe, expect, it } from 'vitest';
import { LossSpecSchema } from '../training/lossSpecs.js';
import { MetricSpecSchema } from '../training/metricSpecs.js';
import { PostProcessorSpecSchema } from '../training/postProcessorSpecs.js';
import { createDefaultRegistry } from './createDefaultRegistry.js';

/** The original's component factory: every (component_type_key, variant_key) it registers by default. */
const ORIGINAL_COMPONENTS = {
  DATASET_REPOSITORY: ['DEFAULT'],
  DATASET_ITERATORS: ['DEFAULT'],
  SPLITTED_DATASET_ITERATORS: ['RANDOM'],
  COMBINED_DATASET_ITERATORS: ['DEFAULT'],
  IN_MEMORY_DATASET_ITERATORS: ['DEFAULT'],
  SHUFFLED_DATASET_ITERATORS: ['DEFAULT'],
  FILTERED_LABELS_ITERATOR: ['DEFAULT'],
  ONE_HOT_ENCODED_TARGETS_ITERATOR: ['DEFAULT'],
  ITERATOR_VIEW: ['DEFAULT'],
  MAPPED_LABELS_ITERATOR: ['DEFAULT'],
  DATA_COLLATOR: ['DEFAULT'],
  FEATURE_ENCODED_ITERATORS: ['DEFAULT'],
  DATA_LOADER: ['DEFAULT', 'FUTURE'],
  OPTIMIZER: ['DEFAULT', 'BUNDLE'],
  LR_SCHEDULER: ['DEFAULT'],
  MODEL_REGISTRY: ['DEFAULT'],
  LOSS_FUNCTION_REGISTRY: ['DEFAULT'],
  METRIC_REGISTRY: ['DEFAULT'],
  PREDICTION_POSTPROCESSING_REGISTRY: ['DEFAULT'],
  MODEL: ['DEFAULT'],
  TRAIN_COMPONENT: ['DEFAULT', 'ACCELERATE'],
  TRAINER: ['DEFAULT', 'ACCELERATE'],
  EVAL_COMPONENT: ['DEFAULT', 'ACCELERATE'],
  EVALUATOR: ['DEFAULT', 'ACCELERATE'],
  EARLY_STOPPING_STRATEGY_REGISTRY: ['DEFAULT'],
  EARLY_STOPPING_STRATEGY: ['DEFAULT'],
  CHECKPOINTING_STRATEGY_REGISTRY: ['DEFAULT'],
  CHECKPOINTING_STRATEGY: ['DEFAULT'],
};

/** The keys of the original's loss, metric and post-processing registries. */
const ORIGINAL_KEYS = {
  losses: ['LPLoss', 'LPPredictionLoss', 'CrossEntropyLoss', 'BCEWithLogitsLoss', 'BCELoss', 'NLLLoss'],
  metrics: [
    'F1_SCORE',
    'ACCURACY',
    'BALANCED_ACCURACY',
    'RECALL',
    'PRECISION',
    'AUROC',
    'AUPR',
    'RECALL_AT_K',
    'AREA_UNDER_RECALL_AT_K',
    'BRIER_SCORE',
    'EXPECTED_CALIBRATION_ERROR',
    'BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR',
  ],
  postProcessors: ['SOFT_MAX', 'ARG_MAX', 'MIN_OR_MAX', 'SIGMOIDAL', 'BINARIZATION', 'DUMMY'],
};

const keysOf = (schema: { options: ReadonlyArray<{ shape: { key: { value: string } } }> }) =>
  schema.options.map((o) => o.shape.key.value);

describe('the default registry holds every key of the original', () => {
  it('every component family and variant', () => {
    const registry = createDefaultRegistry();
    const missing = Object.entries(ORIGINAL_COMPONENTS).flatMap(([type, variants]) =>
      variants.filter((v) => !registry.has(type, v)).map((v) => `${type}/${v}`),
    );
    expect(missing).toEqual([]);
  });

  it('every loss, metric and post-processor', () => {
    expect(keysOf(LossSpecSchema)).toEqual(expect.arrayContaining(ORIGINAL_KEYS.losses));
    expect(keysOf(MetricSpecSchema).sort()).toEqual([...ORIGINAL_KEYS.metrics].sort());
    expect(keysOf(PostProcessorSpecSchema).sort()).toEqual([...ORIGINAL_KEYS.postProcessors].sort());
  });
});
