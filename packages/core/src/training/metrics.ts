import { MlgymError } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';

/** Predictions and targets of a whole split, as plain numbers (rows for per-class scores). */
export type Column = number[] | number[][];
export type MetricValue = number | number[];

export interface MetricSpec {
  key: string;
  tag?: string;
  target_subscription_key?: string;
  prediction_subscription_key?: string;
  params?: Record<string, unknown>;
  [param: string]: unknown;
}

export interface Metric {
  tag: string;
  targetKey: string;
  predictionKey: string;
  compute(targets: Column, predictions: Column): MetricValue;
}

const flat = (c: Column): number[] => (Array.isArray(c[0]) ? (c as number[][]).flat() : (c as number[]));
const labels = (c: Column): number[] =>
  Array.isArray(c[0]) ? (c as number[][]).map((row) => row.indexOf(Math.max(...row))) : (c as number[]);
const safeDiv = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Per-class counts over the union of true and predicted labels (scikit-learn's label set). */
function confusion(t: number[], p: number[]) {
  const classes = [...new Set([...t, ...p])].sort((a, b) => a - b);
  const tp = new Map<number, number>();
  const fp = new Map<number, number>();
  const fn = new Map<number, number>();
  const support = new Map<number, number>();
  for (let i = 0; i < t.length; i++) {
    const y = t[i] as number;
    const q = p[i] as number;
    support.set(y, (support.get(y) ?? 0) + 1);
    if (y === q) tp.set(y, (tp.get(y) ?? 0) + 1);
    else {
      fp.set(q, (fp.get(q) ?? 0) + 1);
      fn.set(y, (fn.get(y) ?? 0) + 1);
    }
  }
  return {
    classes,
    tp: (c: number) => tp.get(c) ?? 0,
    fp: (c: number) => fp.get(c) ?? 0,
    fn: (c: number) => fn.get(c) ?? 0,
    support: (c: number) => support.get(c) ?? 0,
  };
}

type Average = 'macro' | 'micro' | 'weighted' | 'binary';

/** precision / recall / F1 with scikit-learn's averaging (zero_division = 0). */
function prf(kind: 'precision' | 'recall' | 'f1', params: Record<string, unknown>) {
  const average = (params['average'] ?? 'binary') as Average;
  const posLabel = Number(params['pos_label'] ?? 1);
  return (targets: Column, predictions: Column): number => {
    const t = labels(targets);
    const p = labels(predictions);
    const c = confusion(t, p);
    const score = (tp: number, fp: number, fn: number) => {
      const precision = safeDiv(tp, tp + fp);
      const recall = safeDiv(tp, tp + fn);
      return kind === 'precision'
        ? precision
        : kind === 'recall'
          ? recall
          : safeDiv(2 * precision * recall, precision + recall);
    };
    if (average === 'binary') return score(c.tp(posLabel), c.fp(posLabel), c.fn(posLabel));
    if (average === 'micro') {
      const sum = (f: (k: number) => number) => c.classes.reduce((n, k) => n + f(k), 0);
      return score(sum(c.tp), sum(c.fp), sum(c.fn));
    }
    const per = c.classes.map((k) => score(c.tp(k), c.fp(k), c.fn(k)));
    if (average === 'macro') return per.reduce((a, b) => a + b, 0) / per.length;
    const total = c.classes.reduce((n, k) => n + c.support(k), 0);
    return per.reduce((n, s, i) => n + s * c.support(c.classes[i] as number), 0) / total;
  };
}

/** Area under the ROC curve of scores for a binary target (ties averaged, Mann–Whitney form). */
function binaryAuroc(t: number[], s: number[]): number {
  const order = s.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(s.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const pos = t.filter((y) => y === 1).length;
  const neg = t.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  const rankSum = t.reduce((n, y, i) => n + (y === 1 ? (ranks[i] as number) : 0), 0);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (scikit-learn's step-wise area under the precision–recall curve). */
function binaryAveragePrecision(t: number[], s: number[]): number {
  const order = s.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const positives = t.filter((y) => y === 1).length;
  if (positives === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let i = 0; i < order.length; i++) {
    if (t[order[i]![1]] === 1) tp++;
    else fp++;
    const tieEnds = i === order.length - 1 || order[i + 1]![0] !== order[i]![0];
    if (!tieEnds) continue;
    const recall = tp / positives;
    ap += (recall - lastRecall) * (tp / (tp + fp));
    lastRecall = recall;
  }
  return ap;
}

/** Binary scores directly, or one-vs-rest macro average over the columns of score rows. */
function perClassScore(score: (t: number[], s: number[]) => number) {
  return (targets: Column, predictions: Column): number => {
    const t = labels(targets);
    if (!Array.isArray(predictions[0])) return score(t, predictions as number[]);
    const rows = predictions as number[][];
    const values = (rows[0] as number[])
      .map((_, k) =>
        score(
          t.map((y) => (y === k ? 1 : 0)),
          rows.map((r) => r[k] as number),
        ),
      )
      .filter((v) => !Number.isNaN(v));
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
}

function expectedCalibrationError(spec: MetricSpec) {
  const bins = Number(spec['num_bins'] ?? 10);
  const classLabel = Number(spec['class_label'] ?? 1);
  const sumUp = spec['sum_up_bins'] !== false;
  return (targets: Column, predictions: Column): MetricValue => {
    const t = flat(targets);
    const p = flat(predictions);
    const errors = new Array<number>(bins).fill(0);
    const sizes = new Array<number>(bins).fill(0);
    const hits = new Array<number>(bins).fill(0);
    const conf = new Array<number>(bins).fill(0);
    p.forEach((v, i) => {
      // Internal edges linspace(0,1,bins+1)[1:-1]; a value on an edge goes to the upper bin.
      const b = Math.min(bins - 1, Math.floor(v * bins + 1e-12));
      sizes[b]!++;
      conf[b]! += v;
      if (t[i] === classLabel) hits[b]!++;
    });
    for (let b = 0; b < bins; b++) if (sizes[b]) errors[b] = Math.abs(hits[b]! / sizes[b]! - conf[b]! / sizes[b]!);
    return sumUp ? errors.reduce((n, e, b) => n + (e * sizes[b]!) / p.length, 0) : errors;
  };
}

function recallAtK(spec: MetricSpec) {
  const kVals = (spec['k_vals'] as number[] | undefined) ?? [1];
  const classLabel = Number(spec['class_label'] ?? 1);
  const descending = spec['sort_descending'] !== false;
  return (targets: Column, predictions: Column): number[] => {
    const t = flat(targets);
    const p = flat(predictions);
    const order = p.map((v, i) => [v, i] as const).sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
    const total = t.filter((y) => y === classLabel).length;
    return kVals.map((k) => safeDiv(order.slice(0, k).filter(([, i]) => t[i] === classLabel).length, total));
  };
}

type MetricMaker = (spec: MetricSpec) => (targets: Column, predictions: Column) => MetricValue;

export const METRICS: Record<string, MetricMaker> = {
  F1_SCORE: (s) => prf('f1', s.params ?? {}),
  PRECISION: (s) => prf('precision', s.params ?? {}),
  RECALL: (s) => prf('recall', s.params ?? {}),
  ACCURACY: () => (targets, predictions) => {
    const t = labels(targets);
    const p = labels(predictions);
    return t.filter((y, i) => y === p[i]).length / t.length;
  },
  BALANCED_ACCURACY: () => (targets, predictions) => {
    const t = labels(targets);
    const c = confusion(t, labels(predictions));
    const present = c.classes.filter((k) => c.support(k) > 0);
    return present.reduce((n, k) => n + c.tp(k) / c.support(k), 0) / present.length;
  },
  AUROC: () => perClassScore(binaryAuroc),
  AUPR: () => perClassScore(binaryAveragePrecision),
  BRIER_SCORE: () => (targets, predictions) => {
    const t = flat(targets);
    const p = flat(predictions);
    return p.reduce((n, v, i) => n + (v - (t[i] as number)) ** 2, 0) / p.length;
  },
  EXPECTED_CALIBRATION_ERROR: expectedCalibrationError,
  RECALL_AT_K: recallAtK,
};

export function createMetric(spec: MetricSpec): Metric {
  const make = METRICS[spec.key];
  if (!make) {
    throw MlgymError.fromIssue({
      code: 'UNKNOWN_VARIANT',
      keyPath: 'key',
      problem: `unknown metric "${spec.key}"`,
      expected: `one of ${Object.keys(METRICS).join(', ')}`,
      hint: didYouMean(spec.key, Object.keys(METRICS)),
    });
  }
  return {
    tag: spec.tag ?? spec.key,
    targetKey: spec.target_subscription_key ?? 'target_key',
    predictionKey: spec.prediction_subscription_key ?? 'model_prediction_key',
    compute: make(spec),
  };
}
