import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { JobResult } from './jobSpec.js';

export interface NestedCvSelection {
  /** Metric (or loss) tag that ranks the configurations. @default the first metric of `split` */
  metric?: string | undefined;
  /** Split the score is read from. @default 'test' (the held-out fold of each split) */
  split?: string | undefined;
  /** @default 'max' */
  mode?: 'max' | 'min' | undefined;
}

export interface NestedCvReport {
  metric: string;
  split: string;
  outer: Array<{
    outerFold: number;
    combination: number;
    experimentId: number;
    innerScore: number;
    scores: Record<string, number>;
  }>;
  summary: Record<string, { mean: number; std: number }>;
}

function scoreOf(result: JobResult | undefined, split: string, metric: string): number | undefined {
  const r = result?.final?.find((x) => x.split === split);
  const v = r ? (metric in r.metrics ? r.metrics[metric] : r.losses[metric]) : undefined;
  return typeof v === 'number' ? v : undefined;
}

/**
 * The nested-CV report of the original's analyser: per outer fold, the configuration with the best
 * score averaged over that fold's inner splits (first on ties), and that configuration's outer
 * experiment; then mean and population std of every scalar score over the selected experiments.
 */
export function nestedCvReport(
  plan: ExperimentPlan,
  results: readonly JobResult[],
  selection: NestedCvSelection = {},
): NestedCvReport {
  const split = selection.split ?? 'test';
  const byId = new Map(results.map((r) => [r.experimentId, r]));
  const firstFinal = results.find((r) => r.final)?.final?.find((x) => x.split === split);
  const metric =
    selection.metric ?? Object.keys(firstFinal?.metrics ?? {})[0] ?? Object.keys(firstFinal?.losses ?? {})[0] ?? '';
  const sign = (selection.mode ?? 'max') === 'max' ? 1 : -1;
  const outerFolds = [
    ...new Set(
      plan.experiments.map((e) => e.fold?.['id_outer_test_fold_id']).filter((f): f is number => f !== undefined),
    ),
  ].sort((a, b) => a - b);
  const outer: NestedCvReport['outer'] = [];
  for (const fold of outerFolds) {
    const inner = plan.experiments.filter(
      (e) => e.fold?.['id_outer_test_fold_id'] === fold && (e.fold?.['id_inner_test_fold_id'] ?? -1) >= 0,
    );
    let best: { combination: number; score: number } | undefined;
    for (let c = 0; c < plan.gridSize; c++) {
      const scores = inner
        .filter((e) => e.hyper_paramater_combination_id === c)
        .map((e) => scoreOf(byId.get(e.experiment_id), split, metric))
        .filter((s): s is number => s !== undefined);
      if (scores.length === 0) continue;
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      if (!best || sign * mean > sign * best.score) best = { combination: c, score: mean };
    }
    if (!best) continue;
    const chosen = plan.experiments.find(
      (e) =>
        e.fold?.['id_outer_test_fold_id'] === fold &&
        e.fold?.['id_inner_test_fold_id'] === -1 &&
        e.hyper_paramater_combination_id === best.combination,
    );
    if (!chosen) continue;
    const final = byId.get(chosen.experiment_id)?.final?.find((x) => x.split === split);
    const scores = Object.fromEntries(
      [...Object.entries(final?.metrics ?? {}), ...Object.entries(final?.losses ?? {})].filter(
        (e): e is [string, number] => typeof e[1] === 'number',
      ),
    );
    outer.push({
      outerFold: fold,
      combination: best.combination,
      experimentId: chosen.experiment_id,
      innerScore: best.score,
      scores,
    });
  }
  const summary: NestedCvReport['summary'] = {};
  for (const key of new Set(outer.flatMap((o) => Object.keys(o.scores)))) {
    const values = outer.map((o) => o.scores[key]).filter((v): v is number => v !== undefined);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    summary[key] = { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
  }
  return { metric, split, outer, summary };
}

export function formatNestedCvReport(report: NestedCvReport): string {
  const lines = [
    `nested cross validation: configurations selected by mean inner-fold ${report.split} ${report.metric}`,
  ];
  for (const o of report.outer)
    lines.push(
      `  outer fold ${o.outerFold}: configuration ${o.combination} (inner mean ${o.innerScore.toFixed(4)}) → experiment ${o.experimentId}`,
    );
  lines.push(`  outer ${report.split} scores of the selected experiments, mean (std):`);
  for (const [key, { mean, std }] of Object.entries(report.summary))
    lines.push(`    ${key}: ${mean.toFixed(4)} (${std.toFixed(4)})`);
  return lines.join('\n');
}
