// Where one training step of the example CNN spends its time on wasm, per kernel (node bench/profileCnnStep.mjs).
// Kernels that mlgym composes from others show their total; MLGYM_THREADS sets the thread count.
import * as tf from '@tensorflow/tfjs';
import { layerListModel, selectBackend } from '@mlgym/core';
await selectBackend('wasm');
const times = new Map();
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const s = performance.now();
      const r = f(args);
      const e = times.get(k.kernelName) ?? [0, 0];
      e[0] += performance.now() - s;
      e[1]++;
      times.set(k.kernelName, e);
      return r;
    },
  });
}
const layers = [
  { type: 'conv', params: { in_channels: 1, out_channels: 32, kernel_size: 3, stride: 1 } },
  { type: 'conv', params: { in_channels: 32, out_channels: 64, kernel_size: 3, stride: 1 } },
  { type: 'fc', params: { in_features: 9216, out_features: 128 } },
  { type: 'fc', params: { in_features: 128, out_features: 10 } },
];
const model = layerListModel({ layer_config: layers }, 1);
const opt = tf.train.adam(0.001);
const x = tf.randomNormal([64, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
for (let i = 0; i < 3; i++) step();
times.clear();
const N = 10;
const t0 = performance.now();
for (let i = 0; i < N; i++) step();
const per = (performance.now() - t0) / N;
console.log('step ms', per.toFixed(1), 'samples/s', (64000 / per).toFixed(0));
for (const [k, [t, n]] of [...times].sort((a, b) => b[1][0] - a[1][0]).slice(0, 14))
  console.log(k.padEnd(24), (t / N).toFixed(1), 'ms', n / N);
