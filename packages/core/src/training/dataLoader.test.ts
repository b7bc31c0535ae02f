import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { currentKernelPool, selectBackend } from '../backend/selectBackend.js';
import { ArrayIterator, DEFAULT_POSITIONS, makeMeta } from '../data/datasetIterator.js';
import type { Sample } from '../data/datasetIterator.js';
import { DataLoader, standardCollator } from './dataLoader.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

const pos = { ...DEFAULT_POSITIONS };
const sample = (values: number[], target: number): Sample => [Float32Array.from(values), target, target];

describe('standard collator', () => {
  it.each(['wasm', 'cpu'])('stacks inputs and targets on %s (on wasm straight into the heap)', (backend) => {
    tf.setBackend(backend);
    const batch = standardCollator({ target_publication_key: 't', sample_shape: [2, 2] })(
      [sample([1, 2, 3, 4], 0), sample([5, 6, 7, 8], 3)],
      pos,
    );
    expect(batch.samples.shape).toEqual([2, 2, 2]);
    expect(Array.from(batch.samples.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batch.targets['t']?.dtype).toBe('int32');
    expect(Array.from(batch.targets['t']!.dataSync())).toEqual([0, 3]);
    tf.dispose([batch.samples, ...Object.values(batch.targets)]);
  });

  it("refuses a sample of another size than the batch's first, naming it (nothing is written past the tensor)", () => {
    tf.setBackend('wasm');
    const collate = standardCollator({});
    expect(() => collate([sample([1, 2, 3], 0), sample([1, 2, 3, 4], 1)], pos)).toThrow(
      /sample 1 of the batch has 4 input values, the batch's first sample 3/,
    );
    expect(() => collate([sample([1, 2, 3], 0), sample([1, 2], 1)], pos)).toThrow(/sample 1 .* has 2 input values/);
  });

  it('refuses a sample_shape that does not hold a sample', () => {
    expect(() => standardCollator({ sample_shape: [2, 3] })([sample([1, 2, 3, 4], 0)], pos)).toThrow(
      /sample_shape \[2, 3\] holds a different number of values than a sample \(4\)/,
    );
  });
});

describe('prefetch', () => {
  const samples = Array.from({ length: 300 }, (_, i) => sample([i, i * 0.5, -i, i / 7, 1 / (i + 1)], i % 10));
  const loader = (prefetch: boolean, options: { count?: number; custom?: boolean } = {}) =>
    new DataLoader({
      iterator: new ArrayIterator(
        samples.slice(0, options.count ?? 300),
        makeMeta({ identifier: 'numbers', datasetTag: 'train' }),
      ),
      collator: options.custom
        ? (batch, p) => standardCollator({ target_publication_key: 't' })(batch, p)
        : standardCollator({ target_publication_key: 't' }),
      batchSize: 16,
      strategy: 'RANDOM',
      seed: 9,
      dropLast: false,
      prefetch,
    });
  const take = (l: DataLoader, n: number) =>
    Array.from({ length: n }, () => {
      const b = l.next();
      const values = [b.samples.shape, Array.from(b.samples.dataSync()), Array.from(b.targets['t']!.dataSync())];
      tf.dispose([b.samples, ...Object.values(b.targets)]);
      return values;
    });

  it("gives the batches a loader gathering in place gives, across passes and after a restored state, from the kernel lane's gathers", () => {
    tf.setBackend('wasm');
    // The prefetch runs on the kernel pool's first worker lane; this machine's pool has one (2 cores or more).
    expect(currentKernelPool()?.gathers).toBe(true);
    const before = tf.memory().numTensors;
    const fetched = loader(true);
    const inPlace = loader(false);
    try {
      // 19 batches per pass (the last one short): three passes and more.
      expect(take(fetched, 60)).toEqual(take(inPlace, 60));
      expect(fetched.prefetched).toBeGreaterThan(50);
      const state = inPlace.getState();
      const after = take(inPlace, 10);
      // A restored state leaves the requested batch unused: the loader gathers that one itself.
      fetched.setState(state);
      expect(take(fetched, 10)).toEqual(after);
      expect(inPlace.prefetched).toBe(0);
    } finally {
      fetched.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stays off for a collator that does not take stacked inputs, and for splits of few batches', () => {
    tf.setBackend('wasm');
    for (const l of [loader(true, { custom: true }), loader(true, { count: 40 })]) {
      take(l, 30);
      expect(l.prefetched).toBe(0);
      l.dispose();
    }
  });
});
