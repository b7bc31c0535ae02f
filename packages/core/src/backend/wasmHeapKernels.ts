import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's backend these kernels use: outputs and views on the wasm heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const heap = (backend: unknown, t: TensorInfo) => (backend as HeapBackend).typedArrayFromHeap(t) as Float32Array;

/**
 * Max-pool gradient as a JS loop over the wasm heap: each window's first maximum (as tfjs's cpu
 * backend picks it) receives the window's dy. The wasm backend's own kernel is a single-threaded
 * C++ loop that took ~50 ms per step on the example CNN; this one takes a few.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dx = (backend as unknown as HeapBackend).makeOutput(input.shape, 'float32');
  const x = heap(backend, input);
  const g = heap(backend, dy);
  const out = heap(backend, dx);
  out.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - info.padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = ow * strideWidth - info.padInfo.left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let fr = 0; fr < effectiveFilterHeight; fr += dilationHeight) {
          const r = r0 + fr;
          if (r < 0 || r >= inHeight) continue;
          for (let fc = 0; fc < effectiveFilterWidth; fc += dilationWidth) {
            const c = c0 + fc;
            if (c < 0 || c >= inWidth) continue;
            const base = ((b * inHeight + r) * inWidth + c) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = x[base + ch] as number;
              if (v > (best[ch] as number)) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * C;
        for (let ch = 0; ch < C; ch++) {
          const at = where[ch] as number;
          if (at >= 0) out[at] = (out[at] as number) + (g[dyBase + ch] as number);
        }
      }
    }
  }
  return dx;
};

/**
 * Sum over leading axes (bias gradients: [batch, h, w, channels] → [channels]) as one pass over
 * the heap with float64 accumulators; the wasm kernel transposes the input first. Other
 * reductions go to the backend's own kernel.
 */
export function sumLeadingAxes(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return fallback(args);
    const rest = x.shape.slice(axes.length);
    const C = rest.reduce((n, d) => n * d, 1);
    const R = x.shape.slice(0, axes.length).reduce((n, d) => n * d, 1);
    const shape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
    const result = (backend as unknown as HeapBackend).makeOutput(shape, 'float32');
    const src = heap(backend, x);
    const acc = new Float64Array(C);
    for (let r = 0; r < R; r++) {
      const base = r * C;
      for (let c = 0; c < C; c++) acc[c] = (acc[c] as number) + (src[base + c] as number);
    }
    heap(backend, result).set(acc);
    return result;
  };
}

/** Kernel configs to register for the wasm backend (see registerWasmGradientKernels). */
export function heapKernelConfigs(originalSum: KernelFunc | undefined): KernelConfig[] {
  const configs: KernelConfig[] = [{ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad }];
  if (originalSum) configs.push({ kernelName: 'Sum', backendName: 'wasm', kernelFunc: sumLeadingAxes(originalSum) });
  return configs;
}
