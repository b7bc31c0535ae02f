import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { ArrayIterator, isDatasetIterator } from '../data/datasetIterator.js';
import type { DatasetIterator, Sample, SplitDict } from '../data/datasetIterator.js';
import type { BuildContext } from '../registry/componentRegistry.js';

/** What the dataset families share: split dicts (split name → iterator) checked and transformed. */
export type Ctx<T extends z.ZodType> = BuildContext<z.infer<T>>;

/** The requirement every split-dict transform reads. */
export const ITERATORS_REQUIREMENT = [{ name: 'iterators', description: 'the split dict to work on' }] as const;

export const splitList = z.array(z.string()).default([]);

export function splitDict(value: unknown, where: string): SplitDict {
  if (value !== null && typeof value === 'object' && Object.values(value).every(isDatasetIterator)) {
    return value as SplitDict;
  }
  throw MlgymError.fromIssue({
    code: 'DATA_INVALID',
    problem: `${where} expects a mapping of split name to dataset iterator`,
    hint: 'Check the requirement and its subscription',
  });
}

export function splitOf(dict: SplitDict, split: string, where: string): DatasetIterator {
  const it = dict[split];
  if (!it) {
    throw MlgymError.fromIssue({
      code: 'DATA_INVALID',
      problem: `${where} refers to split "${split}", which its input does not have`,
      expected: `one of ${Object.keys(dict).join(', ')}`,
    });
  }
  return it;
}

/** Applies `fn` to the listed splits and passes the others through. */
export function mapSplits(
  dict: SplitDict,
  splits: readonly string[],
  where: string,
  fn: (it: DatasetIterator, split: string) => DatasetIterator,
): SplitDict {
  const out: SplitDict = { ...dict };
  for (const split of splits) out[split] = fn(splitOf(dict, split, where), split);
  return out;
}

/** A copy of the iterator with every sample transformed. */
export function withSample(it: DatasetIterator, name: string, transform: (s: Sample) => Sample): DatasetIterator {
  const samples = Array.from({ length: it.length }, (_, i) => transform(it.get(i)));
  return new ArrayIterator(samples, { ...it.meta, identifier: name });
}

/** The sample with the values at `positions` replaced. */
export function replaceAt(sample: Sample, positions: readonly number[], value: (old: unknown) => unknown): Sample {
  const copy = [...sample];
  for (const pos of positions) if (pos < copy.length) copy[pos] = value(copy[pos]);
  return copy;
}
