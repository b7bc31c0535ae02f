import { describe, expect, it } from 'vitest';
import { createMetric } from './metrics.js';
import type { Column, MetricSpecInput } from './metrics.js';

const m = (spec: MetricSpecInput) => createMetric(spec);
const score = (spec: MetricSpecInput, t: Column, p: Column) => m(spec).compute(t, [p]);

describe('metrics against hand-computed values', () => {
  // targets 0 0 0 1 1 2 (supports 3, 2, 1), predictions 0 1 0 1 1 0
  // class 0: tp 2 fp 1 fn 1 → p 2/3 r 2/3 f1 2/3; class 1: tp 2 fp 1 fn 0 → p 2/3 r 1 f1 .8;
  // class 2: tp 0 fp 0 fn 1 → p 0/0 (zero_division) r 0 f1 0
  const t = [0, 0, 0, 1, 1, 2];
  const p = [0, 1, 0, 1, 1, 0];

  it('precision, recall and F1 with macro, micro and weighted averages (weighted ≠ macro here)', () => {
    const f1 = (average: 'macro' | 'micro' | 'weighted') => score({ key: 'F1_SCORE', params: { average } }, t, p);
    expect(score({ key: 'PRECISION', params: { average: 'macro' } }, t, p)).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
    expect(score({ key: 'RECALL', params: { average: 'macro' } }, t, p)).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(f1('macro')).toBeCloseTo((2 / 3 + 0.8 + 0) / 3, 12);
    expect(f1('weighted')).toBeCloseTo((3 * (2 / 3) + 2 * 0.8 + 1 * 0) / 6, 12);
    expect(f1('weighted')).not.toBeCloseTo(f1('macro') as number, 3);
    expect(f1('micro')).toBeCloseTo(4 / 6, 12);
    expect(score({ key: 'F1_SCORE', params: { average: null } }, t, p)).toEqual([
      expect.closeTo(2 / 3, 12),
      expect.closeTo(0.8, 12),
      0,
    ]);
  });

  it('zero_division decides the precision of a class that is never predicted', () => {
    const precision = (zero_division: 'warn' | 0 | 1) =>
      score({ key: 'PRECISION', params: { average: 'macro', zero_division } }, t, p);
    expect(precision('warn')).toBeCloseTo(4 / 9, 12);
    expect(precision(0)).toBeCloseTo(4 / 9, 12);
    expect(precision(1)).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
  });

  it('binary averages on the positive label, accuracy and balanced accuracy (also adjusted)', () => {
    const bt = [1, 1, 1, 0, 0];
    const bp = [1, 0, 1, 1, 0];
    expect(score({ key: 'PRECISION' }, bt, bp)).toBeCloseTo(2 / 3, 12);
    expect(score({ key: 'RECALL', params: { pos_label: 0 } }, bt, bp)).toBeCloseTo(1 / 2, 12);
    expect(score({ key: 'ACCURACY' }, t, p)).toBeCloseTo(4 / 6, 12);
    expect(score({ key: 'ACCURACY', params: { normalize: false } }, t, p)).toBe(4);
    expect(score({ key: 'BALANCED_ACCURACY' }, bt, bp)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    // adjusted: (score − 1/2) / (1 − 1/2)
    expect(score({ key: 'BALANCED_ACCURACY', params: { adjusted: true } }, bt, bp)).toBeCloseTo(
      ((2 / 3 + 1 / 2) / 2 - 0.5) / 0.5,
      12,
    );
  });

  it('reads targets of shape (N, 1) as labels, not as rows to arg-max', () => {
    const column = [[1], [1], [1], [0], [0]];
    expect(score({ key: 'F1_SCORE' }, column, [1, 0, 1, 1, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('raises where scikit-learn raises, saying what to change', () => {
    expect(() => score({ key: 'F1_SCORE' }, t, p)).toThrow(/multiclass but average is "binary".*params\.average/);
    expect(() => score({ key: 'F1_SCORE' }, [0, 1, 1], [0.2, 0.7, 0.9])).toThrow(/continuous.*ARG_MAX/);
    expect(() =>
      score(
        { key: 'AUROC' },
        [0, 1, 2],
        [
          [0.8, 0.1, 0.1],
          [0.1, 0.8, 0.1],
          [0.1, 0.1, 0.8],
        ],
      ),
    ).toThrow(/params\.multi_class to ovr.*or ovo/);
    expect(() => score({ key: 'AUROC' }, [1, 1, 1], [0.1, 0.5, 0.9])).toThrow(/only one class/);
  });

  it('AUROC and AUPR match small exact cases; multiclass AUROC one against the rest', () => {
    expect(score({ key: 'AUROC' }, [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(score({ key: 'AUPR' }, [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(
      (1 / 2) * 1 + (1 / 2) * (2 / 3),
      12,
    );
    const rows = [
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.1, 0.8],
    ];
    expect(score({ key: 'AUROC', params: { multi_class: 'ovr' } }, [0, 1, 2], rows)).toBe(1);
    expect(score({ key: 'AUROC', params: { multi_class: 'ovo' } }, [1, 2, 0], rows)).toBeLessThan(1);
  });

  it('Brier score, ECE and recall@k as the original defines them', () => {
    expect(score({ key: 'BRIER_SCORE' }, [0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3])).toBeCloseTo(
      (0.01 + 0.01 + 0.16 + 0.09) / 4,
      12,
    );
    // 7 samples, 3 positives; bins of width 0.1: {0, .01, .05} → bin 0, {.91, .92, .96} → bin 9, {1} → bin 9.
    const targets = [0, 0, 0, 1, 1, 1, 0];
    const predictions = [0, 0.01, 0.05, 0.91, 0.92, 1, 0.96];
    const expected =
      (3 / 7) * Math.abs(0 - (0 + 0.01 + 0.05) / 3) + (4 / 7) * Math.abs(3 / 4 - (0.91 + 0.92 + 1 + 0.96) / 4);
    const ece = { key: 'EXPECTED_CALIBRATION_ERROR', num_bins: 10, class_label: 1 } as const;
    expect(score(ece, targets, predictions)).toBeCloseTo(expected, 12);
    const perBin = score({ ...ece, sum_up_bins: false }, targets, predictions) as number[];
    expect(perBin).toHaveLength(10);
    expect(perBin.slice(1, 9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // 4 positives; sorted by score, the top 2 hold one of them and the top 3 two.
    const recall = { key: 'RECALL_AT_K' as const, class_label: 1, k_vals: [2, 3], sort_descending: true };
    expect(score(recall, [0, 1, 0, 1, 1, 1], [0.9, 0.8, 0.6, 0.7, 0.1, 0.2])).toEqual([1 / 4, 2 / 4]);
    // The area under (2, 1/4), (3, 2/4): one trapezoid of width 1.
    expect(
      score({ ...recall, key: 'AREA_UNDER_RECALL_AT_K' as const }, [0, 1, 0, 1, 1, 1], [0.9, 0.8, 0.6, 0.7, 0.1, 0.2]),
    ).toBeCloseTo(3 / 8, 12);
  });

  it('the classwise ECE reads two predictions: class 0 on the first, class 1 on the second', () => {
    const metric = m({
      key: 'BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR',
      prediction_subscription_key_0: 'p0',
      prediction_subscription_key_1: 'p1',
      num_bins: 2,
    });
    expect(metric.predictionKeys).toEqual(['p0', 'p1']);
    // class 0: bin 0 holds {.2}: |0 − .2| = .2 (weight 1/2); bin 1 holds {.9}: |1 − .9| = .1 (1/2) → .15.
    // class 1: bin 0 holds {.1}: |0 − .1|; bin 1 holds {.8}: |1 − .8| → .15. Mean .15.
    expect(
      metric.compute(
        [1, 0],
        [
          [0.2, 0.9],
          [0.8, 0.1],
        ],
      ),
    ).toBeCloseTo(0.15, 12);
  });

  it('refuses unknown metric keys with a suggestion, and parameters sklearn does not take', () => {
    expect(() => m({ key: 'F1_SCOR' } as never)).toThrow(/Did you mean "F1_SCORE"/);
    expect(() => m({ key: 'F1_SCORE', params: { averag: 'macro' } } as never)).toThrow(
      /params\.averag: unknown key.*Did you mean "average"/,
    );
    expect(() => m({ key: 'AUROC', params: { sample_weight: [1, 2] } })).toThrow(/sample_weight is not supported/);
    expect(() => m({ key: 'BRIER_SCORE', class_label: 1 } as never)).toThrow(/class_label: unknown key/);
  });
});
