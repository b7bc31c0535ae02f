import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, newOutput } from './wasmTensors.js';

/** Taps per window the native kernels keep (MAX_POOL_TAPS in native/pool.c). */
const MAX_TAPS = 256;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolArgs(shape: number[], attrs: PoolAttrs) {
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    info,
    geometry: [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.dilationHeight,
      info.dilationWidth,
      info.padInfo.top,
      info.padInfo.left,
    ],
  };
}

/** Max-pool: each window's first strict maximum (as on tfjs's cpu backend), claims of output rows. */
function maxPool(pool: KernelPool, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    if (x.dtype !== 'float32' || x.shape.length !== 4) return original(args);
    const { info, geometry } = poolArgs(x.shape, args.attrs as unknown as PoolAttrs);
    if (info.filterHeight * info.filterWidth > MAX_TAPS) return original(args);
    const y = newOutput(backend, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
    const rows = info.batchSize * info.outHeight;
    const perClaim = Math.max(1, Math.ceil(rows / 64));
    pool.run(Kernel.maxPool, Math.ceil(rows / perClaim), [
      addressOf(backend, x),
      addressOf(backend, y),
      0,
      0,
      ...geometry,
      perClaim,
    ]);
    return y;
  };
}

/** Max-pool gradient: dy goes to each window's first maximum; claims of whole images (windows may overlap). */
function maxPoolGrad(pool: KernelPool, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { info, geometry } = poolArgs(input.shape, args.attrs as unknown as PoolAttrs);
    if (info.filterHeight * info.filterWidth > MAX_TAPS) return original(args);
    const dx = newOutput(backend, input.shape);
    const perClaim = Math.max(1, Math.ceil(info.batchSize / 64));
    pool.run(Kernel.maxPoolGrad, Math.ceil(info.batchSize / perClaim), [
      addressOf(backend, input),
      0,
      addressOf(backend, dy),
      addressOf(backend, dx),
      ...geometry,
      perClaim,
    ]);
    return dx;
  };
}

export function poolingKernelConfigs(pool: KernelPool, original: (name: string) => KernelFunc): KernelConfig[] {
  return [
    { kernelName: 'MaxPool', backendName: 'wasm', kernelFunc: maxPool(pool, original('MaxPool')) },
    { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad(pool, original('MaxPoolGrad')) },
  ];
}
