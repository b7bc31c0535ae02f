import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { DatasetIterator, Sample } from '../data/datasetIterator.js';
import { Rng } from '../util/rng.js';
import { float32Tensor } from '../backend/float32Tensor.js';
import { currentKernelPool } from '../backend/selectBackend.js';
import { BatchPrefetcher } from './batchPrefetcher.js';

/** A collated batch: stacked inputs, targets by key, tags. Callers dispose it. */
export interface Batch {
  samples: tf.Tensor;
  targets: Record<string, tf.Tensor>;
  tags: unknown[];
  size: number;
}

export type Collator = ((
  samples: readonly Sample[],
  positions: { samplePos: number; targetPos: number; tagPos: number },
  /** The samples' inputs already stacked, [n, values per sample] (a loader's prefetch; the collator owns it). */
  stacked?: tf.Tensor,
) => Batch) & {
  /** True when the collator stacks each sample's input at samplePos as it lies, and takes `stacked` instead. */
  readonly stacksInputs?: boolean;
};

/** Stacks numeric inputs into a float tensor and targets under `target_publication_key`. */
export function standardCollator(params: { target_publication_key?: string; sample_shape?: number[] }): Collator {
  const targetKey = params.target_publication_key ?? 'target_key';
  const collate: Collator = (samples, pos, stacked) => {
    const first = samples[0]?.[pos.samplePos];
    const width = first instanceof Float32Array || Array.isArray(first) ? (first as ArrayLike<number>).length : 1;
    const shape = params.sample_shape ? [samples.length, ...params.sample_shape] : [samples.length, width];
    if (shape.reduce((n, d) => n * d, 1) !== samples.length * width) {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: 'collator_params.sample_shape',
        problem: `sample_shape [${params.sample_shape?.join(', ')}] holds a different number of values than a sample (${width})`,
      });
    }
    const fits = stacked?.size === samples.length * width;
    if (stacked && !fits) stacked.dispose();
    const inputs =
      stacked && fits
        ? reshaped(stacked, shape)
        : float32Tensor(shape, (data) => {
            for (let i = 0; i < samples.length; i++) {
              const x = (samples[i] as Sample)[pos.samplePos];
              if (typeof x === 'number' && width === 1) data[i] = x;
              else if ((x as ArrayLike<number> | undefined)?.length === width)
                data.set(x as ArrayLike<number>, i * width);
              else {
                throw MlgymError.fromIssue({
                  code: 'DATA_INVALID',
                  problem: `sample ${i} of the batch has ${typeof x === 'number' ? 1 : String((x as ArrayLike<number> | undefined)?.length)} input values, the batch's first sample ${width}`,
                  hint: 'Every sample of a dataset needs the same input size',
                });
              }
            }
          });
    const firstTarget = samples[0]?.[pos.targetPos];
    let target: tf.Tensor;
    if (firstTarget instanceof Float32Array || Array.isArray(firstTarget)) {
      const w = (firstTarget as ArrayLike<number>).length;
      const t = new Float32Array(samples.length * w);
      samples.forEach((s, i) => t.set(s[pos.targetPos] as ArrayLike<number>, i * w));
      target = tf.tensor2d(t, [samples.length, w]);
    } else {
      // A typed array (tfjs converts a plain array value by value), filled by a loop: `from` with a
      // mapping function costs more than the rest of the targets' work on a batch of 64.
      const integer = Number.isInteger(firstTarget);
      const values = integer ? new Int32Array(samples.length) : new Float32Array(samples.length);
      for (let i = 0; i < samples.length; i++) values[i] = Number((samples[i] as Sample)[pos.targetPos]);
      target = tf.tensor1d(values, integer ? 'int32' : 'float32');
    }
    return {
      samples: inputs,
      targets: { [targetKey]: target },
      tags: samples.map((s) => s[pos.tagPos]),
      size: samples.length,
    };
  };
  return Object.assign(collate, { stacksInputs: true });
}

/** `t` in `shape`, `t` itself disposed (a reshape shares its data). */
function reshaped(t: tf.Tensor, shape: number[]): tf.Tensor {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  const r = t.reshape(shape);
  t.dispose();
  return r;
}

export type SamplingStrategy = 'RANDOM' | 'WEIGHTED_RANDOM' | 'IN_ORDER';

/** Sample order of one pass over the data; random strategies consume `rng`. */
function passOrder(n: number, strategy: SamplingStrategy, rng: Rng, weights?: readonly number[]): number[] {
  if (strategy === 'IN_ORDER') return Array.from({ length: n }, (_, i) => i);
  if (strategy === 'RANDOM') return rng.permutation(n);
  // Weighted sampling with replacement: N draws by inverse-CDF over cumulative weights.
  const w = weights as readonly number[];
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += w[i] as number;
  return Array.from({ length: n }, () => {
    const u = rng.nextFloat() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  });
}

