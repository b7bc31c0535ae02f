import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import { parseSpec } from './specParts.js';
import { LossSpecSchema } from './lossSpecs.js';
import type { LossSpec, LossSpecInput } from './lossSpecs.js';

export type { LossSpec, LossSpecInput } from './lossSpecs.js';

/**
 * A loss: for one batch, the sum of what the original's loss returns (`loss(batch).sum()`), which
 * training back-propagates and evaluation averages over the batches of a split.
 */
export interface LossFunction {
  key: string;
  tag: string;
  targetKey: string;
  predictionKey: string;
  compute(targets: Record<string, tf.Tensor>, predictions: Record<string, tf.Tensor>): tf.Scalar;
}

function pick(dict: Record<string, tf.Tensor>, key: string, what: string, loss: string): tf.Tensor {
  const t = dict[key];
  if (!t)
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      problem: `${loss} reads ${what} "${key}", which the batch does not have`,
      expected: `one of ${Object.keys(dict).join(', ')}`,
    });
  return t;
}

const lossError = (loss: string, problem: string, hint?: string) =>
  MlgymError.fromIssue({ code: 'DATA_INVALID', problem: `${loss}: ${problem}`, hint });

const withoutTrailingOnes = (shape: readonly number[]) => {
  const s = [...shape];
  while (s.length > 1 && s[s.length - 1] === 1) s.pop();
  return s.join(',');
};

/**
 * Targets in the predictions' shape. Ours: (N) and (N, 1) are the same shape (our collator gives
 * (N) where the original's gives (N, 1)); any other difference is refused, as torch refuses it.
 */
function aligned(loss: string, t: tf.Tensor, p: tf.Tensor, hint?: string): tf.Tensor {
  if (t.shape.join(',') === p.shape.join(',')) return t.toFloat();
  if (t.size === p.size && withoutTrailingOnes(t.shape) === withoutTrailingOnes(p.shape)) {
    return t.toFloat().reshape(p.shape);
  }
  throw lossError(
    loss,
    `targets of shape [${t.shape.join(', ')}] and predictions of shape [${p.shape.join(', ')}] differ`,
    hint,
  );
}

/** Σ values / (size of the first dimension), as the original averages a batch. */
const batchMean = (values: tf.Tensor) => values.sum().div(values.shape[0] ?? 1);

/** Integer class ids in [0, classes), read once to check them as torch does. */
function classIds(loss: string, t: tf.Tensor, rows: number, classes: number): tf.Tensor1D {
  // Each op is a kernel call (~5 µs of tfjs bookkeeping on wasm): none where the targets already fit.
  const flat = t.rank === 1 ? t : t.flatten();
  const ids = flat.dtype === 'int32' ? flat : flat.toInt();
  if (ids.size !== rows) {
    throw lossError(
      loss,
      `${ids.size} class targets for ${rows} predicted rows`,
      'Targets are one class id per sample',
    );
  }
  const values = ids.dataSync();
  const bad = values.find((v) => v < 0 || v >= classes);
  if (bad !== undefined) throw lossError(loss, `class target ${bad} is out of range for ${classes} classes`);
  return ids as tf.Tensor1D;
}

/** −log softmax(p)[t] per sample; rows of class probabilities are accepted as soft targets (ours). */
function crossEntropyPerSample(loss: string, t: tf.Tensor, p: tf.Tensor, soft: boolean): tf.Tensor {
  if (p.rank !== 2) throw lossError(loss, `predictions need the shape (N, classes); got [${p.shape.join(', ')}]`);
  const [rows, classes] = p.shape as [number, number];
  const logProbabilities = tf.logSoftmax(p, 1);
  const weights =
    soft && t.rank === 2 && t.shape[1] === classes && classes > 1
      ? t.toFloat()
      : tf.oneHot(classIds(loss, t, rows, classes), classes).toFloat();
  return logProbabilities.mul(weights).sum(1).neg();
}

type Compute = (t: tf.Tensor, p: tf.Tensor, targets: Record<string, tf.Tensor>) => tf.Tensor;

