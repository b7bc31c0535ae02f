import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelPool } from '../backend/kernelPool.js';
import { addressOf, newOutput, parts } from '../backend/wasmTensors.js';

/** The largest split (input values) copied into the heap's table: 32 Mi floats, 128 MiB (wasm memory never shrinks). */
const MAX_TABLE_VALUES = 32 * 1024 * 1024;
/** How long a step waits for the lane's rows before it gathers the batch itself. */
const WAIT_MS = 1_000;

/**
 * Gathers the next training batch's inputs while the current batch trains, on the kernel pool's
 * first worker lane between its jobs, straight into the next batch's tensor on the wasm heap: a
 * step's critical path no longer holds a gather of rows spread over the split (cache misses,
 * ~30 µs of a 0.5 ms MLP step on MNIST). The split's inputs are copied once into a table on the
 * heap. What a batch holds never depends on the prefetch: `take` returns a tensor only for exactly
 * the indices requested, and the caller gathers the batch itself otherwise.
 */
export class BatchPrefetcher {
  /** Batches the lane gathered (tests check the lane did the work). */
  served = 0;
  private pending: { seq: number; indices: readonly number[]; info: TensorInfo } | undefined;
  private readonly indicesAt: number;

  private constructor(
    private readonly pool: KernelPool,
    private readonly table: number,
    private readonly width: number,
    private readonly batch: number,
  ) {
    this.indicesAt = pool.malloc(batch * 4);
  }

  /**
   * A prefetcher over `inputs(i)` (one Float32Array of the same width per sample), or undefined
   * where it cannot gain: no worker lane, a split of few batches, inputs of another kind, a split
   * too large to copy.
   */
  static over(
    pool: KernelPool | undefined,
    count: number,
    inputs: (i: number) => unknown,
    batch: number,
  ): BatchPrefetcher | undefined {
    if (!pool?.gathers || tf.getBackend() !== 'wasm' || count < 4 * batch) return undefined;
    const first = inputs(0);
    if (!(first instanceof Float32Array) || first.length === 0 || count * first.length > MAX_TABLE_VALUES)
      return undefined;
    const width = first.length;
    for (let i = 1; i < count; i++) {
      const x = inputs(i);
      if (!(x instanceof Float32Array) || x.length !== width) return undefined;
    }
    const table = pool.malloc(count * width * 4);
    // The view after malloc, which may have grown the memory.
    const heap = pool.f32();
    for (let i = 0; i < count; i++) heap.set(inputs(i) as Float32Array, (table >> 2) + i * width);
    return new BatchPrefetcher(pool, table, width, batch);
  }

  /** Asks the lane for the inputs of `indices` (the batch after the one being taken), as a [n, width] tensor. */
  request(indices: readonly number[]): void {
    if (this.pending || indices.length === 0 || indices.length > this.batch) return;
    const backend = tf.backend();
    const info = newOutput(backend, [indices.length, this.width]);
    new Int32Array(this.pool.heap.wasmMemory.buffer, this.indicesAt, indices.length).set(indices);
    const seq = this.pool.gather({
      table: this.table,
      width: this.width,
      count: indices.length,
      indices: this.indicesAt,
      dest: addressOf(backend, info),
    });
    this.pending = { seq, indices, info };
  }

  /** The inputs of `indices` as a [n, width] tensor when they were requested; undefined otherwise. */
  take(indices: readonly number[]): tf.Tensor | undefined {
    const p = this.pending;
    if (!p) return undefined;
    this.pending = undefined;
    const ready = this.pool.gathered(p.seq, WAIT_MS);
    if (!ready || !sameIndices(p.indices, indices)) {
      // A lane that did not answer may still write: its tensor is dropped only once it is done.
      if (ready) parts(tf.backend()).disposeData(p.info.dataId);
      return undefined;
    }
    this.served++;
    return tf.engine().makeTensorFromTensorInfo(p.info) as tf.Tensor;
  }

  dispose(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      // A lane that never answered may still read the table: it stays (a leak, not a corruption).
      if (!this.pool.gathered(p.seq, WAIT_MS)) return;
      parts(tf.backend()).disposeData(p.info.dataId);
    }
    this.pool.free(this.table);
    this.pool.free(this.indicesAt);
  }
}

function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
