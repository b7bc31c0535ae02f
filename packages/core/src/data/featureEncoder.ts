import { MlgymError } from '@mlgym/protocol';
import { ArrayIterator } from './datasetIterator.js';
import type { DatasetIterator } from './datasetIterator.js';

export interface FeatureEncodingConfig {
  feature_type: 'categorical' | 'continuous';
  feature_names: number[];
  train_split: string;
}

type Encoder =
  { kind: 'categorical'; vocabulary: Map<string, number> } | { kind: 'continuous'; mean: number; std: number };

/**
 * Encodes feature columns as the original's feature encoder: categorical columns one-hot with a
 * vocabulary fitted on the train split (an unseen value encodes as all zeros instead of failing),
 * continuous columns standardised with the train split's mean and population std; other columns
 * pass through. The encoded sample is the concatenation over columns in column order.
 */
export function fitFeatureEncoders(
  configs: readonly FeatureEncodingConfig[],
  splits: Record<string, DatasetIterator>,
): (iterator: DatasetIterator, name: string) => DatasetIterator {
  const encoders = new Map<number, Encoder>();
  for (const config of configs) {
    const train = splits[config.train_split];
    if (!train)
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: 'train_split',
        problem: `no split "${config.train_split}" to fit the encoders on`,
        expected: `one of ${Object.keys(splits).join(', ')}`,
      });
    for (const col of config.feature_names) {
      const values = Array.from(
        { length: train.length },
        (_, i) => (train.get(i)[train.meta.samplePos] as ArrayLike<unknown>)[col],
      );
      if (config.feature_type === 'categorical') {
        const vocabulary = new Map([...new Set(values.map((v) => String(v)))].sort().map((v, i) => [v, i] as const));
        encoders.set(col, { kind: 'categorical', vocabulary });
      } else {
        const nums = values.map(Number);
        const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
        const std = Math.sqrt(nums.reduce((a, b) => a + (b - mean) ** 2, 0) / nums.length) || 1;
        encoders.set(col, { kind: 'continuous', mean, std });
      }
    }
  }
  return (iterator, name) => {
    const pos = iterator.meta.samplePos;
    const samples = Array.from({ length: iterator.length }, (_, i) => {
      const sample = [...iterator.get(i)];
      const raw = sample[pos] as ArrayLike<unknown>;
      const out: number[] = [];
      for (let c = 0; c < raw.length; c++) {
        const e = encoders.get(c);
        if (!e) out.push(Number(raw[c]));
        else if (e.kind === 'continuous') out.push((Number(raw[c]) - e.mean) / e.std);
        else {
          const oneHot = new Array<number>(e.vocabulary.size).fill(0);
          const k = e.vocabulary.get(String(raw[c]));
          if (k !== undefined) oneHot[k] = 1;
          out.push(...oneHot);
        }
      }
      sample[pos] = Float32Array.from(out);
      return sample;
    });
    return new ArrayIterator(samples, { ...iterator.meta, identifier: name });
  };
}
