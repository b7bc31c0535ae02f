import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, newOutput, sizeOf } from './wasmTensors.js';

/** Below this many elements tfjs's own kernels are as fast; the pool is for the big activations. */
const MIN_ELEMENTS = 16_384;
const PER_CLAIM = 16_384;

const Op = { add: 0, sub: 1, mul: 2, div: 3, mulStep: 4 } as const;
const Broadcast = { none: 0, bScalar: 1, aScalar: 2, bRow: 3, aRow: 4 } as const;

const withoutLeadingOnes = (shape: readonly number[]) => {
  const s = [...shape];
  while (s.length > 0 && s[0] === 1) s.shift();
  return s;
};

/** Whether `small` repeats along the leading axes of `full` (a bias over the last axes). */
function isTrailing(small: readonly number[], full: readonly number[]): boolean {
  const s = withoutLeadingOnes(small);
  if (s.length === 0 || s.length > full.length) return false;
  return s.every((d, i) => d === full[full.length - s.length + i]);
}

/** How the native kernel walks a and b to fill out (n elements): [mode, row length], or undefined. */
function broadcastOf(
  sizes: { a: number; b: number; out: number },
  shapes: { a: readonly number[]; b: readonly number[]; out: readonly number[] },
): [number, number] | undefined {
  const { a: na, b: nb, out: n } = sizes;
  if (na === n && nb === n) return [Broadcast.none, 1];
  if (na === n && nb === 1) return [Broadcast.bScalar, 1];
  if (nb === n && na === 1) return [Broadcast.aScalar, 1];
  if (na === n && isTrailing(shapes.b, shapes.out)) return [Broadcast.bRow, nb];
  if (nb === n && isTrailing(shapes.a, shapes.out)) return [Broadcast.aRow, na];
  return undefined;
}

function binary(pool: KernelPool, op: number, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = sizeOf(shape);
    if (n < MIN_ELEMENTS) return original(args);
    const na = sizeOf(a.shape);
    const nb = sizeOf(b.shape);
    const [mode, row] = broadcastOf({ a: na, b: nb, out: n }, { a: a.shape, b: b.shape, out: shape }) ?? [];
    if (mode === undefined || row === undefined) return original(args);
    const out = newOutput(backend, shape);
    const perClaim = Math.ceil(PER_CLAIM / row) * row;
    pool.run(Kernel.binary, Math.ceil(n / perClaim), [
      addressOf(backend, a),
      addressOf(backend, b),
      addressOf(backend, out),
      op,
      n,
      mode,
      row,
      perClaim,
    ]);
    return out;
  };
}

function unary(pool: KernelPool, op: number, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const n = sizeOf(x.shape);
    if (x.dtype !== 'float32' || n < MIN_ELEMENTS) return original(args);
    const out = newOutput(backend, x.shape);
    const alpha = (attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    pool.run(Kernel.unary, Math.ceil(n / PER_CLAIM), [
      addressOf(backend, x),
      addressOf(backend, out),
      op,
      n,
      PER_CLAIM,
      { f32: alpha },
    ]);
    return out;
  };
}

/**
 * Sum over leading axes (bias gradients: [batch, h, w, channels] → [channels]) in float64: blocks
 * of rows summed on the lanes, the blocks' sums added in order. Other reductions go to tfjs.
 */
function sumLeadingAxes(pool: KernelPool, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return original(args);
    const rest = x.shape.slice(axes.length);
    const C = sizeOf(rest);
    const R = sizeOf(x.shape.slice(0, axes.length));
    const rowsPerClaim = Math.max(1, Math.ceil(PER_CLAIM / C));
    const claims = Math.ceil(R / rowsPerClaim);
    const out = newOutput(backend, keepDims ? [...axes.map(() => 1), ...rest] : rest);
    const partial = pool.malloc(claims * C * 8);
    try {
      pool.run(Kernel.sumRows, claims, [addressOf(backend, x), partial, R, C, rowsPerClaim]);
      pool.exports.sum_rows_finish(partial, claims, C, addressOf(backend, out));
    } finally {
      pool.free(partial);
    }
    return out;
  };
}

/**
 * Identity (and Cast to the same dtype) as tfjs's cpu backend has it: the output shares the
 * input's data (tensors are immutable). tfjs's wasm kernel copies, and under a gradient tape every
 * tensor a gradient needs is cloned through it: about 30 copies of activations per training step.
 */
function share(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const dtype = (attrs as { dtype?: string } | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return original(args);
    (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Add, Sub, Multiply, RealDiv, Relu, Step and leading-axes Sum on the pool, for float32 tensors big enough to share. */
export function elementwiseKernelConfigs(pool: KernelPool, original: (name: string) => KernelFunc): KernelConfig[] {
  const config = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc,
  });
  return [
    config('Add', binary(pool, Op.add, original('Add'))),
    config('Sub', binary(pool, Op.sub, original('Sub'))),
    config('Multiply', binary(pool, Op.mul, original('Multiply'))),
    config('RealDiv', binary(pool, Op.div, original('RealDiv'))),
    config('Relu', unary(pool, 0, original('Relu'))),
    config('Step', unary(pool, 1, original('Step'))),
    config('Sum', sumLeadingAxes(pool, original('Sum'))),
    config('Identity', share(original('Identity'))),
    config('Cast', share(original('Cast'))),
  ];
}

export { Op };
