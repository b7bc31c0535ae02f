import { MlgymError } from '@mlgym/protocol';
import { ArrayIterator } from './datasetIterator.js';
import type { DatasetIterator } from './datasetIterator.js';

export interface FeatureEncodingConfig {
  feature_type: 'categorical' | 'continuous';
  feature_names: number[];
  train_split: string;
}

type Category = number | string;
type Encoder =
  | { kind: 'categorical'; vocabulary: Map<Category, number>; column: number; train: string }
  | { kind: 'continuous'; mean: number; scale: number };

/**
 * numpy's np.unique order: numbers ascending (2 before 10), strings by code unit. Ours: a column
 * mixing both (CSV cells) lists its numbers first; numpy would have turned every cell into a string.
 */
function categoryOrder(a: Category, b: Category): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const asCategory = (v: unknown): Category => (typeof v === 'number' ? v : String(v));

const describe = (v: Category) => (typeof v === 'number' ? String(v) : JSON.stringify(v));

function numeric(value: unknown, where: string): number {
  const n = typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(n)) {
    throw MlgymError.fromIssue({
      code: 'DATA_INVALID',
      problem: `${where}: a continuous feature needs numbers`,
      found: JSON.stringify(value),
      hint: 'Encode the column as categorical, or clean the data',
    });
  }
  return n;
}

/**
 * scikit-learn's StandardScaler: mean and population variance (with its rounding correction); a
 * constant column (variance within rounding of zero) is scaled by 1.
 */
function standardScaler(values: number[]): { mean: number; scale: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const correction = values.reduce((a, v) => a + (v - mean), 0);
  const variance = (values.reduce((a, v) => a + (v - mean) ** 2, 0) - correction ** 2 / n) / n;
  const eps = Number.EPSILON;
  const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
  return { mean, scale: constant ? 1 : Math.sqrt(variance) };
}

/**
 * Encodes feature columns as the original's feature encoder: categorical columns one-hot over the
 * values of the train split (a value the train split lacks is an error, as in the original),
 * continuous columns standardised with the train split's statistics; other columns pass through.
 * The encoded sample is the concatenation over columns in column order.
 */
export function fitFeatureEncoders(
  configs: readonly FeatureEncodingConfig[],
  splits: Record<string, DatasetIterator>,
): (iterator: DatasetIterator, name: string, split?: string) => DatasetIterator {
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
        const distinct = [...new Set(values.map(asCategory))].sort(categoryOrder);
        const vocabulary = new Map(distinct.map((v, i) => [v, i] as const));
        encoders.set(col, { kind: 'categorical', vocabulary, column: col, train: config.train_split });
      } else {
        const nums = values.map((v, i) => numeric(v, `split "${config.train_split}", sample ${i}, column ${col}`));
        encoders.set(col, { kind: 'continuous', ...standardScaler(nums) });
      }
    }
  }
  return (iterator, name, split = name) => {
    const pos = iterator.meta.samplePos;
    const samples = Array.from({ length: iterator.length }, (_, i) => {
      const sample = [...iterator.get(i)];
      const raw = sample[pos] as ArrayLike<unknown>;
      const out: number[] = [];
      for (let c = 0; c < raw.length; c++) {
        const e = encoders.get(c);
        const where = `split "${split}", sample ${i}, column ${c}`;
        if (!e) out.push(Number(raw[c]));
        else if (e.kind === 'continuous') out.push((numeric(raw[c], where) - e.mean) / e.scale);
        else {
          const value = asCategory(raw[c]);
          const k = e.vocabulary.get(value);
          if (k === undefined) {
            throw MlgymError.fromIssue({
              code: 'DATA_INVALID',
              problem: `${where}: category ${describe(value)} does not occur in the train split "${e.train}" the encoder was fitted on`,
              expected: `one of ${[...e.vocabulary.keys()].map(describe).join(', ')}`,
              hint: 'Fit the encoder on a split that holds every category (or map rare values to one)',
            });
          }
          const oneHot = new Array<number>(e.vocabulary.size).fill(0);
          oneHot[k] = 1;
          out.push(...oneHot);
        }
      }
      sample[pos] = Float32Array.from(out);
      return sample;
    });
    return new ArrayIterator(samples, { ...iterator.meta, identifier: name });
  };
}
