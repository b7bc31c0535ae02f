import { areaUnderCurve } from './rankingMetrics.js';
import { flatten, metricError } from './targetType.js';
import type { Column } from './targetType.js';

export interface EceParams {
  num_bins: number;
  class_label: number;
  sum_up_bins: boolean;
}

/**
 * numpy's linspace(0, 1, bins + 1)[1:-1] and digitize: the bin of `x` is the number of inner edges
 * at or below it (a value on an edge goes to the upper bin; below 0 to the first, above 1 to the last).
 */
function binOf(bins: number): (x: number) => number {
  const step = 1 / bins;
  const edges = Array.from({ length: bins - 1 }, (_, i) => (i + 1) * step);
  return (x) => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((edges[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Per bin |share of `class_label` − mean prediction|, weighted by the bin's share of samples. */
function calibrationErrors(t: number[], p: number[], { num_bins, class_label }: Omit<EceParams, 'sum_up_bins'>) {
  if (t.length !== p.length) throw metricError(`${t.length} targets but ${p.length} predictions`);
  const bin = binOf(num_bins);
  const sizes = new Array<number>(num_bins).fill(0);
  const hits = new Array<number>(num_bins).fill(0);
  const confidence = new Array<number>(num_bins).fill(0);
  p.forEach((v, i) => {
    const b = bin(v);
    sizes[b]!++;
    confidence[b]! += v;
    if (t[i] === class_label) hits[b]!++;
  });
  const errors = sizes.map((n, b) => (n === 0 ? 0 : Math.abs((hits[b] as number) / n - (confidence[b] as number) / n)));
  const weights = sizes.map((n) => n / p.length);
  return { errors, weights };
}

export function expectedCalibrationError(params: EceParams) {
  return (targets: Column, predictions: Column): number | number[] => {
    const { errors, weights } = calibrationErrors(flatten(targets), flatten(predictions), params);
    return params.sum_up_bins ? errors.reduce((n, e, b) => n + e * (weights[b] as number), 0) : errors;
  };
}

/** The mean of class 0's ECE on its probabilities and class 1's on its own. */
export function binaryClasswiseCalibrationError(params: { num_bins: number }) {
  return (targets: Column, probability0: Column, probability1: Column): number => {
    const t = flatten(targets);
    const ece = (p: Column, class_label: number) => {
      const { errors, weights } = calibrationErrors(t, flatten(p), { num_bins: params.num_bins, class_label });
      return errors.reduce((n, e, b) => n + e * (weights[b] as number), 0);
    };
    return (ece(probability0, 0) + ece(probability1, 1)) / 2;
  };
}

export function brierScore() {
  return (targets: Column, predictions: Column): number => {
    const t = flatten(targets);
    const p = flatten(predictions);
    if (t.length !== p.length) throw metricError(`${t.length} target values but ${p.length} predicted values`);
    return p.reduce((n, v, i) => n + (v - (t[i] as number)) ** 2, 0) / p.length;
  };
}

export interface RecallAtKParams {
  class_label: number;
  k_vals: number[];
  sort_descending: boolean;
}

/** For each k: the share of the samples of `class_label` found among the k best-scored samples. */
export function recallAtK(params: RecallAtKParams) {
  return (targets: Column, predictions: Column): number[] => {
    const t = flatten(targets);
    const p = flatten(predictions);
    const relevant = t.filter((y) => y === params.class_label).length;
    if (relevant === 0) {
      throw metricError(`no target is of class_label ${params.class_label}: recall@k is undefined`);
    }
    // A stable sort: tied scores keep the sample order (as torch's sort does).
    const order = p
      .map((_, i) => i)
      .sort((a, b) =>
        params.sort_descending ? (p[b] as number) - (p[a] as number) : (p[a] as number) - (p[b] as number),
      );
    return params.k_vals.map((k) => order.slice(0, k).filter((i) => t[i] === params.class_label).length / relevant);
  };
}

/** Trapezoidal area under (k, recall@k), divided by the largest k when normalised. */
export function areaUnderRecallAtK(params: RecallAtKParams & { normalize: boolean }) {
  const recall = recallAtK(params);
  return (targets: Column, predictions: Column): number => {
    const area = areaUnderCurve(params.k_vals, recall(targets, predictions));
    return params.normalize ? area / Math.max(...params.k_vals) : area;
  };
}
