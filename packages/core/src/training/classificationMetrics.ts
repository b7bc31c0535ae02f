import { checkTargets, metricError, uniqueSorted } from './targetType.js';
import type { Column } from './targetType.js';

export type PrfAverage = 'binary' | 'micro' | 'macro' | 'weighted' | 'samples' | null;

export interface PrfParams {
  average: PrfAverage;
  labels: number[] | null;
  pos_label: number;
  zero_division: 'warn' | 0 | 1;
}

interface Counts {
  tp: number[];
  pred: number[];
  true: number[];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;
const weightedMean = (xs: readonly number[], w: readonly number[]) =>
  xs.reduce((n, x, i) => n + x * (w[i] as number), 0) / sum(w);

/** sklearn's multilabel_confusion_matrix, reduced to the per-label sums precision and recall need. */
function counts(checked: ReturnType<typeof checkTargets>, labels: number[] | null, samplewise: boolean): Counts {
  if (checked.type === 'multilabel-indicator') {
    const width = checked.t[0]?.length ?? 0;
    if (labels && labels.some((l) => l >= width || l < 0 || !Number.isInteger(l))) {
      throw metricError(`labels must be column indices in [0, ${width}) for one-hot (multilabel) targets`);
    }
    const columns = labels ?? Array.from({ length: width }, (_, i) => i);
    const n = samplewise ? checked.t.length : columns.length;
    const c: Counts = { tp: new Array(n).fill(0), pred: new Array(n).fill(0), true: new Array(n).fill(0) };
    checked.t.forEach((row, i) => {
      const prow = checked.p[i] as number[];
      columns.forEach((col, j) => {
        const k = samplewise ? i : j;
        const t = row[col] !== 0;
        const p = prow[col] !== 0;
        if (t && p) c.tp[k]!++;
        if (p) c.pred[k]!++;
        if (t) c.true[k]!++;
      });
    });
    return c;
  }
  if (samplewise) throw metricError('average "samples" needs one-hot (multilabel) targets and predictions');
  const selected = labels ?? uniqueSorted([...checked.t, ...checked.p]);
  const index = new Map(selected.map((l, i) => [l, i] as const));
  const c: Counts = {
    tp: new Array(selected.length).fill(0),
    pred: new Array(selected.length).fill(0),
    true: new Array(selected.length).fill(0),
  };
  checked.t.forEach((y, i) => {
    const q = checked.p[i] as number;
    const ti = index.get(y);
    const pi = index.get(q);
    if (ti !== undefined) c.true[ti]!++;
    if (pi !== undefined) c.pred[pi]!++;
    if (ti !== undefined && y === q) c.tp[ti]!++;
  });
  return c;
}

/** sklearn's set-wise label check: which labels precision and recall are computed for. */
function setWiseLabels(checked: ReturnType<typeof checkTargets>, params: PrfParams): number[] | null {
  if (params.average !== 'binary') return params.labels;
  if (checked.type !== 'binary') {
    throw metricError(
      `the labels are ${checked.type} but average is "binary" (the default)`,
      `Set params.average to one of micro, macro, weighted${checked.type === 'multilabel-indicator' ? ', samples' : ''} or null (one value per class)`,
    );
  }
  const present = uniqueSorted([...checked.t, ...checked.p]);
  if (!present.includes(params.pos_label) && present.length >= 2) {
    throw metricError(`pos_label ${params.pos_label} is not one of the labels ${present.join(', ')}`);
  }
  return [params.pos_label];
}

const divide = (n: number[], d: number[], zero: number) => n.map((x, i) => (d[i] === 0 ? zero : x / (d[i] as number)));

/** precision, recall and F1 as sklearn's precision_recall_fscore_support computes them. */
export function precisionRecallF1(
  kind: 'precision' | 'recall' | 'f1',
  params: PrfParams,
): (targets: Column, predictions: Column) => number | number[] {
  return (targets, predictions) => {
    const checked = checkTargets(targets, predictions);
    const labels = setWiseLabels(checked, params);
    const average = params.average;
    let c = counts(checked, labels, average === 'samples');
    if (average === 'micro') c = { tp: [sum(c.tp)], pred: [sum(c.pred)], true: [sum(c.true)] };
    const zero = params.zero_division === 1 ? 1 : 0;
    const precision = divide(c.tp, c.pred, zero);
    const recall = divide(c.tp, c.true, zero);
    const f1 = precision.map((p, i) => {
      const r = recall[i] as number;
      return p + r === 0 ? 0 : (2 * p * r) / (p + r);
    });
    const values = kind === 'precision' ? precision : kind === 'recall' ? recall : f1;
    if (average === null) return values;
    if (average === 'weighted') {
      if (sum(c.true) === 0) {
        // Nothing true: recall is undefined; F1 and precision too when nothing was predicted either.
        if (sum(c.pred) === 0 || kind === 'recall') return zero;
        return 0;
      }
      return weightedMean(values, c.true);
    }
    return mean(values);
  };
}

export function accuracy(params: { normalize: boolean }) {
  return (targets: Column, predictions: Column): number => {
    const checked = checkTargets(targets, predictions);
    const hits =
      checked.type === 'multilabel-indicator'
        ? checked.t.filter((row, i) => row.every((v, j) => v === (checked.p[i] as number[])[j])).length
        : checked.t.filter((y, i) => y === checked.p[i]).length;
    return params.normalize ? hits / checked.t.length : hits;
  };
}

/** Mean recall over the classes present in the targets; `adjusted` rescales chance to 0. */
export function balancedAccuracy(params: { adjusted: boolean }) {
  return (targets: Column, predictions: Column): number => {
    const checked = checkTargets(targets, predictions);
    if (checked.type === 'multilabel-indicator') {
      throw metricError(
        'balanced accuracy needs class labels; one-hot (multilabel) rows are not supported (as sklearn)',
      );
    }
    const c = counts(checked, null, false);
    const perClass = c.tp.map((tp, i) => tp / (c.true[i] as number)).filter((v) => !Number.isNaN(v));
    let score = mean(perClass);
    if (params.adjusted) {
      const chance = 1 / perClass.length;
      score = (score - chance) / (1 - chance);
    }
    return score;
  };
}
