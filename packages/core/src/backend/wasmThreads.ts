import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** Most lanes (and XNNPACK threads, whose pool in tfjs-backend-wasm holds this many) a process uses. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads for the wasm backend: `MLGYM_THREADS` when set (the process pool sets it to each lane's
 * share of the cores), else every core of the machine.
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env['MLGYM_THREADS']);
  const n = Number.isInteger(asked) && asked > 0 ? asked : os.availableParallelism();
  return Math.max(1, Math.min(MAX_WASM_THREADS, n));
}

const bootstrap = fileURLToPath(new URL('../../worker/wasmPthread.cjs', import.meta.url));

function threadedBuildPresent(): boolean {
  try {
    const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    const out = join(dirname(main), '..', 'wasm-out');
    return (
      existsSync(bootstrap) &&
      existsSync(join(out, 'tfjs-backend-wasm-threaded-simd.js')) &&
      existsSync(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'))
    );
  } catch {
    return false;
  }
}

/**
 * Prepares tfjs-backend-wasm to start its multi-threaded build in Node, which it ships but turns
 * off there (tfjs issue 3830): its pthreads are started from a Blob URL that Node's worker_threads
 * cannot load, and XNNPACK takes half the logical cores, assuming hyper-threads. While the backend
 * initialises, Blob URLs resolve to a bootstrap file that loads the pthread code from the package,
 * and the core count reads as twice the threads wanted. Call right before `tf.setBackend('wasm')`
 * and call the returned function once it settles. The threaded build is chosen for one thread too:
 * its memory is shared, which mlgym's kernel pool needs. Returns undefined (nothing changed) when
 * the package lacks the threaded build.
 */
export function prepareWasmThreads(setThreadsCount: (n: number) => void, threads: number): (() => void) | undefined {
  if (!threadedBuildPresent()) return undefined;
  const { createObjectURL } = URL;
  const { cpus } = os;
  URL.createObjectURL = () => bootstrap;
  os.cpus = () => {
    const real = cpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length] as os.CpuInfo);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  return () => {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  };
}

interface PthreadRuntime {
  wasm?: { PThread?: { runningWorkers?: Array<{ unref?: () => void }> } };
}

/**
 * XNNPACK's pool threads live as long as the process and Emscripten keeps them referenced, which
 * would hold Node open after the work is done; unreferenced, they end with the process.
 */
export function releasePthreads(backend: unknown): void {
  for (const worker of (backend as PthreadRuntime).wasm?.PThread?.runningWorkers ?? []) worker.unref?.();
}
