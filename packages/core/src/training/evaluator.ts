import * as tf from '@tensorflow/tfjs';
import type { DataLoader } from './dataLoader.js';
import type { SplitResult } from './earlyStopping.js';
import type { LossFunction } from './losses.js';
import type { Column, Metric } from './metrics.js';
import { createMetric } from './metrics.js';
import type { MetricSpec } from './metrics.js';
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
}

export function evalComponent(options: Omit<EvalComponent, 'metrics'> & { metricSpecs: MetricSpec[] }): EvalComponent {
  return { ...options, metrics: options.metricSpecs.map(createMetric) };
}

function rows(t: tf.Tensor): Column {
  if (t.rank <= 1) return Array.from(t.dataSync());
  return t.reshape([t.shape[0] as number, -1]).arraySync() as number[][];
}

/**
 * Evaluates every split in order: the loss is averaged per sample (not per batch) and metrics are
 * computed once on the whole split. `onProgress` runs after each batch; the evaluation waits for it
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
    const lossSums = new Map<string, number>();
    const targets = new Map<string, Array<number | number[]>>();
    const predictions = new Map<string, Array<number | number[]>>();
    const targetKeys = new Set(metrics.map((m) => m.targetKey));
    const predictionKeys = new Set(metrics.map((m) => m.predictionKey));
    const collect = (into: Map<string, Array<number | number[]>>, key: string, t: tf.Tensor | undefined) => {
      if (!t) return;
      if (!into.has(key)) into.set(key, []);
      const list = into.get(key) as Array<number | number[]>;
      for (const row of rows(t)) list.push(row);
    };
    let count = 0;
    let batchIndex = 0;
    const batches = Math.ceil(loader.options.iterator.length / loader.options.batchSize);
    for (const batch of loader.inOrder()) {
      tf.tidy(() => {
        const input = batch.samples.reshape([batch.size, ...model.inputShape]);
        const preds: Record<string, tf.Tensor> = {
          [model.predictionKey]: model.model.apply(input, { training: false }) as tf.Tensor,
        };
        for (const p of [...(component.splitPostProcessors[split] ?? []), ...component.postProcessors]) p(preds);
        for (const l of losses)
          lossSums.set(l.tag, (lossSums.get(l.tag) ?? 0) + l.compute(batch.targets, preds).dataSync()[0]! * batch.size);
        for (const key of targetKeys) collect(targets, key, batch.targets[key]);
        for (const key of predictionKeys) collect(predictions, key, preds[key]);
      });
      tf.dispose([batch.samples, ...Object.values(batch.targets)]);
      count += batch.size;
      await onProgress?.({ split, splits, batch: ++batchIndex, batches });
    }
    const result: SplitResult = { split, metrics: {}, losses: {} };
    for (const l of losses) result.losses[l.tag] = (lossSums.get(l.tag) ?? 0) / count;
    for (const m of metrics) {
      result.metrics[m.tag] = m.compute(
        (targets.get(m.targetKey) ?? []) as Column,
        (predictions.get(m.predictionKey) ?? []) as Column,
      );
    }
    results.push(result);
  }
  return results;
}
