import { describe, expect, it } from 'vitest';
import type { Series } from '../../analysis/series/seriesSlice';
import { isFoldPath } from '../../analysis/experiments/foldPaths';
import { cvReport, foldInfo, meanStd } from './cvReport';

function series(key: string, kind: Series['kind'], finals: Record<number, number>): Series {
  const [split, ...tag] = key.split('_');
  const byExperiment: Series['byExperiment'] = {};
  for (const [id, v] of Object.entries(finals)) byExperiment[Number(id)] = { epochs: [0, 1], values: [0, v] };
  return {
    key,
    split: split!,
    tag: tag.join('_'),
    kind,
    experimentIds: Object.keys(finals).map(Number),
    byExperiment,
  };
}

/** The nested-CV example's layout: outer splits first (inner -1), then the inner splits, × 2 configurations. */
function nestedConfigs(outer: number, inner: number, grid: number) {
  const configs: Record<number, unknown> = {};
  const splits: Array<[number, number]> = [];
  for (let o = 0; o < outer; o++) splits.push([o, -1]);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) splits.push([o, i]);
  let id = 0;
  for (const [o, i] of splits)
    for (let c = 0; c < grid; c++) {
      configs[id] = {
        info: {
          component_type_key: 'DATASET_ITERATORS',
          config: {
            experiment_id: id,
            hyper_paramater_combination_id: c,
            outer_test_fold_id: o,
            inner_test_fold_id: i,
          },
        },
        optimizer: { config: { params: { lr: c === 0 ? 0.1 : 0.01 } } },
        eval: {
          config: {
            metrics_config: [
              { key: 'ACCURACY', tag: 'accuracy' },
              { key: 'F1', tag: 'f1' },
            ],
          },
        },
      };
      id++;
    }
  return configs;
}

describe('cvReport', () => {
  it('finds the fold ids wherever the config holds them', () => {
    expect(foldInfo(nestedConfigs(3, 2, 2)[13])).toEqual({
      combination: 1,
      valFold: null,
      outerFold: 1,
      innerFold: 1,
    });
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1, n: 2 });
    expect(isFoldPath('folds.config.split_indices.train')).toBe(true);
    expect(isFoldPath('info.config.outer_test_fold_id')).toBe(true);
    expect(isFoldPath('optimizer.config.params.lr')).toBe(false);
  });

  it('nested CV: chooses per outer fold the configuration with the best mean inner score', () => {
    // ids: 0–5 outer (fold o, config c → id 2o+c), 6–17 inner (fold o, inner i, config c → 6 + 4o + 2i + c)
    const acc: Record<number, number> = {};
    const loss: Record<number, number> = {};
    for (let id = 0; id < 18; id++) {
      acc[id] = 0.5;
      loss[id] = 1;
    }
    // Outer fold 0: config 1 wins inside (0.9, 0.7 vs 0.6, 0.6); fold 1: config 0; fold 2: a tie → first (0).
    Object.assign(acc, { 6: 0.6, 7: 0.9, 8: 0.6, 9: 0.7, 10: 0.8, 11: 0.5, 12: 0.8, 13: 0.5 });
    Object.assign(acc, { 14: 0.7, 15: 0.7, 16: 0.7, 17: 0.7 });
    Object.assign(acc, { 1: 0.8, 2: 0.9, 4: 0.7 });
    Object.assign(loss, { 1: 0.2, 2: 0.4, 4: 0.6 });
    const report = cvReport(nestedConfigs(3, 2, 2), {
      // Sorted first, but the config lists accuracy first: the CLI ranks by the config's first metric.
      test_a_first: series('test_a_first', 'metric', loss),
      test_accuracy: series('test_accuracy', 'metric', acc),
      test_loss: series('test_loss', 'loss', loss),
      train_loss: series('train_loss', 'loss', loss),
    });
    expect(report.kind).toBe('nested');
    if (report.kind !== 'nested') return;
    expect(report.metric).toBe('accuracy');
    expect(report.outer.map((o) => [o.outerFold, o.combination, o.experimentId])).toEqual([
      [0, 1, 1],
      [1, 0, 2],
      [2, 0, 4],
    ]);
    expect(report.outer[0]!.innerScore).toBeCloseTo(0.8);
    expect(report.outer[0]!.scores).toEqual({ test_a_first: 0.2, test_accuracy: 0.8, test_loss: 0.2 });
    expect(report.summary['test_accuracy']!.mean).toBeCloseTo(0.8);
    expect(report.summary['test_accuracy']!.std).toBeCloseTo(Math.sqrt(0.02 / 3));
    expect(report.summary['test_loss']!.mean).toBeCloseTo(0.4);
  });

  it('CV: mean and std of every configuration over its folds, the best one marked; a loss ranks low first', () => {
    const configs: Record<number, unknown> = {};
    const loss: Record<number, number> = {};
    for (let fold = 0; fold < 3; fold++)
      for (let c = 0; c < 2; c++) {
        const id = fold * 2 + c;
        configs[id] = { info: { config: { hyper_paramater_combination_id: c, val_fold_id: fold } } };
        loss[id] = c === 0 ? 0.5 + fold * 0.1 : 0.3;
      }
    const report = cvReport(configs, { val_loss: series('val_loss', 'loss', loss) });
    expect(report.kind).toBe('cv');
    if (report.kind !== 'cv') return;
    expect(report.mode).toBe('min');
    expect(report.best).toBe(1);
    expect(report.configurations[0]!.folds.map((f) => f.experimentId)).toEqual([0, 2, 4]);
    expect(report.configurations[0]!.score.mean).toBeCloseTo(0.6);
    expect(report.configurations[1]!.scores['val_loss']).toEqual({ mean: 0.3, std: 0, n: 3 });
  });

  it('says when a grid search has no folds', () => {
    expect(cvReport({ 0: { a: 1 } }, {})).toEqual({ kind: 'none' });
  });
});
