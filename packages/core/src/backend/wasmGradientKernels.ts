import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { convKernelConfigs } from './wasmConvKernels.js';
import { elementwiseKernelConfigs } from './wasmElementwiseKernels.js';
import { adamKernelConfig } from './fusedAdam.js';
import { fusedLayerKernelConfigs } from './fusedLayers.js';
import { heapKernelConfigs } from './wasmHeapKernels.js';
import type { KernelPool } from './kernelPool.js';
import { matMulKernelConfigs } from './wasmMatMulKernels.js';
import { poolingKernelConfigs } from './wasmPoolingKernels.js';

type Backend = { disposeData(dataId: object): void };

interface Kernels {
  conv2d: KernelFunc;
  transpose: KernelFunc;
  batchMatMul: KernelFunc;
  pad: KernelFunc;
  reverse: KernelFunc;
  slice: KernelFunc;
}

function run(kernel: KernelFunc, backend: Backend, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
  return kernel({ inputs, backend: backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

function kernelsOf(): Kernels {
  const get = (name: string): KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`the wasm backend has no ${name} kernel to build gradients from`);
    return k.kernelFunc;
  };
  return {
    conv2d: get('Conv2D'),
    transpose: get('Transpose'),
    batchMatMul: get('BatchMatMul'),
    pad: get('PadV2'),
    reverse: get('Reverse'),
    slice: get('Slice'),
  };
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dW = Σ_{b,oh,ow} x[b, oh·s+i, ow·s+j, c] · dy[b, oh, ow, o], computed as one wasm (XNNPACK)
 * convolution: channels of x become the batch, the batch becomes the channels, and dy is the
 * filter dilated by the stride.
 */
function conv2dBackpropFilter(k: Kernels): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as ConvAttrs & {
      filterShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const b = backend as unknown as Backend;
    const temps: TensorInfo[] = [];
    const keep = (t: TensorInfo) => (temps.push(t), t);
    const { top, bottom, left, right } = info.padInfo;
    const padded =
      top || bottom || left || right
        ? keep(
            run(
              k.pad,
              b,
              { x },
              {
                paddings: [
                  [0, 0],
                  [top, Math.max(0, bottom)],
                  [left, Math.max(0, right)],
                  [0, 0],
                ],
                constantValue: 0,
              },
            ),
          )
        : x;
    const xT = keep(run(k.transpose, b, { x: padded }, { perm: [3, 1, 2, 0] }));
    const dyT = keep(run(k.transpose, b, { x: dy }, { perm: [1, 2, 0, 3] }));
    const conv = keep(
      run(
        k.conv2d,
        b,
        { x: xT, filter: dyT },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
      ),
    );
    const [fh, fw] = filterShape;
    const exact =
      conv.shape[1] === fh && conv.shape[2] === fw
        ? conv
        : keep(run(k.slice, b, { x: conv }, { begin: [0, 0, 0, 0], size: [conv.shape[0], fh, fw, conv.shape[3]] }));
    const result = run(k.transpose, b, { x: exact }, { perm: [1, 2, 0, 3] });
    for (const t of temps) if (t !== x) b.disposeData(t.dataId);
    return result;
  };
}

/**
 * dx for stride 1 as a convolution of the padded dy with the spatially flipped filter whose input
 * and output channels are swapped; other strides use the backend's own kernel.
 */
function conv2dBackpropInput(k: Kernels, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as ConvAttrs & {
      inputShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return fallback(args);
    const b = backend as unknown as Backend;
    const [fh, fw] = filter.shape as [number, number, number, number];
    const padTop = fh - 1 - info.padInfo.top;
    const padLeft = fw - 1 - info.padInfo.left;
    const padBottom = inputShape[1] - info.outHeight - padTop + fh - 1;
    const padRight = inputShape[2] - info.outWidth - padLeft + fw - 1;
    if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) return fallback(args);
    const padded = run(
      k.pad,
      b,
      { x: dy },
      {
        paddings: [
          [0, 0],
          [padTop, padBottom],
          [padLeft, padRight],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const flipped = run(k.reverse, b, { x: filter }, { dims: [0, 1] });
    const swapped = run(k.transpose, b, { x: flipped }, { perm: [0, 1, 3, 2] });
    const result = run(
      k.conv2d,
      b,
      { x: padded, filter: swapped },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
    );
    for (const t of [padded, flipped, swapped]) b.disposeData(t.dataId);
    return result;
  };
}

/** BatchMatMul with transposed operands: transpose explicitly, then the plain (fast) product. */
function batchMatMul(k: Kernels): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b: bIn } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const be = backend as unknown as Backend;
    if (!transposeA && !transposeB) return k.batchMatMul({ inputs, backend, attrs });
    const flip = (t: TensorInfo) => {
      const rank = t.shape.length;
      const perm = Array.from({ length: rank }, (_, i) => i);
      [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1] as number, perm[rank - 2] as number];
      return run(k.transpose, be, { x: t }, { perm });
    };
    const a2 = transposeA ? flip(a) : a;
    const b2 = transposeB ? flip(bIn) : bIn;
    const result = run(k.batchMatMul, be, { a: a2, b: b2 }, { transposeA: false, transposeB: false });
    if (a2 !== a) be.disposeData(a2.dataId);
    if (b2 !== bIn) be.disposeData(b2.dataId);
    return result;
  };
}

let registered = false;

/**
 * Gives the wasm backend the gradient kernels training needs: Conv2DBackpropFilter (missing in
 * tfjs-backend-wasm, so CNNs cannot train), and fast Conv2DBackpropInput and transposed BatchMatMul
 * (slow loops there), all composed from wasm's own XNNPACK kernels, plus max-pool gradients and
 * bias-gradient sums written over the wasm heap. With a kernel pool (tfjs's multi-threaded build),
 * mlgym's own kernels then take over the convolutions, products, pooling and big element-wise
 * operations, each falling back to the kernel registered before it for what it does not cover.
 * Call after the wasm backend is registered; safe to call twice.
 */
export function registerWasmGradientKernels(pool?: KernelPool): void {
  if (registered) return;
  const k = kernelsOf();
  const originalBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc;
  const replace = (config: KernelConfig) => {
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  };
  replace({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter(k) });
  if (originalBackpropInput) {
    replace({
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: conv2dBackpropInput(k, originalBackpropInput),
    });
  }
  replace({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul(k) });
  for (const config of heapKernelConfigs(tf.getKernel('Sum', 'wasm')?.kernelFunc)) replace(config);
  if (pool) {
    const current = (name: string): KernelFunc => {
      const kernel = tf.getKernel(name, 'wasm');
      if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
      return kernel.kernelFunc;
    };
    const matMuls = { batchMatMul: current('BatchMatMul'), fusedMatMul: current('_FusedMatMul') };
    const configs = [
      ...convKernelConfigs(pool),
      ...matMulKernelConfigs(pool, matMuls),
      ...elementwiseKernelConfigs(pool, current),
      ...poolingKernelConfigs(pool, current),
      adamKernelConfig(pool),
    ];
    for (const config of configs) replace(config);
    for (const config of fusedLayerKernelConfigs(pool)) replace(config);
  }
  registered = true;
}
