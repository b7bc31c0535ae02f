import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';

/** Reads `predictions[subscription]` and writes `predictions[publication]`. */
export type PostProcessor = (predictions: Record<string, tf.Tensor>) => void;

type Maker = (params: Record<string, unknown>) => (x: tf.Tensor) => tf.Tensor;

export const POST_PROCESSORS: Record<string, Maker> = {
  SOFT_MAX: () => (x) => tf.softmax(x, -1),
  ARG_MAX: () => (x) => tf.argMax(x, -1),
  MIN_OR_MAX: (p) => {
    const agg = p['agg_fun'] ?? 'max';
    if (agg !== 'max' && agg !== 'min')
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: 'agg_fun',
        problem: 'unknown aggregation',
        found: String(agg),
        expected: 'max or min',
      });
    return (x) => (agg === 'max' ? x.max(-1) : x.min(-1));
  },
  SIGMOIDAL: () => (x) => tf.sigmoid(x),
  BINARIZATION: (p) => {
    const threshold = Number(p['threshold'] ?? 0.5);
    return (x) => x.greater(threshold).toInt();
  },
  DUMMY: () => (x) => x,
};

/** Accepts both the `{key, params: {...}}` form and the original's legacy flat form. */
export function createPostProcessor(spec: Record<string, unknown>): PostProcessor {
  const key = String(spec['key']);
  const make = POST_PROCESSORS[key];
  if (!make) {
    throw MlgymError.fromIssue({
      code: 'UNKNOWN_VARIANT',
      keyPath: 'key',
      problem: `unknown post-processor "${key}"`,
      expected: `one of ${Object.keys(POST_PROCESSORS).join(', ')}`,
      hint: didYouMean(key, Object.keys(POST_PROCESSORS)),
    });
  }
  const params = { ...spec, ...((spec['params'] as Record<string, unknown> | undefined) ?? {}) };
  const from = String(params['prediction_subscription_key'] ?? 'model_prediction_key');
  const to = String(params['prediction_publication_key'] ?? from);
  const fn = make(params);
  return (predictions) => {
    const x = predictions[from];
    if (!x)
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        problem: `post-processor ${key} reads prediction "${from}", which does not exist`,
        expected: `one of ${Object.keys(predictions).join(', ')}`,
      });
    predictions[to] = fn(x);
  };
}
