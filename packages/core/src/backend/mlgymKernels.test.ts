import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { selectBackend } from './selectBackend.js';
import { useWinograd } from './wasmWinogradConv.js';

// mlgym's own kernels (native/, on the kernel pool's lanes) against tfjs's cpu backend, shape by
// shape: strides, paddings, dilations, channel counts that fill no whole SIMD panel, batches that
// fill no whole tile, transposes and broadcasts.

beforeAll(async () => {
  const record = await selectBackend('wasm');
  expect(record.kernels).toBe('mlgym');
});

const rng = new Rng(7);
const random = (shape: number[]) => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextFloat() - 0.5),
});
type Data = ReturnType<typeof random>;

/** f's output and (unless `forwardOnly`) its gradients (of Σ output²) with respect to every input, on a backend. */
function evaluate(
  backend: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Data[],
  forwardOnly = false,
): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((d) => tf.tensor(d.data, d.shape));
    const y = f(...xs);
    const grads = forwardOnly
      ? []
      : tf.grads((...args: tf.Tensor[]) =>
          f(...args)
            .square()
            .sum(),
        )(xs);
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  expect(b.length).toBe(a.length);
  let scale = 1e-3;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m / scale;
}

function expectSameAsCpu(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Data[],
  tolerance = 1e-5,
  forwardOnly = false,
): void {
  const cpu = evaluate('cpu', f, inputs, forwardOnly);
  const wasm = evaluate('wasm', f, inputs, forwardOnly);
  cpu.forEach((c, i) => expect(maxRelativeError(c, wasm[i] as Float32Array), `output ${i}`).toBeLessThan(tolerance));
}

describe('convolutions', () => {
  it.each([
    // batch, size, in channels, out channels, kernel, stride, padding, dilation
    [3, 9, 3, 4, 3, 1, 'valid', 1],
    [2, 9, 3, 4, 3, 1, 'same', 1],
    [2, 9, 5, 12, 3, 2, 'valid', 1],
    [2, 10, 3, 9, 5, 2, 'same', 1],
    [1, 8, 8, 16, 4, 1, 'same', 1],
    [2, 7, 1, 32, 3, 1, 'valid', 1],
    [5, 12, 32, 64, 3, 1, 'valid', 1],
    [2, 11, 6, 10, 1, 1, 'valid', 1],
    [2, 13, 4, 8, 3, 3, 'same', 1],
    // Winograd F(2×2, 3×3): odd output sizes (a last tile half outside), 'same' padding, 16 tiles
    // per block with a partial last block, channels from 8 up.
    [3, 9, 8, 8, 3, 1, 'valid', 1],
    [2, 8, 12, 16, 3, 1, 'same', 1],
    [1, 5, 16, 24, 3, 1, 'same', 1],
  ] as const)('batch %i, size %i, in %i, out %i, kernel %i, stride %i, %s: y, dx and dW', (...c) => {
    const [b, size, cin, cout, k, s, pad] = c;
    const x = random([b, size, size + 1, cin]);
    const w = random([k, k, cin, cout]);
    expectSameAsCpu((a, f) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, pad), [x, w]);
  });

  it("3×3 stride-1 convolutions take Winograd's kernels: y, dx and dW differ in the last bits from the direct kernels', within their tolerance", () => {
    const x = random([4, 10, 9, 16]);
    const w = random([3, 3, 16, 24]);
    const f = (a: tf.Tensor, k: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same');
    const winograd = evaluate('wasm', f, [x, w]);
    useWinograd(false);
    let direct: Float32Array[];
    try {
      direct = evaluate('wasm', f, [x, w]);
    } finally {
      useWinograd(true);
    }
    winograd.forEach((v, i) => {
      expect(maxRelativeError(direct[i] as Float32Array, v), `output ${i}`).toBeLessThan(1e-5);
      expect(Array.from(v), `output ${i} is the same bits: the Winograd path was not taken`).not.toEqual(
        Array.from(direct[i] as Float32Array),
      );
    });
  });

  it.each(['same', 'valid'] as const)('dilated forward convolution, %s (tfjs has no gradient for it)', (pad) => {
    const x = random([2, 11, 11, 4]);
    const w = random([3, 3, 4, 8]);
    expectSameAsCpu((a, f) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, pad, 'NHWC', 2), [x, w], 1e-5, true);
  });

  it.each(['linear', 'relu'] as const)('fused convolution with bias, %s', (activation) => {
    const x = random([3, 9, 9, 6]);
    const w = random([3, 3, 6, 11]);
    const bias = random([11]);
    const run = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() =>
        tf.fused
          .conv2d({
            x: tf.tensor4d(x.data, x.shape as never),
            filter: tf.tensor4d(w.data, w.shape as never),
            bias: tf.tensor1d(bias.data),
            strides: 1,
            pad: 'same',
            activation,
          })
          .dataSync(),
      );
    };
    expect(maxRelativeError(run('cpu') as Float32Array, run('wasm') as Float32Array)).toBeLessThan(1e-5);
  });
});

