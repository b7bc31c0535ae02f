import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { currentKernelPool, selectBackend } from './selectBackend.js';

// The pool's failure path (this file's process keeps a broken pool, so it runs alone).
let pool: KernelPool;

beforeAll(async () => {
  process.env['MLGYM_THREADS'] = '2';
  await selectBackend('wasm');
  pool = currentKernelPool() as KernelPool;
  expect(pool.lanes).toBe(2);
});

describe('kernel pool', () => {
  it('spreads a job over both lanes and counts the claims', () => {
    const before = { ...pool.counts };
    const sink = pool.malloc(4 * 64);
    pool.run(Kernel.peak, 64, [200_000, sink]);
    pool.free(sink);
    expect(pool.counts.jobs - before.jobs).toBe(1);
    expect(pool.counts.claims - before.claims).toBe(64);
    expect(pool.counts.mainThreadClaims - before.mainThreadClaims).toBeGreaterThan(0);
  });

  it('a claim that traps fails the job with an error instead of hanging, and every later job', () => {
    const n = 1 << 20;
    // relu from a valid tensor into an address past the end of the heap: every claim traps.
    const x = tf.zeros([n]);
    const heapEnd = pool.f32().byteLength;
    const at = (tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(
      x.dataId,
    ).memoryOffset;
    expect(() => pool.run(Kernel.unary, 64, [at, heapEnd + 4096, 0, n, n / 64, { f32: 0 }])).toThrow(
      /mlgym's wasm kernel unary failed/,
    );
    expect(() => tf.relu(tf.ones([64, 1024])).dataSync()).toThrow(/mlgym's wasm kernel .* failed/);
    x.dispose();
  });
});
