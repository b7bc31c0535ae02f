import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Kernel ids of a job, as native/mlgym.h numbers them. */
export const Kernel = {
  conv: 1,
  convFilter: 2,
  gemm: 3,
  binary: 4,
  unary: 5,
  sumRows: 6,
  maxPool: 7,
  maxPoolGrad: 8,
  adam: 9,
  peak: 10,
  reduce: 11,
  convFilterByChannels: 12,
  reluBiasGrad: 13,
  winogradConv: 14,
  winogradFilterGrad: 15,
  winogradFilterGradFinish: 16,
} as const;

const kernelNames = new Map(Object.entries(Kernel).map(([name, id]) => [id as number, name]));

/** The WebAssembly API as far as the pool uses it (the project's TypeScript lib has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The functions native/*.c exports (pointers and sizes are wasm i32s). */
export interface KernelExports {
  __stack_pointer: { value: number };
  work(job: number, seq: number): number;
  publish(job: number, seq: number, kernel: number, claims: number): void;
  pack_filter(w: number, k: number, o: number, out: number): void;
  pack_filter_transposed(w: number, kh: number, kw: number, c: number, o: number, out: number): void;
  pack_transposed(src: number, rows: number, cols: number, lds: number, dst: number, ldd: number): void;
  pack_rows(src: number, rows: number, cols: number, lds: number, dst: number, ldd: number): void;
  sum_rows_finish(partial: number, claims: number, c: number, out: number): void;
  wino_filter(w: number, c: number, o: number, transposed: number, out: number): void;
}

/** The part of tfjs-backend-wasm's Emscripten module the pool uses. */
export interface WasmHeap {
  wasmMemory: WasmMemory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** Per lane: the Winograd kernels keep a block's transformed tiles on the stack (up to 512 KiB). */
const STACK_BYTES = 1024 * 1024;
const JOB_BYTES = 256;
/** Int32 words of a background gather (kernelLane.mjs): requested, done, table, width, count, dest, indices. */
const GATHER_BYTES = 32;
const ARGS_OFFSET = 32;
/** Spins of a lane (≈ tens of µs) before it sleeps: steps issue kernels back to back. */
const SPIN = 20_000;

const wasmUrl = new URL('../../wasm/mlgymKernels.wasm', import.meta.url);
const laneUrl = new URL('../../worker/kernelLane.mjs', import.meta.url);

/** A job argument: an int32 (sizes, pointers) or, wrapped, a float32. */
export type Arg = number | { f32: number };

/**
 * mlgym's wasm kernels (native/, built to wasm/mlgymKernels.wasm) on `lanes` threads sharing
 * tfjs's memory: the main thread and lanes − 1 worker threads. A job's claims go to whichever lane
 * takes them first; no claim depends on another's, so the result is the same on any number of
 * lanes and whatever the machine's load does to them.
 */
export class KernelPool {
  private seq = 0;
  private lastKernel = 0;
  /** Jobs run and claims taken, in all and by the main thread (benches report the lanes' shares). */
  readonly counts = { jobs: 0, claims: 0, mainThreadClaims: 0 };
  private zeroPtr = 0;
  private zeroFloats = 0;
  readonly exports: KernelExports;
  readonly heap: WasmHeap;
  /** Threads that take claims: the main thread and the workers. */
  readonly lanes: number;
  private readonly job: number;
  /** Int32 index of the job's failure flag (its first reserved word), set by any lane whose claim traps. */
  private readonly failedAt: number;
  private readonly workers: Worker[];
  /** Address of the background gather's words (0 without a worker lane); see gather(). */
  private readonly gatherAt: number;
  private gatherSeq = 0;

  private constructor(parts: {
    exports: KernelExports;
    heap: WasmHeap;
    job: number;
    gather: number;
    workers: Worker[];
  }) {
    this.exports = parts.exports;
    this.heap = parts.heap;
    this.job = parts.job;
    this.gatherAt = parts.gather;
    this.failedAt = (parts.job >> 2) + 5;
    this.workers = parts.workers;
    this.lanes = parts.workers.length + 1;
  }

