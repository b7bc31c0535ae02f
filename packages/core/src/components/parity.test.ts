import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlgymError } from '@mlgym/protocol';
import { ArrayIterator, makeMeta } from '../data/datasetIterator.js';
import { fitFeatureEncoders } from '../data/featureEncoder.js';
import type { FeatureEncodingConfig } from '../data/featureEncoder.js';
import { splitLoss } from '../training/evaluator.js';
import { createLoss } from '../training/losses.js';
import { createMetric } from '../training/metrics.js';
import type { Column, MetricSpecInput } from '../training/metrics.js';
import { createPostProcessor } from '../training/postProcessors.js';
import type { PostProcessorSpecInput } from '../training/postProcessors.js';
import { LossSpecSchema, MetricSpecSchema } from './scoringSpecs.js';

/**
 * Parity with the original (Python) MLgym: every metric, loss, post-processor and feature encoder
 * of its registries against the values scikit-learn and torch give for the same inputs and
 * parameters (packages/core/parity/reference_values.py writes them to parity/fixtures/*.json),
 * including the inputs where they raise. A case marked `extension` is a documented difference: it
 * is checked against what we compute instead. Prints the table of maximal differences.
 */
type Expected = number | string | Array<number | string>;
interface Outcome {
  id: string;
  expected?: Expected;
  error?: { type: string; message: string };
  our_error?: string;
  extension?: { expected: Expected; why: string };
}
interface TensorInput {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: number[];
}

const fixture = <T>(name: string): T[] =>
  (JSON.parse(readFileSync(new URL(`../../parity/fixtures/${name}.json`, import.meta.url), 'utf8')) as { cases: T[] })
    .cases;

const num = (v: number | string) =>
  v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v);
const values = (v: Expected | number[]): number[] => (Array.isArray(v) ? v.map(num) : [num(v)]);

/** Largest |ours − theirs|, absolute or relative to max(1, |theirs|) (NaN against NaN counts as equal). */
function difference(ours: number[], theirs: number[], relative = false): number {
  if (ours.length !== theirs.length) return Infinity;
  return Math.max(
    0,
    ...ours.map((o, i) => {
      const t = theirs[i] as number;
      if (Number.isNaN(t) || Number.isNaN(o)) return Number.isNaN(t) && Number.isNaN(o) ? 0 : Infinity;
      return o === t ? 0 : Math.abs(o - t) / (relative ? Math.max(1, Math.abs(t)) : 1);
    }),
  );
}

interface Checked {
  difference?: number;
  relative?: number;
  raised?: boolean;
  extension?: boolean;
}
const compared = (ours: number[], theirs: number[]): Checked => ({
  difference: difference(ours, theirs),
  relative: difference(ours, theirs, true),
});

interface Row {
  group: string;
  key: string;
  parameters: string;
  cases: number;
  maxDifference: number;
  maxRelative: number;
  raises: number;
  extensions: number;
}
const table = new Map<string, Row>();
function record(group: string, key: string, parameters: object, outcome: Checked) {
  const p = JSON.stringify(parameters);
  const id = `${group}|${key}|${p}`;
  const row = table.get(id) ?? {
    group,
    key,
    parameters: p === '{}' ? '' : p,
    cases: 0,
    maxDifference: 0,
    maxRelative: 0,
    raises: 0,
    extensions: 0,
  };
  row.cases++;
  if (outcome.difference !== undefined) row.maxDifference = Math.max(row.maxDifference, outcome.difference);
  if (outcome.relative !== undefined) row.maxRelative = Math.max(row.maxRelative, outcome.relative);
  if (outcome.raised) row.raises++;
  if (outcome.extension) row.extensions++;
  table.set(id, row);
}

const bound = (theirs: number[], tolerance: (t: number) => number) =>
  Math.max(0, ...theirs.filter(Number.isFinite).map(tolerance));

