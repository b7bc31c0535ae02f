import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, claimsFor, newOutput, sizeOf } from './wasmTensors.js';

interface Plan {
  a: number;
  b: number;
  M: number;
  N: number;
  K: number;
  lda: number;
  ldb: number;
  aT: boolean;
  cT: boolean;
  biasAlongM: boolean;
  sa: number;
  sb: number;
}

/**
 * C[batch] = op(A)·op(B) (+ bias along N, relu) for float32 tensors of rank ≥ 2 whose batch
 * dimensions are equal or one of them 1. The native kernel reads B eight columns at a time from
 * contiguous rows, so B (or, for Bᵀ, the smaller of the two operands) is packed when it is not
 * laid out that way; Bᵀ is computed as (B·Aᵀ)ᵀ with a transposed store.
 */
function matMul(pool: KernelPool, original: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
    const A = a!;
    const B = b!;
    const ra = A.shape.length;
    const rb = B.shape.length;
    const M = A.shape[attrs.transposeA ? ra - 1 : ra - 2] as number;
    const K = A.shape[attrs.transposeA ? ra - 2 : ra - 1] as number;
    const N = B.shape[attrs.transposeB ? rb - 2 : rb - 1] as number;
    const aBatch = sizeOf(A.shape.slice(0, -2));
    const bBatch = sizeOf(B.shape.slice(0, -2));
    const batch = Math.max(aBatch, bBatch);
    const supported =
      A.dtype === 'float32' &&
      B.dtype === 'float32' &&
      ra >= 2 &&
      rb >= 2 &&
      (aBatch === bBatch || aBatch === 1 || bBatch === 1) &&
      !preluActivationWeights &&
      (activation === 'linear' || activation === 'relu') &&
      (!bias || (bias.shape.length === 1 && bias.shape[0] === N)) &&
      M > 0 &&
      N > 0 &&
      K > 0;
    if (!supported) return original(args);
    const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
    if (sizeOf(outBatch) !== batch) return original(args);
    const out = newOutput(backend, [...outBatch, M, N]);
    const scratch: number[] = [];
    const alloc = (floats: number) => {
      const p = pool.malloc(floats * 4);
      scratch.push(p);
      return p;
    };
    const pa = addressOf(backend, A);
    const pb = addressOf(backend, B);
    const strideA = aBatch === 1 ? 0 : M * K;
    const strideB = bBatch === 1 ? 0 : K * N;
    const round8 = (n: number) => Math.ceil(n / 8) * 8;
    try {
      let plan: Plan;
      if (!attrs.transposeB) {
        // B rows are contiguous in n; pad them to whole panels when N is not a multiple of 8.
        let b2 = pb;
        let ldb = N;
        let sb = strideB;
        if (N % 8 !== 0) {
          ldb = round8(N);
          sb = bBatch === 1 ? 0 : K * ldb;
          b2 = alloc(bBatch * K * ldb);
          for (let i = 0; i < bBatch; i++)
            pool.exports.pack_rows(pb + i * K * N * 4, K, N, N, b2 + i * K * ldb * 4, ldb);
        }
        plan = {
          a: pa,
          b: b2,
          M,
          N,
          K,
          lda: attrs.transposeA ? M : K,
          ldb,
          aT: attrs.transposeA,
          cT: false,
          biasAlongM: false,
          sa: strideA,
          sb,
        };
      } else if (attrs.transposeA || M <= N) {
        // (B·Aᵀ)ᵀ: B's rows [N][K] are the new A; A becomes the new B, packed unless Aᵀ is stored.
        let b2: number;
        let ldb: number;
        let sb: number;
        if (attrs.transposeA && M % 8 === 0) {
          b2 = pa;
          ldb = M;
          sb = strideA;
        } else {
          ldb = round8(M);
          sb = aBatch === 1 ? 0 : K * ldb;
          b2 = alloc(aBatch * K * ldb);
          for (let i = 0; i < aBatch; i++) {
            const src = pa + i * M * K * 4;
            const dst = b2 + i * K * ldb * 4;
            if (attrs.transposeA) pool.exports.pack_rows(src, K, M, M, dst, ldb);
            else pool.exports.pack_transposed(src, M, K, K, dst, ldb);
          }
        }
        plan = { a: pb, b: b2, M: N, N: M, K, lda: K, ldb, aT: false, cT: true, biasAlongM: true, sa: strideB, sb };
      } else {
        // Bᵀ packed into rows [K][N].
        const ldb = round8(N);
        const b2 = alloc(bBatch * K * ldb);
        for (let i = 0; i < bBatch; i++)
          pool.exports.pack_transposed(pb + i * K * N * 4, N, K, K, b2 + i * K * ldb * 4, ldb);
        plan = {
          a: pa,
          b: b2,
          M,
          N,
          K,
          lda: K,
          ldb,
          aT: false,
          cT: false,
          biasAlongM: false,
          sa: strideA,
          sb: bBatch === 1 ? 0 : K * ldb,
        };
      }
      gemm(pool, plan, {
        batch,
        c: addressOf(backend, out),
        bias: bias ? addressOf(backend, bias) : 0,
        relu: activation === 'relu',
      });
      return out;
    } finally {
      for (const p of scratch) pool.free(p);
    }
  };
}

function gemm(pool: KernelPool, p: Plan, out: { batch: number; c: number; bias: number; relu: boolean }): void {
  const { batch, c, bias, relu } = out;
  const mt = Math.ceil(p.M / 4);
  const nt = Math.ceil(p.N / 8);
  const wanted = Math.ceil(claimsFor(batch * mt * nt, p.K * 32) / batch);
  const claimsM = Math.min(mt, wanted);
  const tilesM = Math.ceil(mt / claimsM);
  const claimsN = Math.min(nt, Math.ceil(wanted / Math.ceil(mt / tilesM)));
  const tilesN = Math.ceil(nt / claimsN);
  const claims = batch * Math.ceil(mt / tilesM) * Math.ceil(nt / tilesN);
  // Long sums are visited in chunks of k, so a claim's slices of A and B stay in cache across its tiles.
  const kc = !p.cT && p.N % 8 === 0 && p.K > 1024 ? 512 : p.K;
  pool.run(Kernel.gemm, claims, [
    p.a,
    p.b,
    c,
    bias,
    p.M,
    p.N,
    p.K,
    p.lda,
    p.ldb,
    p.cT ? p.M : p.N,
    p.aT ? 1 : 0,
    p.cT ? 1 : 0,
    relu ? 1 : 0,
    p.biasAlongM ? 1 : 0,
    batch,
    p.sa,
    p.sb,
    p.M * p.N,
    tilesM,
    tilesN,
    kc,
  ]);
}

/** BatchMatMul and _FusedMatMul (bias, relu) on the pool; other cases go to tfjs's kernels. */
export function matMulKernelConfigs(
  pool: KernelPool,
  originals: { batchMatMul: KernelFunc; fusedMatMul: KernelFunc },
): KernelConfig[] {
  return [
    { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: matMul(pool, originals.batchMatMul, false) },
    { kernelName: '_FusedMatMul', backendName: 'wasm', kernelFunc: matMul(pool, originals.fusedMatMul, true) },
  ];
}
