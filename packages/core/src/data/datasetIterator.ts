import { MlgymError } from '@mlgym/protocol';

/** A sample is a tuple; its meta says which position holds the input, the target and the tag. */
export type Sample = readonly unknown[];

export interface IteratorMeta {
  /** Name of the component (or dataset) that produced the iterator. */
  identifier: string;
  datasetName: string;
  /** The split this iterator represents (`train`, `val`, …); null for combined iterators. */
  datasetTag: string | null;
  samplePos: number;
  targetPos: number;
  tagPos: number;
}

/** Random-access dataset: the unit every data component consumes and produces. */
export interface DatasetIterator {
  readonly length: number;
  get(index: number): Sample;
  readonly meta: IteratorMeta;
}

/** What dataset components exchange: split name → iterator. */
export type SplitDict = Record<string, DatasetIterator>;

export const DEFAULT_POSITIONS = { samplePos: 0, targetPos: 1, tagPos: 2 } as const;

export function makeMeta(partial: Partial<IteratorMeta> & { identifier: string }): IteratorMeta {
  return { datasetName: partial.identifier, datasetTag: null, ...DEFAULT_POSITIONS, ...partial };
}

function outOfRange(index: number, length: number, what: string): MlgymError {
  return MlgymError.fromIssue({
    code: 'DATA_INVALID',
    problem: `index ${index} is outside ${what} of length ${length}`,
    expected: `an integer in [0, ${length})`,
  });
}

/** An iterator over samples held in memory. */
export class ArrayIterator implements DatasetIterator {
  constructor(
    private readonly samples: readonly Sample[],
    readonly meta: IteratorMeta,
  ) {}

  get length(): number {
    return this.samples.length;
  }

  get(index: number): Sample {
    const sample = this.samples[index];
    if (sample === undefined) throw outOfRange(index, this.samples.length, `dataset "${this.meta.identifier}"`);
    return sample;
  }
}

/** A view of another iterator restricted to (and ordered by) an index list. */
export class ViewIterator implements DatasetIterator {
  constructor(
    readonly underlying: DatasetIterator,
    readonly indices: readonly number[],
    readonly meta: IteratorMeta,
  ) {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= underlying.length) {
        throw outOfRange(
          i,
          underlying.length,
          `the iterator "${underlying.meta.identifier}" viewed by "${meta.identifier}"`,
        );
      }
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): Sample {
    const at = this.indices[index];
    if (at === undefined) throw outOfRange(index, this.indices.length, `view "${this.meta.identifier}"`);
    return this.underlying.get(at);
  }
}

/** Concatenation of iterators, in the order given. */
export class CombinedIterator implements DatasetIterator {
  private readonly offsets: number[] = [];
  readonly length: number;

  constructor(
    readonly parts: readonly DatasetIterator[],
    readonly meta: IteratorMeta,
  ) {
    let total = 0;
    for (const part of parts) {
      this.offsets.push(total);
      total += part.length;
    }
    this.length = total;
  }

  get(index: number): Sample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw outOfRange(index, this.length, `combined iterator "${this.meta.identifier}"`);
    }
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.offsets[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    return (this.parts[lo] as DatasetIterator).get(index - (this.offsets[lo] as number));
  }
}

/** The value at `pos` of every sample (e.g. all targets, for stratification). */
export function columnOf(iterator: DatasetIterator, pos: number): unknown[] {
  const out = new Array<unknown>(iterator.length);
  for (let i = 0; i < iterator.length; i++) out[i] = iterator.get(i)[pos];
  return out;
}

export function isDatasetIterator(value: unknown): value is DatasetIterator {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as DatasetIterator).get === 'function' &&
    typeof (value as DatasetIterator).length === 'number' &&
    typeof (value as DatasetIterator).meta === 'object'
  );
}
