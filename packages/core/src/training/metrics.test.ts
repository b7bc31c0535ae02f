import { describe, expect, it } from 'vitest';
import { createMetric } from './metrics.js';

const m = (key: string, extra: Record<string, unknown> = {}) => createMetric({ key, tag: key, ...extra });

describe('metrics against hand-computed values', () => {
  // targets 0 0 1 1 2 2, predictions 0 1 1 1 2 0
  // class 0: tp 1 fp 1 fn 1 → p .5 r .5 f1 .5; class 1: tp 2 fp 1 fn 0 → p 2/3 r 1 f1 .8; class 2: tp 1 fp 0 fn 1 → p 1 r .5 f1 2/3
  const t = [0, 0, 1, 1, 2, 2];
  const p = [0, 1, 1, 1, 2, 0];

  it('precision, recall and F1 with macro, micro and weighted averages', () => {
    expect(m('PRECISION', { params: { average: 'macro' } }).compute(t, p)).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 12);
    expect(m('RECALL', { params: { average: 'macro' } }).compute(t, p)).toBeCloseTo((0.5 + 1 + 0.5) / 3, 12);
    expect(m('F1_SCORE', { params: { average: 'macro' } }).compute(t, p)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    expect(m('F1_SCORE', { params: { average: 'micro' } }).compute(t, p)).toBeCloseTo(4 / 6, 12);
    expect(m('F1_SCORE', { params: { average: 'weighted' } }).compute(t, p)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
  });

  it('binary averages on the positive label, accuracy and balanced accuracy', () => {
    const bt = [1, 1, 1, 0, 0];
    const bp = [1, 0, 1, 1, 0];
    expect(m('PRECISION', { params: { average: 'binary' } }).compute(bt, bp)).toBeCloseTo(2 / 3, 12);
    expect(m('RECALL', { params: { average: 'binary' } }).compute(bt, bp)).toBeCloseTo(2 / 3, 12);
    expect(m('ACCURACY').compute(t, p)).toBeCloseTo(4 / 6, 12);
    expect(m('BALANCED_ACCURACY').compute(bt, bp)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
  });

  it('AUROC and AUPR rank good predictions above bad ones and match small exact cases', () => {
    expect(m('AUROC').compute([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(m('AUPR').compute([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo((1 / 2) * 1 + (1 / 2) * (2 / 3), 12);
    const good = m('AUROC').compute(
      [0, 1, 2],
      [
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
      ],
    );
    const bad = m('AUROC').compute(
      [0, 1, 2],
      [
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
        [0.8, 0.1, 0.1],
      ],
    );
    expect(good).toBe(1);
    expect(bad).toBeLessThan(good as number);
  });

  it('Brier score, ECE and recall@k as the original defines them', () => {
    expect(m('BRIER_SCORE').compute([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3])).toBeCloseTo(
      (0.01 + 0.01 + 0.16 + 0.09) / 4,
      12,
    );
    // 7 samples, 3 positives; bins of width 0.1: {0, .01, .05} → bin 0, {.91, .92, .96} → bin 9, {1} → bin 9.
    const targets = [0, 0, 0, 1, 1, 1, 0];
    const predictions = [0, 0.01, 0.05, 0.91, 0.92, 1, 0.96];
    const expected =
      (3 / 7) * Math.abs(0 - (0 + 0.01 + 0.05) / 3) + (4 / 7) * Math.abs(3 / 4 - (0.91 + 0.92 + 1 + 0.96) / 4);
    expect(m('EXPECTED_CALIBRATION_ERROR', { num_bins: 10, class_label: 1 }).compute(targets, predictions)).toBeCloseTo(
      expected,
      12,
    );
    const perBin = m('EXPECTED_CALIBRATION_ERROR', { num_bins: 10, class_label: 1, sum_up_bins: false }).compute(
      targets,
      predictions,
    ) as number[];
    expect(perBin).toHaveLength(10);
    expect(perBin.slice(1, 9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // 4 positives; sorted by score, the top 2 hold one of them and the top 3 two.
    expect(
      m('RECALL_AT_K', { class_label: 1, k_vals: [2, 3], sort_descending: true }).compute(
        [0, 1, 0, 1, 1, 1],
        [0.9, 0.8, 0.6, 0.7, 0.1, 0.2],
      ),
    ).toEqual([1 / 4, 2 / 4]);
  });

  it('refuses unknown metric keys with a suggestion', () => {
    expect(() => m('F1_SCOR')).toThrow(/Did you mean "F1_SCORE"/);
  });
});
