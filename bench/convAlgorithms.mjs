// The example CNN's second convolution (64×26×26×32 → 64×24×24×64, 3×3) by mlgym's direct kernels
// and by Winograd's F(2×2, 3×3) / F(3×3, 2×2) kernels, alternating in one process: forward with
// bias and relu, input gradient, filter gradient. Medians of ROUNDS rounds of 5 calls each.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, useWinograd } from '@mlgym/core';

const backend = await selectBackend(process.env.BACKEND ?? 'wasm');
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const r = (s) => tf.randomUniform(s, -0.5, 0.5, 'float32', 1);
const x = r([64, 26, 26, 32]);
const w = r([3, 3, 32, 64]);
const b = r([64]);
const dy = r([64, 24, 24, 64]);
const passes = {
  forward: () => tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'valid', activation: 'relu' }),
  input_gradient: () =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 'valid', inputShape: x.shape }),
  filter_gradient: () =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', filterShape: w.shape }),
};
const times = {};
for (let round = 0; round < ROUNDS; round++)
  for (const winograd of [true, false]) {
    useWinograd(winograd);
    for (const [pass, f] of Object.entries(passes)) {
      f().dispose();
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) f().dispose();
      (times[`${pass}/${winograd ? 'winograd' : 'direct'}`] ??= []).push((performance.now() - t0) / 5);
    }
  }
useWinograd(true);
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const figures = {
  bench: 'conv_algorithms',
  backend: `${backend.backend} ${backend.version} (${backend.threads} threads, kernels ${backend.kernels})`,
};
const goals = {};
console.log(`conv 64×26×26×32 → 64×24×24×64, 3×3: direct against Winograd, medians of ${ROUNDS} alternating rounds`);
for (const pass of Object.keys(passes)) {
  const direct = median(times[`${pass}/direct`]);
  const wino = median(times[`${pass}/winograd`]);
  figures[`${pass}_ms`] = { direct: Number(direct.toFixed(2)), winograd: Number(wino.toFixed(2)) };
  figures[`${pass}_speedup`] = Number((direct / wino).toFixed(2));
  goals[`${pass}_faster_by_winograd`] = wino < direct;
  console.log(
    `  ${pass.padEnd(16)} direct ${direct.toFixed(2)} ms, Winograd ${wino.toFixed(2)} ms: ${(direct / wino).toFixed(2)}×`,
  );
}
console.log(JSON.stringify({ ...figures, goal_met: goals }));
