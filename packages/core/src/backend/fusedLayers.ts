import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, newOutput, sizeOf } from './wasmTensors.js';

const CONV_RELU = 'MlgymConv2DBiasRelu';
const DENSE_RELU = 'MlgymMatMulBiasRelu';
const RELU_BIAS_GRAD = 'MlgymReluBiasGrad';
/** Rows per claim of the bias sums: as the Sum kernel cuts them, so the bias gradient has the same bits. */
const PER_CLAIM = 16_384;

interface ConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
}

/** The fields of tfjs-layers' Conv2D and Dense that their calls read. */
interface Layer {
  activation?: { getClassName(): string };
  kernel: { read(): Tensor };
  bias?: { read(): Tensor } | null;
  call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[];
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): void;
}

interface Conv2DLayer extends Layer {
  rank: number;
  dataFormat: string;
  padding: string;
  strides: number[];
  dilationRate: number[];
}

/**
 * dy·step(y) (relu's gradient, from its output) and the column sums of that (the bias's gradient)
 * in one pass over dy: tfjs's graph would run Step, Multiply and Sum, each over the whole tensor.
 */
function reluBiasGrad(pool: KernelPool): KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const C = dy.shape[dy.shape.length - 1] as number;
    const R = sizeOf(dy.shape) / C;
    const rowsPerClaim = Math.max(1, Math.ceil(PER_CLAIM / C));
    const claims = Math.ceil(R / rowsPerClaim);
    const out = newOutput(backend, dy.shape);
    const bias = newOutput(backend, [C]);
    const partial = pool.malloc(claims * C * 8);
    try {
      pool.run(Kernel.reluBiasGrad, claims, [
        addressOf(backend, dy),
        addressOf(backend, y),
        addressOf(backend, out),
        partial,
        R,
        C,
        rowsPerClaim,
      ]);
      pool.exports.sum_rows_finish(partial, claims, C, addressOf(backend, bias));
    } finally {
      pool.free(partial);
    }
    return [out, bias];
  };
}

/** Kernels of the fused layers (forward: FusedConv2D and _FusedMatMul with bias and relu). */
export function fusedLayerKernelConfigs(pool: KernelPool): KernelConfig[] {
  const fused = tf.getKernel('FusedConv2D', 'wasm');
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  if (!fused || !fusedMatMul) throw new Error('the wasm backend has no FusedConv2D or _FusedMatMul kernel');
  return [
    {
      kernelName: DENSE_RELU,
      backendName: 'wasm',
      kernelFunc: (args) =>
        fusedMatMul.kernelFunc({
          ...args,
          attrs: { transposeA: false, transposeB: false, activation: 'relu' } as unknown as NamedAttrMap,
        }),
    },
    {
      kernelName: CONV_RELU,
      backendName: 'wasm',
      kernelFunc: (args) =>
        fused.kernelFunc({
          ...args,
          attrs: { ...args.attrs, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' } as NamedAttrMap,
        }),
    },
    { kernelName: RELU_BIAS_GRAD, backendName: 'wasm', kernelFunc: reluBiasGrad(pool) },
  ];
}

const denseGradient: GradConfig = {
  kernelName: DENSE_RELU,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [a, b, y] = saved as [Tensor, Tensor, Tensor];
    const [dyAct, dBias] = tf.engine().runKernel(RELU_BIAS_GRAD, { dy: dy as Tensor, y }) as [Tensor, Tensor];
    return {
      a: () => tf.matMul(dyAct, b, false, true),
      b: () => tf.matMul(a, dyAct, true, false),
      bias: () => dBias,
    };
  },
};

const convGradient: GradConfig = {
  kernelName: CONV_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [Tensor, Tensor, Tensor];
    const { strides, pad } = attrs as unknown as ConvAttrs;
    // Computed once for all three gradients (the backward pass's scope disposes them).
    const [dyAct, dBias] = tf.engine().runKernel(RELU_BIAS_GRAD, { dy: dy as Tensor, y }) as [Tensor, Tensor];
    const conv = { strides, pad, dataFormat: 'NHWC' };
    return {
      x: () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyAct, filter }, { ...conv, inputShape: x.shape }) as Tensor,
      filter: () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy: dyAct }, { ...conv, filterShape: filter.shape }) as Tensor,
      bias: () => dBias,
    };
  },
};

let installed = false;

const fusable = (layer: Layer, x: Tensor | undefined, inputs: Tensor | Tensor[]): x is Tensor =>
  (!Array.isArray(inputs) || inputs.length === 1) &&
  x?.dtype === 'float32' &&
  layer.activation?.getClassName() === 'relu' &&
  layer.bias != null &&
  tf.getBackend() === 'wasm' &&
  tf.getKernel(CONV_RELU, 'wasm') !== undefined;

/**
 * Trains tfjs-layers' 2-D convolutions and dense layers with a relu as one kernel and one gradient
 * on the wasm backend. tfjs fuses bias and activation into the product only outside gradient tapes,
 * so in training every such layer ran three kernels forward (product, bias, relu) and three more
 * backward before the product's gradients, each over the whole activation. The fused layer computes
 * the same float32 operations in the same order (the bits are unchanged); other layers, backends and
 * settings keep tfjs's path.
 */
export function installFusedLayers(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient(convGradient);
  tf.registerGradient(denseGradient);
  const conv = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })) as Conv2DLayer;
  const convCall = conv.call;
  conv.call = function (this: Conv2DLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (
      !fusable(this, x, inputs) ||
      x.rank !== 4 ||
      this.rank !== 2 ||
      this.dataFormat !== 'channelsLast' ||
      (this.padding !== 'valid' && this.padding !== 'same') ||
      !this.dilationRate.every((d) => d === 1)
    ) {
      return convCall.call(this, inputs, kwargs);
    }
    const bias = (this.bias as { read(): Tensor }).read();
    return tf.tidy(
      () =>
        tf
          .engine()
          .runKernel(
            CONV_RELU,
            { x, filter: this.kernel.read(), bias },
            { strides: [this.strides[0] as number, this.strides[1] as number], pad: this.padding },
          ) as Tensor,
    );
  };
  const dense = Object.getPrototypeOf(tf.layers.dense({ units: 1 })) as Layer;
  const denseCall = dense.call;
  dense.call = function (this: Layer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const kernel = this.kernel.read();
    if (!fusable(this, x, inputs) || x.rank !== 2 || kernel.rank !== 2) return denseCall.call(this, inputs, kwargs);
    const bias = (this.bias as { read(): Tensor }).read();
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      return tf.engine().runKernel(DENSE_RELU, { a: x, b: kernel, bias }) as Tensor;
    });
  };
}