/** Checks one case: the value (within `tolerance`), or an MlgymError where the original raises. */
function check(c: Outcome, run: () => number[], tolerance: (theirs: number) => number): Checked {
  if (c.extension) {
    const ours = run();
    const theirs = values(c.extension.expected);
    const d = difference(ours, theirs);
    expect(d, `${c.id}: ${ours} vs ${theirs} (${c.extension.why})`).toBeLessThanOrEqual(bound(theirs, tolerance));
    return { ...compared(ours, theirs), extension: true };
  }
  if (c.error) {
    let thrown: unknown;
    try {
      run();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${c.id}: the original raises ${c.error.type}: ${c.error.message}`).toBeInstanceOf(MlgymError);
    expect((thrown as Error).message).toMatch(new RegExp(c.our_error ?? '.', 'i'));
    return { raised: true };
  }
  const ours = run();
  const theirs = values(c.expected as Expected);
  const d = difference(ours, theirs);
  expect(d, `${c.id}: ours ${ours.join(', ')}; theirs ${theirs.join(', ')}`).toBeLessThanOrEqual(
    bound(theirs, tolerance),
  );
  return compared(ours, theirs);
}

const tensorOf = (t: TensorInput) => tf.tensor(t.data, t.shape, t.dtype);
const scalarParameters = (spec: Record<string, unknown>) => {
  const { key: _key, tag: _tag, target_subscription_key: _t, prediction_subscription_key: _p, ...rest } = spec;
  return rest;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  const rows = [...table.values()];
  const fmt = (d: number) => (d === 0 ? '0' : d.toExponential(1));
  const lines = [
    '| group | key | parameters | cases | max abs. difference | max rel. difference | raises as the original | documented differences |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.key} | ${r.parameters.replaceAll('|', '\\|')} | ${r.cases} | ${r.cases > r.raises ? fmt(r.maxDifference) : '–'} | ${r.cases > r.raises ? fmt(r.maxRelative) : '–'} | ${r.raises || ''} | ${r.extensions || ''} |`,
    ),
  ];
  console.log(`parity with the original (sklearn 1.2.1, torch 1.13):\n${lines.join('\n')}`);
});

interface MetricCase extends Outcome {
  spec: Record<string, unknown> & { key: string };
  targets: Column;
  predictions: Column[];
}

// scikit-learn computes in float64 on our float32 inputs; torch (Brier, ECE) in float32.
const FLOAT32_METRICS = new Set([
  'BRIER_SCORE',
  'EXPECTED_CALIBRATION_ERROR',
  'BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR',
]);

describe('metrics equal scikit-learn and the original formulas', () => {
  for (const c of fixture<MetricCase>('metrics')) {
    it(c.id, () => {
      const tol = FLOAT32_METRICS.has(c.spec.key) ? (t: number) => 2e-7 * Math.max(1, Math.abs(t)) : () => 1e-12;
      // Where the original raises on a parameter alone, we refuse the spec (in a config: located).
      const run = () => values(createMetric(c.spec as MetricSpecInput).compute(c.targets, c.predictions));
      if (!c.error) expect(MetricSpecSchema.safeParse(c.spec).success, c.id).toBe(true);
      record('metric', c.spec.key, scalarParameters(c.spec), check(c, run, tol));
    });
  }
});

interface LossCase extends Outcome {
  spec: Record<string, unknown> & { key: string };
  targets: TensorInput;
  predictions: TensorInput;
  selector?: TensorInput;
}

// Both compute in float32, with different orders of operations.
const lossTolerance = (t: number) => 2e-6 * Math.max(1, Math.abs(t));

