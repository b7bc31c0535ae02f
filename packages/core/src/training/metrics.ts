import {
  areaUnderRecallAtK,
  binaryClasswiseCalibrationError,
  brierScore,
  expectedCalibrationError,
  recallAtK,
} from './calibrationMetrics.js';
import { accuracy, balancedAccuracy, precisionRecallF1 } from './classificationMetrics.js';
import { parseSpec } from './specParts.js';
import { MetricSpecSchema } from './metricSpecs.js';
import type { MetricSpec, MetricSpecInput } from './metricSpecs.js';
import { aupr, auroc } from './rankingMetrics.js';
import type { Column } from './targetType.js';

export type { Column } from './targetType.js';
export type { MetricSpec, MetricSpecInput } from './metricSpecs.js';
export type MetricValue = number | number[];

export interface Metric {
  key: string;
  tag: string;
  targetKey: string;
  /** The predictions it reads, in the order `compute` receives them (one, or two for the classwise ECE). */
  predictionKeys: string[];
  compute(targets: Column, predictions: Column[]): MetricValue;
}

type Compute = (targets: Column, predictions: Column[]) => MetricValue;
const one =
  (f: (t: Column, p: Column) => MetricValue): Compute =>
  (t, [p]) =>
    f(t, p as Column);

function computeOf(spec: MetricSpec): Compute {
  switch (spec.key) {
    case 'F1_SCORE':
      return one(precisionRecallF1('f1', spec.params));
    case 'PRECISION':
      return one(precisionRecallF1('precision', spec.params));
    case 'RECALL':
      return one(precisionRecallF1('recall', spec.params));
    case 'ACCURACY':
      return one(accuracy(spec.params));
    case 'BALANCED_ACCURACY':
      return one(balancedAccuracy(spec.params));
    case 'AUROC':
      return one(auroc(spec.params));
    case 'AUPR':
      return one(aupr(spec.params));
    case 'RECALL_AT_K':
      return one(recallAtK(spec));
    case 'AREA_UNDER_RECALL_AT_K':
      return one(areaUnderRecallAtK(spec));
    case 'BRIER_SCORE':
      return one(brierScore());
    case 'EXPECTED_CALIBRATION_ERROR':
      return one(expectedCalibrationError(spec));
    case 'BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR': {
      const f = binaryClasswiseCalibrationError(spec);
      return (t, [p0, p1]) => f(t, p0 as Column, p1 as Column);
    }
  }
}

/**
 * A metric from its spec (validated here too, for specs that do not come from a config file).
 * `compute` raises a DATA_INVALID MlgymError where scikit-learn raises.
 */
export function createMetric(input: MetricSpecInput | MetricSpec): Metric {
  const spec = parseSpec(MetricSpecSchema, input, `metric ${String(input.key)}`);
  const predictionKeys =
    spec.key === 'BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR'
      ? [spec.prediction_subscription_key_0, spec.prediction_subscription_key_1]
      : [spec.prediction_subscription_key];
  return {
    key: spec.key,
    tag: spec.tag ?? spec.key,
    targetKey: spec.target_subscription_key,
    predictionKeys,
    compute: computeOf(spec),
  };
}