function lpLoss(spec: Extract<LossSpec, { key: 'LPLoss' | 'LPPredictionLoss' }>): Compute {
  return (t, p0, targets) => {
    const p = p0.rank === 1 ? p0.reshape([p0.shape[0] as number, 1]) : p0;
    let target = aligned(spec.key, t, p);
    let prediction = p;
    const selection = spec.class_selection_fun_params;
    if (selection) {
      const selector = pick(targets, selection.target_subscription_key, 'the selection target', spec.key);
      const classes = selector.flatten().dataSync();
      if (classes.length !== (p.shape[0] as number)) {
        throw lossError(spec.key, `the selection target has ${classes.length} values for ${p.shape[0]} samples`);
      }
      const keep: number[] = [];
      classes.forEach((c, i) => c === selection.selected_class && keep.push(i));
      const index = tf.tensor1d(keep, 'int32');
      target = tf.gather(target, index);
      prediction = tf.gather(prediction, index);
    }
    const perSample = prediction
      .sub(target)
      .abs()
      .pow(spec.exponent)
      .sum(1)
      .pow(1 / spec.root);
    // No sample selected: 0 / 0, NaN as in the original.
    return spec.average_batch_loss ? batchMean(perSample) : perSample;
  };
}

function computeOf(spec: LossSpec): Compute {
  switch (spec.key) {
    case 'LPLoss':
    case 'LPPredictionLoss':
      return lpLoss(spec);
    case 'CrossEntropyLoss':
      return (t, p) => batchMean(crossEntropyPerSample(spec.key, t, p, true));
    case 'NLLLoss':
      // log-softmax inside, per-sample values: the batch's sum is reported and back-propagated.
      return (t, p) => {
        if (t.rank === 2 && t.shape[1] !== 1) throw lossError(spec.key, 'targets must be one class id per sample');
        return crossEntropyPerSample(spec.key, t, p, false);
      };
    case 'BCEWithLogitsLoss':
      return (t, p0) => {
        const x = spec.flatten_predictions ? p0.flatten() : p0;
        const y = aligned(spec.key, t, x, 'flatten_predictions: true reads (N, 1) logits as (N)');
        // max(x, 0) − x·y + log(1 + e^−|x|): torch's stable form.
        const values = x.relu().sub(x.mul(y)).add(x.abs().neg().exp().log1p());
        return spec.average_batch_loss ? batchMean(values) : values;
      };
    case 'BCELoss':
      return (t, p) => {
        const y = aligned(spec.key, t, p);
        // One read of the values (a copy on wasm and cpu) instead of five kernels: 22 µs → 1 µs per batch on wasm.
        if (!(p.dataSync() as Float32Array).every((v) => v >= 0 && v <= 1))
          throw lossError(
            spec.key,
            'every prediction must be a probability in [0, 1]',
            'Apply SIGMOIDAL first, or use BCEWithLogitsLoss on logits',
          );
        // torch caps each log at −100 instead of clipping the probabilities.
        const logP = tf.maximum(p.log(), -100);
        const log1mP = tf.maximum(p.neg().log1p(), -100);
        const values = y.mul(logP).add(tf.scalar(1).sub(y).mul(log1mP)).neg();
        return spec.average_batch_loss ? batchMean(values) : values;
      };
    case 'MSELoss':
      return (t, p) => tf.losses.meanSquaredError(aligned(spec.key, t, p), p);
    case 'L1Loss':
      return (t, p) => tf.losses.absoluteDifference(aligned(spec.key, t, p), p);
  }
}

/** A loss from its spec (validated here too, for specs that do not come from a config file). */
export function createLoss(input: LossSpecInput | LossSpec): LossFunction {
  const spec = parseSpec(LossSpecSchema, input, `loss ${String(input.key)}`);
  const fn = computeOf(spec);
  return {
    key: spec.key,
    tag: spec.tag ?? spec.key,
    targetKey: spec.target_subscription_key,
    predictionKey: spec.prediction_subscription_key,
    compute: (targets, predictions) =>
      tf.tidy(() => {
        const t = pick(targets, spec.target_subscription_key, 'target', spec.key);
        const p = pick(predictions, spec.prediction_subscription_key, 'prediction', spec.key);
        const values = fn(t, p, targets);
        return (values.rank === 0 ? values : values.sum()) as tf.Scalar;
      }),
  };
}
