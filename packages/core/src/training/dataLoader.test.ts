import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/selectBackend.js';
import { DEFAULT_POSITIONS } from '../data/datasetIterator.js';
import type { Sample } from '../data/datasetIterator.js';
import { standardCollator } from './dataLoader.js';

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
