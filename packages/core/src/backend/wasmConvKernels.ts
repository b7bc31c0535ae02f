import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, claimsFor, newOutput } from './wasmTensors.js';
import { winogradConvolve, winogradFilterGradient, winogradFits } from './wasmWinogradConv.js';

/** Taps per output tile the native kernel keeps (MAXSEG in native/conv.c). */
const MAX_TAPS = 128;
/** Blocks of output rows the filter gradient is summed in (partial filters, added in order). */
const MAX_PARTIALS = 16;

interface Geometry {
  B: number;
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  O: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pt: number;
  pl: number;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function geometry(
  xShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
  dilations: number | [number, number] = 1,
): Geometry | undefined {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.filterHeight * info.filterWidth > MAX_TAPS) return undefined;
  return {
    B: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    O: info.outChannels,
    KH: info.filterHeight,
    KW: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
}

/**
 * y = conv(x, w) (+ bias, relu) where w is already packed in panels; `ih`/`iw` dilate the input
 * (the stride of the forward convolution when this computes its input gradient).
 */
function convolve(
  pool: KernelPool,
  g: Geometry,
  ptrs: { x: number; w: number; bias: number; y: number },
  options: { inputDilation: [number, number]; relu: boolean },
): void {
  const { inputDilation, relu } = options;
  const M = g.B * g.OH * g.OW;
  const tiles = Math.ceil(M / 4);
  const panels = Math.ceil(g.O / 8);
  const claims = claimsFor(tiles, g.KH * g.KW * g.C * panels * 32);
  const tilesPerClaim = Math.ceil(tiles / claims);
  const zeros = pool.zeros(g.KW * g.C);
  pool.run(Kernel.conv, Math.ceil(tiles / tilesPerClaim), [
    ptrs.x,
    ptrs.w,
    ptrs.bias,
    ptrs.y,
    zeros,
    g.B,
    g.H,
    g.W,
    g.C,
    g.OH,
    g.OW,
    g.O,
    g.KH,
    g.KW,
    g.sh,
    g.sw,
    g.dh,
    g.dw,
    g.pt,
    g.pl,
    inputDilation[0],
    inputDilation[1],
    relu ? 1 : 0,
    tilesPerClaim,
  ]);
}

function forward(pool: KernelPool, original: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
    const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
    const g = geometry(x!.shape, filter!.shape, attrs, attrs.dilations);
    const plainBias = !bias || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]);
    if (!g || preluActivationWeights || !plainBias || (activation !== 'linear' && activation !== 'relu')) {
      return original(args);
    }
    if (winogradFits(g, g.C, g.O)) {
      const y = newOutput(backend, [g.B, g.OH, g.OW, g.O]);
      winogradConvolve(
        pool,
        { B: g.B, H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, N: g.O, pt: g.pt, pl: g.pl },
        {
          x: addressOf(backend, x!),
          filter: addressOf(backend, filter!),
          bias: bias ? addressOf(backend, bias) : 0,
          y: addressOf(backend, y),
        },
        { transposed: false, relu: activation === 'relu' },
      );
      return y;
    }
    const K = g.KH * g.KW * g.C;
    const packed = pool.malloc(Math.ceil(g.O / 8) * K * 8 * 4);
    try {
      pool.exports.pack_filter(addressOf(backend, filter!), K, g.O, packed);
      const y = newOutput(backend, [g.B, g.OH, g.OW, g.O]);
      const b = bias ? addressOf(backend, bias) : 0;
      convolve(
        pool,
        g,
        { x: addressOf(backend, x!), w: packed, bias: b, y: addressOf(backend, y) },
        { inputDilation: [1, 1], relu: activation === 'relu' },
      );
      return y;
    } finally {
      pool.free(packed);
    }
  };
}