  /** Starts the pool on tfjs's (shared) memory; resolves once every lane is ready. */
  static async start(heap: WasmHeap, lanes: number): Promise<KernelPool> {
    const memory = heap.wasmMemory;
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('tfjs runs the single-threaded wasm build');
    const module = await Wasm.compile(readFileSync(fileURLToPath(wasmUrl)));
    const job = heap._malloc(JOB_BYTES);
    new Uint8Array(memory.buffer, job, JOB_BYTES).fill(0);
    const gather = lanes > 1 ? heap._malloc(GATHER_BYTES) : 0;
    if (gather) new Uint8Array(memory.buffer, gather, GATHER_BYTES).fill(0);
    const stackTop = (): number => heap._malloc(STACK_BYTES) + STACK_BYTES;
    const instance = new Wasm.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    exports.__stack_pointer.value = stackTop();
    const workers = await Promise.all(
      Array.from({ length: lanes - 1 }, async (_, lane) => {
        const worker = new Worker(fileURLToPath(laneUrl), {
          // The first worker lane also gathers rows in the background, between jobs.
          workerData: { module, memory, job, stackTop: stackTop(), spin: SPIN, gather: lane === 0 ? gather : 0 },
          // The lane imports nothing: the parent's flags (`--input-type` of `node -e`, loaders) only hinder it.
          execArgv: [],
        });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        });
        // Lanes sleep in Atomics.wait between jobs and end with the process.
        worker.unref();
        return worker;
      }),
    );
    return new KernelPool({ exports, heap, job, gather, workers });
  }

  /** Runs `claims` claims of `kernel` on every lane and returns when all are done. */
  run(kernel: number, claims: number, args: readonly Arg[]): void {
    this.lastKernel = kernel;
    const buffer = this.heap.wasmMemory.buffer;
    const i32 = new Int32Array(buffer);
    const f32 = new Float32Array(buffer);
    const at = (this.job + ARGS_OFFSET) >> 2;
    args.forEach((a, i) => {
      if (typeof a === 'number') i32[at + i] = a;
      else f32[at + i] = a.f32;
    });
    if (Atomics.load(i32, this.failedAt) !== 0) throw this.brokenError();
    this.seq = (this.seq + 1) >>> 0 || 1;
    this.exports.publish(this.job, this.seq, kernel, claims);
    if (claims > 1 && this.lanes > 1) Atomics.notify(i32, (this.job >> 2) + 1);
    const done = (this.job >> 2) + 2;
    let trap: unknown;
    for (;;) {
      // A claim that traps (a kernel bug) still counts as done, so no lane waits for it; the
      // remaining claims are still taken, then the job fails and so does every later one.
      try {
        this.counts.mainThreadClaims += this.exports.work(this.job, this.seq);
        break;
      } catch (error) {
        trap ??= error;
        Atomics.store(i32, this.failedAt, 1);
        Atomics.add(i32, done, 1);
      }
    }
    this.counts.jobs++;
    this.counts.claims += claims;
    for (let spins = 0, d = Atomics.load(i32, done); d !== claims; d = Atomics.load(i32, done)) {
      // The lane that finishes the last claim notifies; until then the main thread has nothing to do.
      if (++spins > 2_000) Atomics.wait(i32, done, d, 5);
    }
    if (trap !== undefined || Atomics.load(i32, this.failedAt) !== 0) throw this.brokenError(trap);
  }

  private brokenError(cause?: unknown): Error {
    return new Error(`mlgym's wasm kernel ${kernelNames.get(this.lastKernel) ?? ''} failed`, { cause });
  }

  /** Whether a worker lane can gather rows in the background (the pool has one). */
  get gathers(): boolean {
    return this.gatherAt !== 0;
  }

  /**
   * Asks the first worker lane to copy rows `indices[i]` (heap address of `count` int32s) of
   * `width` floats from `table` to `dest` (byte addresses), between kernel jobs and without the
   * main thread; returns the request to pass to gathered(). One request at a time.
   */
  gather(rows: { table: number; width: number; count: number; indices: number; dest: number }): number {
    const i32 = new Int32Array(this.heap.wasmMemory.buffer);
    const at = this.gatherAt >> 2;
    i32.set([rows.table, rows.width, rows.count, rows.dest, rows.indices], at + 2);
    this.gatherSeq = (this.gatherSeq + 1) | 0 || 1;
    Atomics.store(i32, at, this.gatherSeq);
    // A lane asleep between jobs waits on the job's sequence word: wake it to look.
    Atomics.notify(i32, (this.job >> 2) + 1);
    return this.gatherSeq;
  }

  /** Waits (at most `timeoutMs`) until gather request `seq` is done; false on timeout. */
  gathered(seq: number, timeoutMs: number): boolean {
    const i32 = new Int32Array(this.heap.wasmMemory.buffer);
    const done = (this.gatherAt >> 2) + 1;
    const deadline = performance.now() + timeoutMs;
    for (let d = Atomics.load(i32, done); d !== seq; d = Atomics.load(i32, done)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(i32, done, d, Math.min(left, 5));
    }
    return true;
  }

  /** Address of at least `floats` zeros (kept for the process; kernels only read it). */
  zeros(floats: number): number {
    if (floats > this.zeroFloats) {
      if (this.zeroPtr) this.heap._free(this.zeroPtr);
      this.zeroFloats = Math.max(floats, 2 * this.zeroFloats, 1024);
      this.zeroPtr = this.heap._malloc(this.zeroFloats * 4);
      new Float32Array(this.heap.wasmMemory.buffer, this.zeroPtr, this.zeroFloats).fill(0);
    }
    return this.zeroPtr;
  }

  malloc(bytes: number): number {
    return this.heap._malloc(bytes);
  }

  free(ptr: number): void {
    this.heap._free(ptr);
  }

  f32(): Float32Array {
    return new Float32Array(this.heap.wasmMemory.buffer);
  }

  /** Stops the worker lanes (tests; a process's pool otherwise lives as long as the process). */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
