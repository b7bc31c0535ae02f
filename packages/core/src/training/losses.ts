import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';

/** A loss: the mean over the batch's samples (so evaluation can weight batches by their size). */
export interface LossFunction {
  tag: string;
  targetKey: string;
  predictionKey: string;
  compute(targets: Record<string, tf.Tensor>, predictions: Record<string, tf.Tensor>): tf.Scalar;
}

export interface LossSpec {
  key: string;
  tag?: string;
  target_subscription_key?: string;
  prediction_subscription_key?: string;
  [param: string]: unknown;
}

function pick(dict: Record<string, tf.Tensor>, key: string, what: string): tf.Tensor {
  const t = dict[key];
  if (!t)
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      problem: `the loss reads ${what} "${key}", which the batch does not have`,
      expected: `one of ${Object.keys(dict).join(', ')}`,
    });
  return t;
}

type LossMaker = (spec: LossSpec) => (t: tf.Tensor, p: tf.Tensor) => tf.Scalar;

const crossEntropy: LossMaker = () => (t, p) => {
  const classes = p.shape[p.shape.length - 1] as number;
  const labels = t.rank > 1 && t.shape[1] === classes ? t : tf.oneHot(t.flatten().toInt(), classes);
  return tf.losses.softmaxCrossEntropy(labels, p) as tf.Scalar;
};

/** Σ over features of |p − t|^exponent, to the power 1/root, averaged over samples. */
const lpLoss: LossMaker = (spec) => (t, p) => {
  const exponent = Number(spec['exponent'] ?? 2);
  const root = Number(spec['root'] ?? 1);
  const diff = p.sub(t.reshape(p.shape).toFloat()).abs().pow(exponent);
  const perSample = (diff.rank > 1 ? diff.reshape([p.shape[0] as number, -1]).sum(1) : diff).pow(1 / root);
  return perSample.mean() as tf.Scalar;
};

const perBatch = (sum: tf.Tensor, p: tf.Tensor) => sum.div(p.shape[0] as number) as tf.Scalar;

export const LOSSES: Record<string, LossMaker> = {
  CrossEntropyLoss: crossEntropy,
  // The original applies log-softmax inside its NLL loss, which makes it equal to cross entropy.
  NLLLoss: crossEntropy,
  LPLoss: lpLoss,
  LPPredictionLoss: lpLoss,
  MSELoss: () => (t, p) => tf.losses.meanSquaredError(t.reshape(p.shape).toFloat(), p) as tf.Scalar,
  L1Loss: () => (t, p) => tf.losses.absoluteDifference(t.reshape(p.shape).toFloat(), p) as tf.Scalar,
  BCEWithLogitsLoss: () => (t, p) => {
    const y = t.reshape(p.shape).toFloat();
    // max(x,0) − x·y + log(1 + e^−|x|), summed and divided by the batch size, as the original.
    return perBatch(p.relu().sub(p.mul(y)).add(p.abs().neg().exp().log1p()).sum(), p);
  },
  BCELoss: () => (t, p) => {
    const y = t.reshape(p.shape).toFloat();
    const q = p.clipByValue(1e-7, 1 - 1e-7);
    return perBatch(
      y
        .mul(q.log())
        .add(tf.scalar(1).sub(y).mul(tf.scalar(1).sub(q).log()))
        .neg()
        .sum(),
      p,
    );
  },
};

export function createLoss(spec: LossSpec): LossFunction {
  const make = LOSSES[spec.key];
  if (!make) {
    throw MlgymError.fromIssue({
      code: 'UNKNOWN_VARIANT',
      keyPath: 'key',
      problem: `unknown loss "${spec.key}"`,
      expected: `one of ${Object.keys(LOSSES).join(', ')}`,
      hint: didYouMean(spec.key, Object.keys(LOSSES)),
    });
  }
  const fn = make(spec);
  const targetKey = spec.target_subscription_key ?? 'target_key';
  const predictionKey = spec.prediction_subscription_key ?? 'model_prediction_key';
  return {
    tag: spec.tag ?? spec.key,
    targetKey,
    predictionKey,
    compute: (targets, predictions) =>
      fn(pick(targets, targetKey, 'target'), pick(predictions, predictionKey, 'prediction')),
  };
}
