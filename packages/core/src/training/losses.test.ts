import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoss } from './losses.js';
import type { LossSpecInput } from './losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const run = (key: string, t: tf.Tensor, p: tf.Tensor, extra: Record<string, unknown> = {}) =>
  createLoss({ key, target_subscription_key: 't', prediction_subscription_key: 'p', ...extra } as LossSpecInput)
    .compute({ t }, { p })
    .dataSync()[0] as number;

describe('losses', () => {
  it('LP loss: exponent 2 / root 1 is the per-sample sum of squares, averaged; exponent 1 the L1 sum', () => {
    const t = tf.fill([10, 100], 2);
    const p = tf.fill([10, 100], 3);
    expect(run('LPLoss', t, p)).toBeCloseTo(100, 5);
    expect(run('LPLoss', t, p, { exponent: 1 })).toBeCloseTo(100, 5);
    expect(run('LPLoss', t, p, { exponent: 2, root: 2 })).toBeCloseTo(10, 5);
  });

  it('cross entropy on logits with integer targets, averaged; NLL sums the same values over the batch', () => {
    const logits = tf.tensor2d([
      [10, 0],
      [0, 10],
    ]);
    const targets = tf.tensor1d([1, 1], 'int32');
    const expected = (Math.log(1 + Math.exp(10)) - 0 + Math.log(1 + Math.exp(-10))) / 2;
    expect(run('CrossEntropyLoss', targets, logits)).toBeCloseTo(expected, 4);
    expect(run('NLLLoss', targets, logits)).toBeCloseTo(2 * expected, 4);
  });

  it('BCE with logits and BCE: summed and divided by the batch size, as the original', () => {
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const bce = (l: number, t: number) =>
      -(t * Math.log(1 / (1 + Math.exp(-l))) + (1 - t) * Math.log(1 - 1 / (1 + Math.exp(-l))));
    const expected = (bce(0.5, 1) + bce(-1, 0) + bce(2, 0) + bce(0, 1)) / 2;
    expect(run('BCEWithLogitsLoss', y, x)).toBeCloseTo(expected, 5);
    expect(run('BCELoss', y, tf.sigmoid(x))).toBeCloseTo(expected, 4);
  });

  it('BCE caps each log at −100 as torch does (saturated probabilities), where clipping gave 16.1', () => {
    const y = tf.tensor2d([[1], [0]]);
    expect(run('BCELoss', y, tf.tensor2d([[0], [1]]))).toBeCloseTo(100, 4);
  });

  it('average_batch_loss: false keeps per-sample values, which the batch adds up', () => {
    const t = tf.fill([4, 3], 1);
    const p = tf.fill([4, 3], 2);
    expect(run('LPLoss', t, p, { average_batch_loss: false })).toBeCloseTo(12, 5);
    expect(run('LPLoss', t, p)).toBeCloseTo(3, 5);
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    const x = tf.zeros([4, 1]);
    expect(run('BCEWithLogitsLoss', y, x, { average_batch_loss: false })).toBeCloseTo(4 * Math.log(2), 5);
    expect(run('BCEWithLogitsLoss', y, x)).toBeCloseTo(Math.log(2), 5);
  });

  it('LPLoss keeps only the samples of class_selection_fun_params.selected_class', () => {
    const loss = createLoss({
      key: 'LPLoss',
      target_subscription_key: 't',
      prediction_subscription_key: 'p',
      class_selection_fun_params: { target_subscription_key: 'label', selected_class: 1 },
    });
    const t = tf.tensor2d([[0], [0], [0]]);
    const p = tf.tensor2d([[1], [2], [3]]);
    // samples 0 and 2 are of class 1: (1² + 3²) / 2
    expect(loss.compute({ t, label: tf.tensor1d([1, 0, 1], 'int32') }, { p }).dataSync()[0]).toBeCloseTo(5, 5);
  });

  it('refuses what torch refuses: other shapes, probabilities outside [0, 1], classes out of range', () => {
    expect(() => run('LPLoss', tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/shape \[2, 3\].*shape \[2, 2\] differ/);
    expect(() => run('BCELoss', tf.tensor1d([1]), tf.tensor1d([1.5]))).toThrow(/probability in \[0, 1\]/);
    expect(() => run('BCELoss', tf.tensor1d([1, 0]), tf.tensor1d([0.5, Number.NaN]))).toThrow(
      /probability in \[0, 1\]/,
    );
    expect(run('BCELoss', tf.tensor1d([1, 0]), tf.tensor1d([1, 0]))).toBeCloseTo(0, 5);
    expect(() => run('CrossEntropyLoss', tf.tensor1d([3], 'int32'), tf.zeros([1, 3]))).toThrow(
      /class target 3 is out of range/,
    );
    expect(() =>
      run('CrossEntropyLoss', tf.tensor1d([0], 'int32'), tf.zeros([1, 3]), { average_batch_loss: false }),
    ).toThrow(/average_batch_loss: CrossEntropyLoss always averages/);
  });

  it('says which target key is missing', () => {
    expect(() =>
      createLoss({ key: 'LPLoss', target_subscription_key: 'nope', prediction_subscription_key: 'p' }).compute(
        { t: tf.scalar(1) },
        { p: tf.scalar(1) },
      ),
    ).toThrow(/target "nope".*one of t/);
  });
});
