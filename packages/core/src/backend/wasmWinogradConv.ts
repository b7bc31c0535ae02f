import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { claimsFor } from './wasmTensors.js';

/** Output tiles per block of the native kernel (WT in native/winograd.c), and its channel limit (WMAXC). */
const TILES_PER_BLOCK = 16;
const MAX_CHANNELS = 128;

/** The shape of a 3×3, stride-1 convolution the Winograd kernel can take. */
export interface WinogradShape {
  B: number;
  H: number;
  W: number;
  /** Input channels (a multiple of 4). */
  C: number;
  OH: number;
  OW: number;
  /** Output channels (a multiple of 8). */
  N: number;
  pt: number;
  pl: number;
}

/**
 * Whether F(2×2, 3×3) applies: a 3×3 window at stride and dilation 1, channel counts the native
 * kernel's vectors and stack take, and enough input channels that the 16 products per tile cost
 * more than the transforms around them.
 */
export function winogradFits(
  k: { KH: number; KW: number; sh: number; sw: number; dh: number; dw: number },
  C: number,
  N: number,
): boolean {
  return (
    enabled &&
    k.KH === 3 &&
    k.KW === 3 &&
    k.sh === 1 &&
    k.sw === 1 &&
    k.dh === 1 &&
    k.dw === 1 &&
    C >= 8 &&
    C % 4 === 0 &&
    N % 8 === 0 &&
    C <= MAX_CHANNELS &&
    N <= MAX_CHANNELS
  );
}

/**
 * y = conv(x, w) (+ bias, relu) by Winograd's F(2×2, 3×3). `filter` is tfjs's [3, 3, C, O];
 * `transposed` convolves with the input gradient's filter (taps flipped, channels swapped), so then
 * s.C is the forward O and s.N the forward C.
 */
export function winogradConvolve(
  pool: KernelPool,
  s: WinogradShape,
  ptrs: { x: number; filter: number; bias: number; y: number },
  options: { transposed: boolean; relu: boolean },
): void {
  const u = pool.malloc(16 * s.C * s.N * 4);
  try {
    const [fc, fo] = options.transposed ? [s.N, s.C] : [s.C, s.N];
    pool.exports.wino_filter(ptrs.filter, fc, fo, options.transposed ? 1 : 0, u);
    const tiles = s.B * Math.ceil(s.OH / 2) * Math.ceil(s.OW / 2);
    const blocks = Math.ceil(tiles / TILES_PER_BLOCK);
    const claims = claimsFor(blocks, TILES_PER_BLOCK * 16 * s.C * s.N);
    const blocksPerClaim = Math.ceil(blocks / claims);
    pool.run(Kernel.winogradConv, Math.ceil(blocks / blocksPerClaim), [
      ptrs.x,
      u,
      ptrs.bias,
      ptrs.y,
      pool.zeros(s.C),
      s.B,
      s.H,
      s.W,
      s.C,
      s.OH,
      s.OW,
      s.N,
      s.pt,
      s.pl,
      options.relu ? 1 : 0,
      blocksPerClaim,
    ]);
  } finally {
    pool.free(u);
  }
}

/** Tiles per block of the filter gradient (WF in native/winograd.c) and its most partial sums. */
const GRAD_TILES_PER_BLOCK = 32;
const MAX_PARTIALS = 16;

/**
 * dW of a 3×3, stride-1 convolution by F(3×3, 2×2): claims sum runs of output tiles into partials
 * in the transformed domain, a second job adds them in order and transforms back. `s.N` is the
 * output channels; x is [B, H, W, C] and dy [B, OH, OW, N].
 */
export function winogradFilterGradient(
  pool: KernelPool,
  s: WinogradShape,
  ptrs: { x: number; dy: number; dw: number },
): void {
  const tiles = s.B * Math.ceil(s.OH / 2) * Math.ceil(s.OW / 2);
  const blocks = Math.ceil(tiles / GRAD_TILES_PER_BLOCK);
  const partials = Math.min(MAX_PARTIALS, claimsFor(blocks, GRAD_TILES_PER_BLOCK * 16 * s.C * s.N));
  const blocksPerClaim = Math.ceil(blocks / partials);
  const claims = Math.ceil(blocks / blocksPerClaim);
  const partial = pool.malloc(claims * 16 * s.C * s.N * 4);
  try {
    pool.run(Kernel.winogradFilterGrad, claims, [
      ptrs.x,
      ptrs.dy,
      partial,
      pool.zeros(s.C),
      s.B,
      s.H,
      s.W,
      s.C,
      s.OH,
      s.OW,
      s.N,
      s.pt,
      s.pl,
      blocksPerClaim,
    ]);
    const rowsPerClaim = Math.max(1, Math.ceil(s.C / 16));
    pool.run(Kernel.winogradFilterGradFinish, Math.ceil(s.C / rowsPerClaim), [
      partial,
      ptrs.dw,
      claims,
      s.C,
      s.N,
      rowsPerClaim,
    ]);
  } finally {
    pool.free(partial);
  }
}

let enabled = true;

/** Turns the Winograd kernels off (benches compare them with the direct kernels in one process). */
export function useWinograd(on: boolean): void {
  enabled = on;
}

export const winogradEnabled = (): boolean => enabled;