describe('losses equal torch (the value a batch adds: loss(batch).sum())', () => {
  for (const c of fixture<LossCase>('losses')) {
    it(c.id, () => {
      const spec = LossSpecSchema.parse(c.spec);
      const selection = spec.key === 'LPLoss' ? spec.class_selection_fun_params : null;
      const targets: Record<string, tf.Tensor> = { target_key: tensorOf(c.targets) };
      if (selection && c.selector) targets[selection.target_subscription_key] = tensorOf(c.selector);
      const predictions = { model_prediction_key: tensorOf(c.predictions) };
      const loss = createLoss(spec);
      record(
        'loss',
        c.spec.key,
        scalarParameters(c.spec),
        check(c, () => values(loss.compute(targets, predictions).arraySync()), lossTolerance),
      );
    });
  }
});

interface EvaluationCase {
  id: string;
  spec: Record<string, unknown> & { key: string };
  batches: Array<{ targets: TensorInput; predictions: TensorInput }>;
  expected: number;
}

describe("a split's loss is the mean over its batches, as in the original", () => {
  for (const c of fixture<EvaluationCase>('evaluation')) {
    it(c.id, () => {
      const loss = createLoss(LossSpecSchema.parse(c.spec));
      const perBatch = c.batches.map((b) =>
        loss
          .compute({ target_key: tensorOf(b.targets) }, { model_prediction_key: tensorOf(b.predictions) })
          .arraySync(),
      );
      const sizes = c.batches.map((b) => b.targets.shape[0] as number);
      const ours = splitLoss(perBatch, sizes, 'batches');
      const d = Math.abs(ours - c.expected);
      expect(d).toBeLessThanOrEqual(lossTolerance(c.expected));
      // Weighting by batch size (the documented option) is another number once the last batch is partial.
      expect(Math.abs(splitLoss(perBatch, sizes, 'samples') - c.expected)).toBeGreaterThan(1e-4);
      record('evaluation', c.spec.key, { loss_averaging: 'batches' }, compared([ours], [c.expected]));
    });
  }
});

interface PostCase {
  id: string;
  key: string;
  params: Record<string, unknown>;
  input: TensorInput;
  expected: TensorInput;
}

describe('post-processors equal torch (on dimension 1)', () => {
  for (const c of fixture<PostCase>('postProcessors')) {
    it(c.id, () => {
      const post =
        c.key === 'DUMMY'
          ? createPostProcessor({ key: 'DUMMY' })
          : createPostProcessor({
              key: c.key,
              params: { ...c.params, prediction_subscription_key: 'x', prediction_publication_key: 'y' },
            } as PostProcessorSpecInput);
      const predictions: Record<string, tf.Tensor> = { x: tensorOf(c.input), model_prediction_key: tensorOf(c.input) };
      post(predictions);
      const out = (c.key === 'DUMMY' ? predictions['model_prediction_key'] : predictions['y']) as tf.Tensor;
      expect(out.shape).toEqual(c.expected.shape);
      const ours = Array.from(out.dataSync());
      expect(difference(ours, c.expected.data), c.id).toBeLessThanOrEqual(1e-6);
      record('post-processor', c.key, c.params, compared(ours, c.expected.data));
    });
  }
});

interface EncoderCase extends Outcome {
  configs: FeatureEncodingConfig[];
  train: unknown[][];
  apply: unknown[][];
}

describe('feature encoders equal the original (np.unique order, StandardScaler)', () => {
  for (const c of fixture<EncoderCase>('featureEncoders')) {
    it(c.id, () => {
      const iterator = (rows: unknown[][], name: string) =>
        new ArrayIterator(
          rows.map((r) => [r, 0]),
          makeMeta({ identifier: name }),
        );
      const encode = fitFeatureEncoders(c.configs, { train: iterator(c.train, 'train') });
      const run = () => {
        const out = encode(iterator(c.apply, 'apply'), 'apply');
        return Array.from({ length: out.length }, (_, i) => Array.from(out.get(i)[0] as Float32Array)).flat();
      };
      const expected = c.expected as unknown as number[][] | undefined;
      const outcome = check({ ...c, expected: expected?.flat() }, run, (t) => 2e-7 * Math.max(1, Math.abs(t)));
      for (const config of c.configs) record('encoder', config.feature_type, {}, outcome);
    });
  }
});
