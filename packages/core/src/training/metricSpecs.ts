import { z } from 'zod';
import { SAMPLE_WEIGHT, scoreCommon } from './specParts.js';

/**
 * The metrics of the original's METRIC_REGISTRY, one schema per key: the scikit-learn family takes
 * its keyword arguments under `params` (each honoured or refused here), the others take theirs at
 * the top level, as the original's factories do. Loaded without TensorFlow.js (config validation).
 */
const labelList = z.array(z.number()).nullable().default(null);
const rankingAverage = z.enum(['micro', 'macro', 'weighted', 'samples']).nullable().default('macro');

const prfParams = z
  .strictObject({
    average: z.enum(['binary', 'micro', 'macro', 'weighted', 'samples']).nullable().default('binary'),
    labels: labelList,
    pos_label: z.number().default(1),
    zero_division: z.union([z.literal('warn'), z.literal(0), z.literal(1)]).default('warn'),
    sample_weight: SAMPLE_WEIGHT,
  })
  .prefault({});

const sklearnMetric = <K extends string, P extends z.ZodType>(key: K, params: P) =>
  z.strictObject({ key: z.literal(key), ...scoreCommon, params });

const rankParams = {
  class_label: z.number().default(1),
  k_vals: z.array(z.number().int().nonnegative()).min(1).default([1]),
  sort_descending: z.boolean().default(true),
};

export const MetricSpecSchema = z.discriminatedUnion('key', [
  sklearnMetric('F1_SCORE', prfParams),
  sklearnMetric('PRECISION', prfParams),
  sklearnMetric('RECALL', prfParams),
  sklearnMetric(
    'ACCURACY',
    z.strictObject({ normalize: z.boolean().default(true), sample_weight: SAMPLE_WEIGHT }).prefault({}),
  ),
  sklearnMetric(
    'BALANCED_ACCURACY',
    z.strictObject({ adjusted: z.boolean().default(false), sample_weight: SAMPLE_WEIGHT }).prefault({}),
  ),
  sklearnMetric(
    'AUROC',
    z
      .strictObject({
        average: rankingAverage,
        max_fpr: z.number().gt(0).lte(1).nullable().default(null),
        multi_class: z.enum(['raise', 'ovr', 'ovo']).default('raise'),
        labels: labelList,
        sample_weight: SAMPLE_WEIGHT,
      })
      .prefault({}),
  ),
  sklearnMetric(
    'AUPR',
    z
      .strictObject({ average: rankingAverage, pos_label: z.number().default(1), sample_weight: SAMPLE_WEIGHT })
      .prefault({}),
  ),
  z.strictObject({ key: z.literal('RECALL_AT_K'), ...scoreCommon, ...rankParams }),
  z.strictObject({
    key: z.literal('AREA_UNDER_RECALL_AT_K'),
    ...scoreCommon,
    ...rankParams,
    k_vals: z
      .array(z.number().int().nonnegative())
      .min(2, { error: 'an area needs at least two k values' })
      .default([1, 10]),
    normalize: z.boolean().default(false),
  }),
  z.strictObject({ key: z.literal('BRIER_SCORE'), ...scoreCommon }),
  z.strictObject({
    key: z.literal('EXPECTED_CALIBRATION_ERROR'),
    ...scoreCommon,
    num_bins: z.number().int().positive().default(10),
    class_label: z.number().default(1),
    sum_up_bins: z.boolean().default(true),
  }),
  z.strictObject({
    key: z.literal('BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR'),
    tag: scoreCommon.tag,
    target_subscription_key: scoreCommon.target_subscription_key,
    prediction_subscription_key_0: z.string().min(1),
    prediction_subscription_key_1: z.string().min(1),
    num_bins: z.number().int().positive().default(10),
    /** Accepted and unused, as in the original (the classes are always 0 and 1). */
    class_labels: z.array(z.number()).optional(),
  }),
]);

export type MetricSpec = z.output<typeof MetricSpecSchema>;
export type MetricSpecInput = z.input<typeof MetricSpecSchema>;
export const METRIC_KEYS = MetricSpecSchema.options.map((o) => o.shape.key.value);
