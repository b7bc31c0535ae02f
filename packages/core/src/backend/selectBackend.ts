import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { Backend } from '@mlgym/protocol';
import { installFusedAdam } from './fusedAdam.js';
import { installFusedLayers } from './fusedLayers.js';
import { KernelPool } from './kernelPool.js';
import type { WasmHeap } from './kernelPool.js';
import { registerWasmGradientKernels } from './wasmGradientKernels.js';
import { prepareWasmThreads, releasePthreads, wantedWasmThreads } from './wasmThreads.js';

/** Which backend runs an experiment; stored with every experiment's environment record. */
export interface BackendRecord {
  backend: 'tensorflow' | 'wasm' | 'cpu';
  package: string;
  version: string;
  threads: number;
  simd: boolean;
  /** Whose kernels run the convolutions and products: mlgym's (native/, on its own lanes) or tfjs's XNNPACK. */
  kernels?: 'mlgym' | 'xnnpack';
}

/** `MLGYM_WASM_KERNELS=xnnpack` keeps tfjs's own kernels (and XNNPACK's thread pool), for comparisons. */
const ownKernelsWanted = (env: NodeJS.ProcessEnv = process.env) => env['MLGYM_WASM_KERNELS'] !== 'xnnpack';

async function tryNative(): Promise<BackendRecord | undefined> {
  // Optional: tfjs-node(-gpu) cannot be a hard dependency (its install downloads libtensorflow).
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const mod = (await import(/* @vite-ignore */ pkg)) as { version?: Record<string, string> };
      if (await tf.setBackend('tensorflow')) {
        return {
          backend: 'tensorflow',
          package: pkg,
          version: mod.version?.['tfjs-node'] ?? tf.version.tfjs,
          threads: 0,
          simd: true,
        };
      }
    } catch {
      // not installed
    }
  }
  return undefined;
}

async function tryWasm(): Promise<BackendRecord | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const lanes = wantedWasmThreads();
    const own = ownKernelsWanted();
    // With mlgym's lanes running the heavy kernels, XNNPACK's pool stays at one thread: its workers
    // spin after each operation and would take the cores from the lanes.
    const restore = prepareWasmThreads(wasm.setThreadsCount, own ? 1 : lanes);
    try {
      if (!(await tf.setBackend('wasm'))) return undefined;
      await tf.ready();
    } finally {
      restore?.();
    }
    if (restore) releasePthreads(tf.backend());
    const heap = (tf.backend() as unknown as { wasm: WasmHeap }).wasm;
    const pool = restore && own ? await KernelPool.start(heap, lanes).catch(() => undefined) : undefined;
    kernelPool = pool;
    registerWasmGradientKernels(pool);
    if (pool) {
      installFusedAdam();
      installFusedLayers();
    }
    return {
      backend: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      version: wasm.version_wasm,
      threads: pool ? pool.lanes : wasm.getThreadsCount(),
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      kernels: pool ? 'mlgym' : 'xnnpack',
    };
  } catch {
    return undefined;
  }
}

let current: BackendRecord | undefined;
let kernelPool: KernelPool | undefined;

/** The lanes running mlgym's wasm kernels, once `selectBackend` has started them (benches measure with it). */
export function currentKernelPool(): KernelPool | undefined {
  return kernelPool;
}

/**
 * Activates a compute backend. `auto` prefers tfjs-node-gpu, then tfjs-node (when the user has
 * installed one), then wasm (with the gradient kernels training needs), then the pure-JS cpu backend.
 */
export async function selectBackend(choice: Backend = 'auto'): Promise<BackendRecord> {
  if (current && (choice === 'auto' || choice === current.backend)) return current;
  let record: BackendRecord | undefined;
  if (choice === 'auto' || choice === 'tensorflow') record = await tryNative();
  if (!record && (choice === 'auto' || choice === 'wasm')) record = await tryWasm();
  if (!record && (choice === 'auto' || choice === 'cpu')) {
    await tf.setBackend('cpu');
    await tf.ready();
    record = {
      backend: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      version: tf.version.tfjs,
      threads: 1,
      simd: false,
    };
  }
  if (!record) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      keyPath: 'environment.config.backend',
      problem: `the ${choice} backend is not available`,
      hint:
        choice === 'tensorflow'
          ? 'Install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, or use backend: auto'
          : 'Use backend: auto',
    });
  }
  current = record;
  return record;
}
