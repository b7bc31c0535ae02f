import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { wantedWasmThreads } from './wasmThreads.js';

const repo = resolve(import.meta.dirname, '../../../..');

// A fresh process per thread count: the wasm module is set up once per process. It runs the built
// package (npm test builds first) and must exit by itself, pool threads and all.
const script = `
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@mlgym/core';
const record = await selectBackend('wasm');
const x = tf.randomUniform([16, 20, 20, 8], -1, 1, 'float32', 1);
const f = tf.randomUniform([3, 3, 8, 32], -1, 1, 'float32', 2);
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [20, 20, 8], filters: 16, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
] });
const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
const opt = tf.train.adam(0.01);
for (let i = 0; i < 3; i++) opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)));
const conv = Array.from(tf.conv2d(x, f, 1, 'same').dataSync());
const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
console.log(JSON.stringify({ threads: record.threads, conv, weights }));
`;

async function runWith(threads: number) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repo,
    env: { ...process.env, MLGYM_THREADS: String(threads) },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as {
    threads: number;
    conv: number[];
    weights: number[];
  };
}

describe('wasm threads in Node', () => {
  it('MLGYM_THREADS picks the count, capped at 8; default is every core', () => {
    expect(wantedWasmThreads({ MLGYM_THREADS: '2' })).toBe(2);
    expect(wantedWasmThreads({ MLGYM_THREADS: '64' })).toBe(8);
    expect(wantedWasmThreads({ MLGYM_THREADS: 'x' })).toBeGreaterThanOrEqual(1);
  });

  it('runs the kernels on two lanes, exits by itself, and trains to the same bits as one lane', async () => {
    const [one, two] = await Promise.all([runWith(1), runWith(2)]);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.conv.length).toBe(16 * 20 * 20 * 32);
    expect(two.conv).toEqual(one.conv);
    expect(two.weights).toEqual(one.weights);
  }, 120_000);
});
