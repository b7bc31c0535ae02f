import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { DataLoader } from './dataLoader.js';
import type { SplitResult } from './earlyStopping.js';
import type { LossFunction } from './losses.js';
import type { Column, Metric, MetricValue } from './metrics.js';
import { createMetric } from './metrics.js';
import type { MetricSpecInput } from './metrics.js';
import type { MlgymModel } from './models.js';
import type { PostProcessor } from './postProcessors.js';

export interface EvaluationProgress {
  split: string;
  splits: string[];
  batch: number;
  batches: number;
}

/** What EVAL_COMPONENT builds: the split loaders and what to compute on each split. */
export interface EvalComponent {
  loaders: Record<string, DataLoader>;
  losses: LossFunction[];
  metrics: Metric[];
  postProcessors: PostProcessor[];
  /** split → processors applied before the default ones. */
  splitPostProcessors: Record<string, PostProcessor[]>;
  /** metric tag → splits it is computed on (all when absent). */
  metricSplits?: Record<string, string[]>;
  lossSplits?: Record<string, string[]>;
  /**
   * How a split's loss is made from its batches' values: `batches` (the original's) is their
   * arithmetic mean, so a last, partial batch weighs as much as a full one; `samples` weights each
   * batch by its size (for a loss averaged within the batch: the mean over the split's samples).
   * @default 'batches'
   */
  lossAveraging?: LossAveraging;
}

export type LossAveraging = 'batches' | 'samples';

export function evalComponent(
  options: Omit<EvalComponent, 'metrics'> & { metricSpecs: MetricSpecInput[] },
): EvalComponent {
  return { ...options, metrics: options.metricSpecs.map(createMetric) };
}

/** A split's loss from its batches' values (each `loss(batch).sum()`) and sizes. */
export function splitLoss(values: readonly number[], sizes: readonly number[], averaging: LossAveraging): number {
  if (averaging === 'samples') {
    const total = sizes.reduce((a, b) => a + b, 0);
    return values.reduce((n, v, i) => n + v * (sizes[i] as number), 0) / total;
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function rows(t: tf.Tensor): Column {
  if (t.rank <= 1) return Array.from(t.dataSync());
  return t.reshape([t.shape[0] as number, -1]).arraySync() as number[][];
}

/**
 * Evaluates every split in order: each loss is averaged over the batches (see `lossAveraging`) and
 * metrics are computed once on the whole split. `onProgress` runs after each batch; the evaluation waits for it
 * (the training loop yields to the event loop there).
 */
export async function evaluate(
  model: MlgymModel,
  component: EvalComponent,
  onProgress?: (p: EvaluationProgress) => void | Promise<void>,
): Promise<SplitResult[]> {
  const splits = Object.keys(component.loaders);
  const results: SplitResult[] = [];
  for (const split of splits) {
    const loader = component.loaders[split] as DataLoader;
    const wanted = (tag: string, table?: Record<string, string[]>) =>
      !table?.[tag] || (table[tag] as string[]).includes(split);
    const losses = component.losses.filter((l) => wanted(l.tag, component.lossSplits));
    const metrics = component.metrics.filter((m) => wanted(m.tag, component.metricSplits));
    const lossValues = new Map<string, number[]>(losses.map((l) => [l.tag, []]));
    const sizes: number[] = [];
    const targets = new Map<string, Array<number | number[]>>();
    const predictions = new Map<string, Array<number | number[]>>();
    const targetKeys = new Set(metrics.map((m) => m.targetKey));
    const predictionKeys = new Set(metrics.flatMap((m) => m.predictionKeys));
    const collect = (into: Map<string, Array<number | number[]>>, key: string, t: tf.Tensor | undefined) => {
      if (!t) return;
      if (!into.has(key)) into.set(key, []);
      const list = into.get(key) as Array<number | number[]>;
      for (const row of rows(t)) list.push(row);
    };
    let batchIndex = 0;
    const batches = Math.ceil(loader.options.iterator.length / loader.options.batchSize);
    for (const batch of loader.inOrder()) {
      tf.tidy(() => {
        const input = batch.samples.reshape([batch.size, ...model.inputShape]);
        const preds: Record<string, tf.Tensor> = {
          [model.predictionKey]: model.model.apply(input, { training: false }) as tf.Tensor,
        };
        for (const p of [...(component.splitPostProcessors[split] ?? []), ...component.postProcessors]) p(preds);
        for (const l of losses) lossValues.get(l.tag)?.push(l.compute(batch.targets, preds).dataSync()[0] as number);
        for (const key of targetKeys) collect(targets, key, batch.targets[key]);
        for (const key of predictionKeys) collect(predictions, key, preds[key]);
      });
      tf.dispose([batch.samples, ...Object.values(batch.targets)]);
      sizes.push(batch.size);
      await onProgress?.({ split, splits, batch: ++batchIndex, batches });
    }
    const result: SplitResult = { split, metrics: {}, losses: {} };
    const averaging = component.lossAveraging ?? 'batches';
    for (const l of losses) result.losses[l.tag] = splitLoss(lossValues.get(l.tag) ?? [], sizes, averaging);
    for (const m of metrics) {
      result.metrics[m.tag] = computeMetric(m, split, targets, predictions);
    }
    results.push(result);
  }
  return results;
}

function computeMetric(
  m: Metric,
  split: string,
  targets: Map<string, Array<number | number[]>>,
  predictions: Map<string, Array<number | number[]>>,
): MetricValue {
  try {
    return m.compute(
      (targets.get(m.targetKey) ?? []) as Column,
      m.predictionKeys.map((k) => (predictions.get(k) ?? []) as Column),
    );
  } catch (error) {
    if (!(error instanceof MlgymError)) throw error;
    // Say which metric failed on which split (sklearn's refusals depend on the split's labels).
    throw new MlgymError({
      code: error.code,
      issues: error.issues.map((i) => ({
        ...i,
        problem: `metric ${m.tag} (${m.key}) on split "${split}": ${i.problem}`,
      })),
      cause: error,
    });
  }
}
