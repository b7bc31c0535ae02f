import { describe, expect, it } from 'vitest';
import type { ExperimentPlan, PlannedExperiment } from '../experiments/planExperiments.js';
import type { JobResult } from './jobSpec.js';
import { formatNestedCvReport, nestedCvReport } from './nestedCvReport.js';

/** 2 outer folds × 2 inner folds × 2 configurations, numbered as the planner does. */
function fixture(
  innerScore: (outer: number, inner: number, combination: number) => number,
  outerScore: (outer: number, combination: number) => number,
) {
  const experiments: PlannedExperiment[] = [];
  const results: JobResult[] = [];
  const splits: Array<[number, number]> = [
    [0, -1],
    [1, -1],
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  for (const [outer, inner] of splits) {
    for (const c of [0, 1]) {
      const id = experiments.length;
      experiments.push({
        experiment_id: id,
        config_hash: '',
        config: {},
        swept: {},
        hyper_paramater_combination_id: c,
        fold: { id_outer_test_fold_id: outer, id_inner_test_fold_id: inner },
      });
      const score = inner === -1 ? outerScore(outer, c) : innerScore(outer, inner, c);
      results.push({
        experimentId: id,
        status: 'done',
        lastEpoch: 1,
        stoppedEarly: false,
        seconds: 1,
        final: [{ split: 'test', metrics: { f1: score }, losses: { loss: 1 - score } }],
      });
    }
  }
  return { plan: { experiments, gridSize: 2, mode: 'NESTED_CROSS_VALIDATION' } as unknown as ExperimentPlan, results };
}

describe('nestedCvReport', () => {
  it('selects per outer fold the configuration with the best mean inner score and reports its outer scores', () => {
    // Outer fold 0 prefers configuration 1, outer fold 1 configuration 0.
    const { plan, results } = fixture(
      (o, _i, c) => (o === 0 ? (c === 1 ? 0.9 : 0.8) : c === 0 ? 0.7 : 0.6),
      (o, c) => 0.5 + 0.1 * o + 0.01 * c,
    );
    const report = nestedCvReport(plan, results);
    expect(report.metric).toBe('f1');
    expect(report.outer.map((o) => [o.outerFold, o.combination, o.experimentId])).toEqual([
      [0, 1, 1],
      [1, 0, 2],
    ]);
    expect(report.summary['f1']!.mean).toBeCloseTo((0.51 + 0.6) / 2, 12);
    expect(report.summary['f1']!.std).toBeCloseTo(Math.abs(0.6 - 0.51) / 2, 12);
    expect(formatNestedCvReport(report)).toMatch(/outer fold 0: configuration 1 .*→ experiment 1/);
  });

  it('can rank by a loss to minimise; ties go to the first configuration', () => {
    const { plan, results } = fixture(
      () => 0.5,
      () => 0.5,
    );
    const report = nestedCvReport(plan, results, { metric: 'loss', mode: 'min' });
    expect(report.outer.map((o) => o.combination)).toEqual([0, 0]);
  });
});
