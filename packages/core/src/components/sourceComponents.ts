import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { readCsv } from '../data/csvTable.js';
import { ArrayIterator, makeMeta } from '../data/datasetIterator.js';
import type { Sample, SplitDict } from '../data/datasetIterator.js';
import type { BuildContext, ComponentRegistry } from '../registry/componentRegistry.js';
import { Rng } from '../util/rng.js';

const CsvConfig = z.strictObject({
  /** split name → CSV file (relative to the gs config file). */
  splits: z.record(z.string(), z.string().min(1)),
  target_column: z.union([z.string(), z.number().int().nonnegative()]),
  /** Columns used as features, in order; default: every column but the target. */
  feature_columns: z.array(z.union([z.string(), z.number().int().nonnegative()])).optional(),
  delimiter: z.string().length(1).default(','),
});
const ArraysConfig = z.strictObject({
  splits: z.record(
    z.string(),
    z.strictObject({
      samples: z.array(z.union([z.number(), z.array(z.union([z.number(), z.string()]))])),
      targets: z.array(z.union([z.number(), z.string()])),
    }),
  ),
});
const SyntheticConfig = z.strictObject({
  splits: z.record(z.string(), z.number().int().positive()),
  num_features: z.number().int().positive().default(2),
  num_classes: z.number().int().min(2).default(2),
  noise: z.number().nonnegative().default(1),
  seed: z.number().int().nonnegative().default(0),
});

function column(header: string[], spec: string | number, file: string): number {
  const index = typeof spec === 'number' ? spec : header.indexOf(spec);
  if (index < 0 || index >= header.length) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      file,
      problem: `no column ${JSON.stringify(spec)}`,
      expected: `one of ${header.join(', ')} (or an index below ${header.length})`,
    });
  }
  return index;
}

/** Standard normal draws (Box–Muller) from the seeded generator. */
function gaussian(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

type Ctx<T extends z.ZodType> = BuildContext<z.infer<T>>;

/** Data sources beyond the repository's named datasets: CSV files, arrays in the config, generators. */
export function registerSourceComponents(registry: ComponentRegistry): void {
  registry.register('CSV_DATASET_ITERATORS', 'DEFAULT', {
    description:
      'one CSV file per split; sample = feature cells (numbers, or strings for FEATURE_ENCODED_ITERATORS), target = target cell',
    configSchema: CsvConfig,
    build: ({ name, config, experiment }: Ctx<typeof CsvConfig>) => {
      const base = (experiment.services.get('configDir') as string | undefined) ?? process.cwd();
      const out: SplitDict = {};
      for (const [split, path] of Object.entries(config.splits)) {
        const file = isAbsolute(path) ? path : resolve(base, path);
        const table = readCsv(file, config.delimiter);
        const target = column(table.header, config.target_column, file);
        const features = (config.feature_columns ?? table.header.map((_, i) => i).filter((i) => i !== target)).map(
          (c) => column(table.header, c, file),
        );
        const allNumeric = table.rows.every((r) => features.every((f) => typeof r[f] === 'number'));
        const samples: Sample[] = table.rows.map((r) => {
          const x = features.map((f) => r[f] as number | string);
          return [allNumeric ? Float32Array.from(x as number[]) : x, r[target], r[target]];
        });
        out[split] = new ArrayIterator(samples, makeMeta({ identifier: name, datasetName: file, datasetTag: split }));
      }
      return out;
    },
  });

  registry.register('ARRAY_DATASET_ITERATORS', 'DEFAULT', {
    description: 'samples and targets written in the config',
    configSchema: ArraysConfig,
    build: ({ name, config }: Ctx<typeof ArraysConfig>) => {
      const out: SplitDict = {};
      for (const [split, data] of Object.entries(config.splits)) {
        if (data.samples.length !== data.targets.length) {
          throw MlgymError.fromIssue({
            code: 'CONFIG_INVALID',
            keyPath: `${name}.config.splits.${split}`,
            problem: `${data.samples.length} samples but ${data.targets.length} targets`,
            expected: 'one target per sample',
          });
        }
        const samples: Sample[] = data.samples.map((x, i) => [
          Array.isArray(x) && x.every((v) => typeof v === 'number') ? Float32Array.from(x) : x,
          data.targets[i],
          data.targets[i],
        ]);
        out[split] = new ArrayIterator(samples, makeMeta({ identifier: name, datasetTag: split }));
      }
      return out;
    },
  });

  registry.register('SYNTHETIC_DATASET_ITERATORS', 'CLASSIFICATION', {
    description: 'Gaussian blobs: one cluster centre per class, reproducible from the seed',
    configSchema: SyntheticConfig,
    build: ({ name, config }: Ctx<typeof SyntheticConfig>) => {
      const centres = new Rng(`${config.seed}/centres`);
      const means = Array.from({ length: config.num_classes }, () =>
        Array.from({ length: config.num_features }, () => gaussian(centres) * 3),
      );
      const out: SplitDict = {};
      for (const [split, size] of Object.entries(config.splits)) {
        const rng = new Rng(`${config.seed}/${split}`);
        const samples: Sample[] = Array.from({ length: size }, () => {
          const label = rng.nextInt(config.num_classes);
          const mean = means[label] as number[];
          // A plain loop: Float32Array.from with a map function is several times slower on wide samples.
          const x = new Float32Array(mean.length);
          for (let i = 0; i < mean.length; i++) x[i] = (mean[i] as number) + gaussian(rng) * config.noise;
          return [x, label, label];
        });
        out[split] = new ArrayIterator(
          samples,
          makeMeta({ identifier: name, datasetName: 'synthetic_classification', datasetTag: split }),
        );
      }
      return out;
    },
  });

  registry.register('SYNTHETIC_DATASET_ITERATORS', 'REGRESSION', {
    description: 'y = w·x + noise with a fixed random w, reproducible from the seed',
    configSchema: SyntheticConfig.omit({ num_classes: true }),
    build: ({ name, config }) => {
      const c = config as Omit<z.infer<typeof SyntheticConfig>, 'num_classes'>;
      const w = Array.from({ length: c.num_features }, (_, i) => gaussian(new Rng(`${c.seed}/w${i}`)));
      const out: SplitDict = {};
      for (const [split, size] of Object.entries(c.splits)) {
        const rng = new Rng(`${c.seed}/${split}`);
        const samples: Sample[] = Array.from({ length: size }, () => {
          const x = Float32Array.from({ length: c.num_features }, () => gaussian(rng));
          const y = x.reduce((s, v, i) => s + v * (w[i] as number), 0) + gaussian(rng) * c.noise;
          return [x, y, y];
        });
        out[split] = new ArrayIterator(
          samples,
          makeMeta({ identifier: name, datasetName: 'synthetic_regression', datasetTag: split }),
        );
      }
      return out;
    },
  });
}