/** dx as the transposed convolution: dy dilated by the stride, the filter flipped with its channels swapped. */
function backpropInput(pool: KernelPool, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const g = geometry(attrs.inputShape, filter.shape, attrs);
    if (!g) return original(args);
    const transposed: Geometry = {
      B: g.B,
      H: g.OH,
      W: g.OW,
      C: g.O,
      OH: g.H,
      OW: g.W,
      O: g.C,
      KH: g.KH,
      KW: g.KW,
      sh: 1,
      sw: 1,
      dh: g.dh,
      dw: g.dw,
      pt: (g.KH - 1) * g.dh - g.pt,
      pl: (g.KW - 1) * g.dw - g.pl,
    };
    if (winogradFits(g, g.O, g.C)) {
      const dx = newOutput(backend, [g.B, g.H, g.W, g.C]);
      winogradConvolve(
        pool,
        { B: g.B, H: g.OH, W: g.OW, C: g.O, OH: g.H, OW: g.W, N: g.C, pt: transposed.pt, pl: transposed.pl },
        { x: addressOf(backend, dy), filter: addressOf(backend, filter), bias: 0, y: addressOf(backend, dx) },
        { transposed: true, relu: false },
      );
      return dx;
    }
    const packed = pool.malloc(Math.ceil(g.C / 8) * g.KH * g.KW * g.O * 8 * 4);
    try {
      pool.exports.pack_filter_transposed(addressOf(backend, filter), g.KH, g.KW, g.C, g.O, packed);
      const dx = newOutput(backend, [g.B, g.H, g.W, g.C]);
      convolve(
        pool,
        transposed,
        { x: addressOf(backend, dy), w: packed, bias: 0, y: addressOf(backend, dx) },
        { inputDilation: [g.sh, g.sw], relu: false },
      );
      return dx;
    } finally {
      pool.free(packed);
    }
  };
}

/**
 * dW[tap, c, o] = Σ over output pixels of x(pixel, tap, c) · dy(pixel, o): each claim sums one block
 * of output rows into its own partial filter, and the partials are added in block order, so the sum
 * has one order whatever the lanes do.
 */
function backpropFilter(pool: KernelPool, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const g = geometry(x.shape, attrs.filterShape, attrs);
    if (!g) return original(args);
    if (winogradFits(g, g.C, g.O)) {
      const dw = newOutput(backend, attrs.filterShape);
      winogradFilterGradient(
        pool,
        { B: g.B, H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, N: g.O, pt: g.pt, pl: g.pl },
        { x: addressOf(backend, x), dy: addressOf(backend, dy), dw: addressOf(backend, dw) },
      );
      return dw;
    }
    const K = g.KH * g.KW * g.C;
    const outRows = g.B * g.OH;
    // Channels in whole groups of 8: tiles of 8 channels × 4 outputs, partials stored transposed.
    const byChannels = g.C % 8 === 0;
    const rows = byChannels ? K : Math.ceil(K / 4) * 4;
    const ld = byChannels ? Math.ceil(g.O / 4) * 4 : Math.ceil(g.O / 8) * 8;
    const rowsPerClaim = Math.ceil(outRows / Math.min(MAX_PARTIALS, claimsFor(outRows, g.OW * rows * ld)));
    const claims = Math.ceil(outRows / rowsPerClaim);
    const pixels = outRows * g.OW;
    const padded = byChannels || g.O % 8 === 0 ? 0 : pool.malloc(pixels * ld * 4);
    const partial = pool.malloc(claims * rows * ld * 4);
    try {
      if (padded) pool.exports.pack_rows(addressOf(backend, dy), pixels, g.O, g.O, padded, ld);
      const dw = newOutput(backend, attrs.filterShape);
      pool.run(byChannels ? Kernel.convFilterByChannels : Kernel.convFilter, claims, [
        addressOf(backend, x),
        padded || addressOf(backend, dy),
        partial,
        0,
        g.B,
        g.H,
        g.W,
        g.C,
        g.OH,
        g.OW,
        g.O,
        g.KH,
        g.KW,
        g.sh,
        g.sw,
        g.dh,
        g.dw,
        g.pt,
        g.pl,
        padded ? ld : g.O,
        rowsPerClaim,
      ]);
      const reduceRows = Math.max(1, Math.ceil(K / 32));
      pool.run(Kernel.reduce, Math.ceil(K / reduceRows), [
        partial,
        addressOf(backend, dw),
        claims,
        K,
        ld,
        g.O,
        reduceRows,
        byChannels ? 1 : 0,
      ]);
      return dw;
    } finally {
      pool.free(partial);
      if (padded) pool.free(padded);
    }
  };
}

/** Conv2D, FusedConv2D and both gradients on the pool, each falling back to tfjs's own kernel for what it does not cover. */
export function convKernelConfigs(pool: KernelPool): KernelConfig[] {
  const original = (name: string): KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`the wasm backend has no ${name} kernel`);
    return k.kernelFunc;
  };
  return [
    { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: forward(pool, original('Conv2D'), false) },
    { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc: forward(pool, original('FusedConv2D'), true) },
    {
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: backpropInput(pool, original('Conv2DBackpropInput')),
    },
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: backpropFilter(pool, original('Conv2DBackpropFilter')),
    },
  ];
}