describe('matrix products', () => {
  it.each([
    [false, false, 5, 7, 9],
    [true, false, 5, 7, 9],
    [false, true, 5, 7, 9],
    [true, true, 5, 7, 9],
    [false, false, 64, 1500, 16],
    [true, false, 33, 20, 130],
    [false, true, 6, 300, 40],
    [false, true, 300, 6, 40],
    [true, false, 20, 600, 16],
  ] as const)('transposeA %s, transposeB %s, M %i, K %i, N %i: product and both gradients', (...c) => {
    const [ta, tb, m, k, n] = c;
    const a = random(ta ? [k, m] : [m, k]);
    const b = random(tb ? [n, k] : [k, n]);
    expectSameAsCpu((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), [a, b]);
  });

  it('batched, and with a broadcast batch (tfjs has no gradient for that)', () => {
    expectSameAsCpu(
      (x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, true, false),
      [random([3, 10, 6]), random([3, 10, 12])],
    );
    expectSameAsCpu(
      (x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D),
      [random([3, 6, 10]), random([1, 10, 12])],
      1e-5,
      true,
    );
  });

  it.each([
    ['relu', false],
    ['linear', true],
  ] as const)('fused product with bias, %s, transposeB %s', (activation, tb) => {
    const a = random([9, 20]);
    const b = random(tb ? [13, 20] : [20, 13]);
    const bias = random([13]);
    expectSameAsCpu(
      (x, y, z) => tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeB: tb, bias: z, activation }),
      [a, b, bias],
    );
  });
});

describe('element-wise kernels, sums and pooling', () => {
  it.each([
    ['same shapes', [40, 30, 20], [40, 30, 20]],
    ['a bias over the last axis', [40, 30, 20], [20]],
    ['a bias over the last two axes', [40, 30, 20], [1, 30, 20]],
    ['a scalar', [40, 30, 20], []],
    ['the bias first', [20], [40, 30, 20]],
  ] as const)('add, sub, mul, div with %s', (_, sa, sb) => {
    const a = random([...sa]);
    const b = random([...sb]);
    b.data = b.data.map((v) => v + (v >= 0 ? 0.5 : -0.5));
    for (const op of [tf.add, tf.sub, tf.mul, tf.div]) expectSameAsCpu((x, y) => op(x, y), [a, b]);
  });

  it('relu and its gradient, step with NaN', () => {
    const x = random([64, 20, 20]);
    x.data[5] = Number.NaN;
    x.data[6] = 0;
    const cpu = evaluate('cpu', (a) => tf.relu(a).add(tf.step(a, 0.25)), [x]);
    const wasm = evaluate('wasm', (a) => tf.relu(a).add(tf.step(a, 0.25)), [x]);
    expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
  });

  it.each([
    [[0, 1, 2], false],
    [[0, 1], true],
    [[0], false],
  ])('sum over leading axes %j (keepDims %s)', (axes, keepDims) => {
    const x = random([30, 20, 10, 7]);
    expectSameAsCpu((a) => tf.sum(a, axes, keepDims), [x]);
  });

  it.each([
    [2, 2, 'valid', 8],
    [3, 2, 'same', 3],
    [3, 1, 'same', 5],
    [2, 1, 'valid', 4],
  ] as const)('max-pool %i, stride %i, %s, %i channels: y and dx, ties to the first maximum', (...p) => {
    const [size, stride, pad, c] = p;
    const x = random([3, 9, 8, c]);
    // Few levels, so windows often hold equal maxima.
    x.data = x.data.map((v) => Math.round(v * 4) / 4);
    expectSameAsCpu((a) => tf.maxPool(a as tf.Tensor4D, size, stride, pad), [x], 1e-6);
  });
});

/** Runs `f` with a kernel of mlgym's taken away, so the code that checks for it takes tfjs's own path. */
function without<T>(kernelName: string, f: () => T): T {
  const config = tf.getKernel(kernelName, 'wasm');
  expect(config).toBeDefined();
  tf.unregisterKernel(kernelName, 'wasm');
  try {
    return f();
  } finally {
    tf.registerKernel(config!);
  }
}

const netInput = random([16, 12, 12, 3]);

/** Weights after a few Adam steps of a small conv net with relu layers, on wasm, as arrays. */
function trainConvNet(): number[][] {
  tf.setBackend('wasm');
  return tf.tidy(() => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 3],
          filters: 8,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: init(1),
        }),
        tf.layers.conv2d({
          filters: 16,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(2),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: init(3) }),
        tf.layers.dense({ units: 5, kernelInitializer: init(4) }),
      ],
    });
    const x = tf.tensor4d(netInput.data, [16, 12, 12, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], 'int32'), 5);
    const optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 4; i++)
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      );
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    optimizer.dispose();
    model.dispose();
    return weights;
  });
}

describe("fused training steps give the bits of tfjs's separate kernels", () => {
  it("the Adam update (MlgymAdam) against tfjs's AdamOptimizer", () => {
    const fused = trainConvNet();
    expect(trainConvNet()).toEqual(fused);
    const separate = without('MlgymAdam', trainConvNet);
    expect(fused).toEqual(separate);
  });

  it('conv and dense layers with bias and relu (one kernel forward, one relu/bias gradient pass) against tfjs-layers', () => {
    const fused = trainConvNet();
    // Without the convolution's kernel, both layers take tfjs-layers' path.
    const separate = without('MlgymConv2DBiasRelu', trainConvNet);
    expect(fused).toEqual(separate);
  });

  it('a cloned tensor shares its data on wasm and outlives the original', () => {
    tf.setBackend('wasm');
    const a = tf.tensor1d([1, 2, 3]);
    const b = a.clone();
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });
});
