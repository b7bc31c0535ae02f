import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import { parseSpec } from './specParts.js';
import { PostProcessorSpecSchema, postProcessorParams } from './postProcessorSpecs.js';
import type { PostProcessorSpec, PostProcessorSpecInput } from './postProcessorSpecs.js';

export type { PostProcessorSpec, PostProcessorSpecInput } from './postProcessorSpecs.js';

/** Reads `predictions[subscription]` and writes `predictions[publication]`. */
export type PostProcessor = (predictions: Record<string, tf.Tensor>) => void;

/** Class scores sit on dimension 1, as in the original (torch's dim=1). */
function onClasses(key: string, x: tf.Tensor): void {
  if (x.rank < 2) {
    throw MlgymError.fromIssue({
      code: 'DATA_INVALID',
      problem: `${key} works on dimension 1 (the classes); the prediction has shape [${x.shape.join(', ')}]`,
    });
  }
}

const TRANSFORMS: Record<PostProcessorSpec['key'], (params: Record<string, unknown>) => (x: tf.Tensor) => tf.Tensor> = {
  SOFT_MAX: () => (x) => {
    onClasses('SOFT_MAX', x);
    if (x.rank === 2) return tf.softmax(x, 1);
    // tf.softmax works on the last axis only: move dimension 1 there and back.
    const perm = x.shape.map((_, i) => i);
    perm.splice(1, 1);
    perm.push(1);
    const back = perm.map((_, i) => perm.indexOf(i));
    return tf.softmax(x.transpose(perm), -1).transpose(back);
  },
  ARG_MAX: () => (x) => (onClasses('ARG_MAX', x), tf.argMax(x, 1)),
  MIN_OR_MAX: (p) => (x) => (onClasses('MIN_OR_MAX', x), p['agg_fun'] === 'min' ? x.min(1) : x.max(1)),
  SIGMOIDAL: () => (x) => tf.sigmoid(x),
  BINARIZATION: (p) => (x) => x.greater(p['threshold'] as number).toInt(),
  DUMMY: () => (x) => x,
};

/** Accepts both the `{key, params: {...}}` form and the original's legacy flat form. */
export function createPostProcessor(input: PostProcessorSpecInput | PostProcessorSpec): PostProcessor {
  const spec = parseSpec(PostProcessorSpecSchema, input, `post-processor ${String(input.key)}`);
  if (spec.key === 'DUMMY') return () => undefined;
  const params = postProcessorParams(spec);
  const from = (params['prediction_subscription_key'] as string | undefined) ?? 'model_prediction_key';
  const to = (params['prediction_publication_key'] as string | undefined) ?? from;
  const fn = TRANSFORMS[spec.key](params);
  return (predictions) => {
    const x = predictions[from];
    if (!x)
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        problem: `post-processor ${spec.key} reads prediction "${from}", which does not exist`,
        expected: `one of ${Object.keys(predictions).join(', ')}`,
      });
    predictions[to] = fn(x);
  };
}