/** Where a loader's endless batch stream stands; enough to replay it exactly after a restart. */
export interface LoaderState {
  pass: number;
  batchInPass: number;
  rngAtPassStart: number[];
}

export interface DataLoaderOptions {
  iterator: DatasetIterator;
  collator: Collator;
  batchSize: number;
  strategy: SamplingStrategy;
  seed: number;
  dropLast: boolean;
  /** Position of the label used for class-balanced weights (WEIGHTED_RANDOM). */
  labelPos?: number;
  /** Gather the next batch's inputs on a kernel lane while the current one trains (default true). */
  prefetch?: boolean;
}

/** Batches over one split with a seeded, resumable sampler. */
export class DataLoader {
  private readonly rng: Rng;
  private readonly weights: number[] | undefined;
  private order: number[] = [];
  private state: LoaderState;
  /** Made at the first `next` (evaluation loaders never need one); null where it does not apply. */
  private prefetcher: BatchPrefetcher | null | undefined;

  constructor(readonly options: DataLoaderOptions) {
    if (options.iterator.length === 0) {
      throw MlgymError.fromIssue({
        code: 'DATA_INVALID',
        problem: `split "${options.iterator.meta.datasetTag}" is empty`,
        hint: 'Check the split configs',
      });
    }
    this.rng = new Rng(options.seed);
    if (options.strategy === 'WEIGHTED_RANDOM') {
      const pos = options.labelPos ?? options.iterator.meta.targetPos;
      const labels = Array.from({ length: options.iterator.length }, (_, i) =>
        JSON.stringify(options.iterator.get(i)[pos]),
      );
      const counts = new Map<string, number>();
      for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      this.weights = labels.map((l) => 1 / (counts.get(l) as number));
    }
    this.state = { pass: 0, batchInPass: 0, rngAtPassStart: this.rng.getState() };
    this.order = passOrder(options.iterator.length, options.strategy, this.rng, this.weights);
  }

  get datasetTag(): string | null {
    return this.options.iterator.meta.datasetTag;
  }

  /** Batches per pass over the split. */
  get length(): number {
    const n = this.options.iterator.length;
    return this.options.dropLast ? Math.floor(n / this.options.batchSize) : Math.ceil(n / this.options.batchSize);
  }

  /** The next batch of the endless stream (a new pass, re-shuffled, starts when one ends). */
  next(): Batch {
    if (this.state.batchInPass >= this.length) {
      this.state = { pass: this.state.pass + 1, batchInPass: 0, rngAtPassStart: this.rng.getState() };
      this.order = passOrder(this.options.iterator.length, this.options.strategy, this.rng, this.weights);
    }
    const size = this.options.batchSize;
    const start = this.state.batchInPass * size;
    const indices = this.order.slice(start, start + size);
    this.state = { ...this.state, batchInPass: this.state.batchInPass + 1 };
    const prefetcher = this.prefetcherOrNull();
    if (!prefetcher) return this.collate(indices);
    const stacked = prefetcher.take(indices);
    // The pass's next batch, gathered while this one trains (a new pass reshuffles first: not fetched).
    if (this.state.batchInPass < this.length) prefetcher.request(this.order.slice(start + size, start + 2 * size));
    return this.collate(indices, stacked);
  }

  /** Frees the prefetch's table and pending batch, if any; the loader still works without them. */
  dispose(): void {
    this.prefetcher?.dispose();
    this.prefetcher = null;
  }

  /** Batches the prefetch gathered (tests). */
  get prefetched(): number {
    return this.prefetcher?.served ?? 0;
  }

  private prefetcherOrNull(): BatchPrefetcher | null {
    if (this.prefetcher === undefined) {
      const { iterator, collator, batchSize } = this.options;
      const pos = iterator.meta.samplePos;
      this.prefetcher =
        this.options.prefetch !== false && collator.stacksInputs === true
          ? (BatchPrefetcher.over(currentKernelPool(), iterator.length, (i) => iterator.get(i)[pos], batchSize) ?? null)
          : null;
    }
    return this.prefetcher;
  }

  /** One pass in order of the sampler without touching the training stream (evaluation). */
  *inOrder(): Generator<Batch> {
    const n = this.options.iterator.length;
    for (let start = 0; start < n; start += this.options.batchSize) {
      yield this.collate(Array.from({ length: Math.min(this.options.batchSize, n - start) }, (_, i) => start + i));
    }
  }

  private collate(indices: readonly number[], stacked?: tf.Tensor): Batch {
    const it = this.options.iterator;
    return this.options.collator(
      indices.map((i) => it.get(i)),
      it.meta,
      stacked,
    );
  }

  getState(): LoaderState {
    return structuredClone(this.state);
  }

  setState(state: LoaderState): void {
    this.rng.setState(state.rngAtPassStart);
    this.order = passOrder(this.options.iterator.length, this.options.strategy, this.rng, this.weights);
    this.state = structuredClone(state);
  }
}
