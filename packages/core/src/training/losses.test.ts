import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoss } from './losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const run = (key: string, t: tf.Tensor, p: tf.Tensor, extra: Record<string, unknown> = {}) =>
  createLoss({ key, target_subscription_key: 't', prediction_subscription_key: 'p', ...extra })
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

  it('cross entropy on logits with integer targets; NLL equals it', () => {
    const logits = tf.tensor2d([
      [10, 0],
      [0, 10],
    ]);
    const targets = tf.tensor1d([1, 1], 'int32');
    const expected = (Math.log(1 + Math.exp(10)) - 0 + Math.log(1 + Math.exp(-10))) / 2;
    expect(run('CrossEntropyLoss', targets, logits)).toBeCloseTo(expected, 4);
    expect(run('NLLLoss', targets, logits)).toBeCloseTo(expected, 4);
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

  it('says which target key is missing', () => {
    expect(() =>
      createLoss({ key: 'LPLoss', target_subscription_key: 'nope', prediction_subscription_key: 'p' }).compute(
        { t: tf.scalar(1) },
        { p: tf.scalar(1) },
      ),
    ).toThrow(/target "nope".*one of t/);
  });
});
