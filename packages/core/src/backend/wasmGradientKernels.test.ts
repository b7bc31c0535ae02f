import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { registerWasmGradientKernels } from './wasmGradientKernels.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels();
});

const rng = new Rng(42);
const random = (shape: number[]) => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextFloat() - 0.5),
});

/** Gradients of f on a backend, as plain arrays. */
function gradients(
  backend: string,
  f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  a: { shape: number[]; data: Float32Array },
  b: { shape: number[]; data: Float32Array },
): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() =>
    tf
      .grads((x: tf.Tensor, y: tf.Tensor) => f(x, y).square().sum())([
        tf.tensor(a.data, a.shape),
        tf.tensor(b.data, b.shape),
      ])
      .map((g) => g.dataSync() as Float32Array),
  );
}

function maxError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('wasm gradient kernels match the cpu backend', () => {
  it.each([
    [1, 'valid', 3],
    [1, 'same', 3],
    [2, 'valid', 3],
    [2, 'same', 5],
    [1, 'same', 4],
  ] as const)('conv2d stride %i, padding %s, kernel %i: dx and dW', (stride, pad, k) => {
    const x = random([2, 9, 9, 3]);
    const w = random([k, k, 3, 4]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
    const [dxCpu, dwCpu] = gradients('cpu', f, x, w);
    const [dxWasm, dwWasm] = gradients('wasm', f, x, w);
    expect(maxError(dxCpu!, dxWasm!)).toBeLessThan(1e-4);
    expect(maxError(dwCpu!, dwWasm!)).toBeLessThan(1e-4);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('batched matmul with transposeA=%s, transposeB=%s', (ta, tb) => {
    const a = random(ta ? [2, 5, 4] : [2, 4, 5]);
    const b = random(tb ? [2, 3, 5] : [2, 5, 3]);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb);
    const cpu = gradients('cpu', f, a, b);
    const wasm = gradients('wasm', f, a, b);
    cpu.forEach((g, i) => expect(maxError(g, wasm[i]!)).toBeLessThan(1e-4));
  });

  it.each([
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'same'],
    [2, 1, 'valid'],
  ] as const)('max-pool %i×%i stride %i, padding %s: dx, ties to the first maximum as on cpu', (size, stride, pad) => {
    // Values from a few levels, so windows often hold equal maxima.
    const x = random([2, 7, 7, 3]);
    x.data = x.data.map((v) => Math.round(v * 4) / 4);
    const w = random([1, 1, 3, 3]);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(tf.maxPool(a as tf.Tensor4D, size, stride, pad), b as tf.Tensor4D, 1, 'valid');
    const [dxCpu] = gradients('cpu', f, x, w);
    const [dxWasm] = gradients('wasm', f, x, w);
    expect(maxError(dxCpu!, dxWasm!)).toBeLessThan(1e-5);
  });

  it.each([
    [[0, 1, 2], false],
    [[0, 1, 2], true],
    [[0], false],
    [[-4, -3], true],
    [[1, 2], false],
    [[3], true],
  ])('sum over axes %j (keepDims %s) as on cpu', (axes, keepDims) => {
    const x = random([3, 5, 4, 6]);
    const sum = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const r = tf.sum(tf.tensor(x.data, x.shape), axes, keepDims);
        return { shape: r.shape, data: r.dataSync() as Float32Array };
      });
    };
    const cpu = sum('cpu');
    const wasm = sum('wasm');
    expect(wasm.shape).toEqual(cpu.shape);
    expect(maxError(cpu.data, wasm.data)).toBeLessThan(1e-5);
  });

  it('trains a CNN on wasm (Conv2DBackpropFilter exists now)', () => {
    tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const x = tf.tensor4d(random([4, 8, 8, 1]).data, [4, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const optimizer = tf.train.sgd(0.1);
    const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar;
    const first = loss().dataSync()[0]!;
    for (let i = 0; i < 20; i++) optimizer.minimize(loss);
    expect(loss().dataSync()[0]).toBeLessThan(first);
  });
});
