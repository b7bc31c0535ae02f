import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArrayIterator, makeMeta } from '../data/datasetIterator.js';
import { DataLoader, standardCollator } from './dataLoader.js';
import { evalComponent, evaluate } from './evaluator.js';
import type { LossAveraging } from './evaluator.js';
import { createLoss } from './losses.js';
import type { MetricSpecInput } from './metrics.js';
import type { MlgymModel } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// 10 samples whose logits are the inputs themselves (an identity model), labels 0..2.
const logits = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 3) - 1]);
const labels = logits.map((_, i) => (i * 7) % 3);

function identityModel(): MlgymModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [3], useBias: false, kernelInitializer: 'identity' })],
  });
  return { model, predictionKey: 'model_prediction_key', inputShape: [3] };
}

const loader = () =>
  new DataLoader({
    iterator: new ArrayIterator(
      logits.map((x, i) => [Float32Array.from(x), labels[i]]),
      makeMeta({ identifier: 'val', datasetTag: 'val' }),
    ),
    collator: standardCollator({}),
    batchSize: 4,
    strategy: 'IN_ORDER',
    seed: 0,
    dropLast: false,
  });

/** −log softmax(x)[y] for each sample. */
const crossEntropy = logits.map((x, i) => {
  const lse = Math.log(x.reduce((a, v) => a + Math.exp(v), 0));
  return lse - (x[labels[i] as number] as number);
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const batches = [crossEntropy.slice(0, 4), crossEntropy.slice(4, 8), crossEntropy.slice(8)];

async function lossesOf(lossAveraging?: LossAveraging, metricSpecs: MetricSpecInput[] = []) {
  const component = evalComponent({
    loaders: { val: loader() },
    losses: [createLoss({ key: 'CrossEntropyLoss', tag: 'ce' }), createLoss({ key: 'NLLLoss', tag: 'nll' })],
    metricSpecs,
    postProcessors: [],
    splitPostProcessors: {},
    lossAveraging,
  });
  const [result] = await evaluate(identityModel(), component);
  return result!;
}

describe('evaluate: a split loss from batches of 4, 4 and 2', () => {
  it("averages the batches' values by default, as the original (the partial batch weighs as much)", async () => {
    const { losses } = await lossesOf();
    expect(losses['ce']).toBeCloseTo(mean(batches.map(mean)), 5);
    // NLLLoss reports the sum of its per-sample values per batch.
    expect(losses['nll']).toBeCloseTo(mean(batches.map(sum)), 5);
    expect(losses['ce']).not.toBeCloseTo(mean(crossEntropy), 3);
  });

  it('loss_averaging: samples weights each batch by its size', async () => {
    const { losses } = await lossesOf('samples');
    expect(losses['ce']).toBeCloseTo(mean(crossEntropy), 5);
  });

  it('names the metric and the split where scikit-learn would raise', async () => {
    await expect(lossesOf('batches', [{ key: 'AUROC', tag: 'auroc' }])).rejects.toThrow(
      /metric auroc \(AUROC\) on split "val": the targets are multiclass and params\.multi_class is not set/,
    );
  });
});
