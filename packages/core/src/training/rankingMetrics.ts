import { metricError, shape, typeOfTarget, uniqueSorted } from './targetType.js';
import type { Column } from './targetType.js';

export type RankingAverage = 'micro' | 'macro' | 'weighted' | 'samples' | null;

export interface AurocParams {
  average: RankingAverage;
  max_fpr: number | null;
  multi_class: 'raise' | 'ovr' | 'ovo';
  labels: number[] | null;
}

export interface AuprParams {
  average: RankingAverage;
  pos_label: number;
}

type BinaryScore = (t: readonly boolean[], s: readonly number[]) => number;

/** sklearn's _binary_clf_curve: false and true positives at each distinct score, highest first. */
function clfCurve(t: readonly boolean[], s: readonly number[]): { fps: number[]; tps: number[] } {
  const order = s.map((_, i) => i).sort((a, b) => (s[b] as number) - (s[a] as number));
  const fps: number[] = [];
  const tps: number[] = [];
  let tp = 0;
  for (let i = 0; i < order.length; i++) {
    if (t[order[i] as number]) tp++;
    const last = i === order.length - 1 || s[order[i + 1] as number] !== s[order[i] as number];
    if (last) {
      tps.push(tp);
      fps.push(i + 1 - tp);
    }
  }
  return { fps, tps };
}

/** numpy's trapz. */
function trapezoid(y: readonly number[], x: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++)
    area += (((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number))) / 2;
  return area;
}

/** sklearn's auc: the trapezoidal area under a curve whose x only rises or only falls. */
export function areaUnderCurve(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) throw metricError(`an area needs at least two points; got ${x.length}`);
  const dx = x.slice(1).map((v, i) => v - (x[i] as number));
  let direction = 1;
  if (dx.some((d) => d < 0)) {
    if (!dx.every((d) => d <= 0)) throw metricError(`x is neither increasing nor decreasing: ${x.join(', ')}`);
    direction = -1;
  }
  return direction * trapezoid(y, x);
}

/** ROC AUC of one binary column, optionally the standardised partial area up to max_fpr (McClish). */
function binaryRocAuc(maxFpr: number | null): BinaryScore {
  return (t, s) => {
    if (new Set(t).size !== 2) throw metricError('only one class is present in the targets: ROC AUC is undefined');
    let { fps, tps } = clfCurve(t, s);
    if (fps.length > 2) {
      // roc_curve's drop_intermediate: keep corners only.
      const keep = fps.map((_, i) => {
        if (i === 0 || i === fps.length - 1) return true;
        const d2 = (a: number[]) => (a[i + 1] as number) - 2 * (a[i] as number) + (a[i - 1] as number);
        return d2(fps) !== 0 || d2(tps) !== 0;
      });
      fps = fps.filter((_, i) => keep[i]);
      tps = tps.filter((_, i) => keep[i]);
    }
    const fpr = [0, ...fps].map((v) => v / (fps[fps.length - 1] as number));
    const tpr = [0, ...tps].map((v) => v / (tps[tps.length - 1] as number));
    if (maxFpr === null || maxFpr === 1) return areaUnderCurve(fpr, tpr);
    let stop = fpr.findIndex((v) => v > maxFpr);
    if (stop < 0) stop = fpr.length;
    const [x0, x1] = [fpr[stop - 1] as number, fpr[stop] as number];
    const [y0, y1] = [tpr[stop - 1] as number, tpr[stop] as number];
    const yAt = x1 === x0 ? y1 : y0 + ((maxFpr - x0) * (y1 - y0)) / (x1 - x0);
    const partial = areaUnderCurve([...fpr.slice(0, stop), maxFpr], [...tpr.slice(0, stop), yAt]);
    const minArea = 0.5 * maxFpr ** 2;
    return 0.5 * (1 + (partial - minArea) / (maxFpr - minArea));
  };
}

/** Average precision of one binary column: Σ (R_n − R_{n−1}) P_n over the distinct scores. */
const binaryAveragePrecision: BinaryScore = (t, s) => {
  const { fps, tps } = clfCurve(t, s);
  const positives = tps[tps.length - 1] as number;
  let ap = 0;
  let previousRecall = 0;
  for (let i = 0; i < tps.length; i++) {
    // sklearn sets recall to 1 everywhere when nothing is positive (then only the top score counts).
    const recall = positives === 0 ? 1 : (tps[i] as number) / positives;
    ap += (recall - previousRecall) * ((tps[i] as number) / ((tps[i] as number) + (fps[i] as number)));
    previousRecall = recall;
  }
  return ap;
};

/** One score column per sample: (N) or (N, 1); sklearn refuses wider rows for a binary target. */
function scoreValues(scores: Column, binaryExtension: boolean): number[] {
  const s = shape(scores);
  if (s.kind === 'values') return s.values;
  // Ours: two columns for a binary target are read as [score of the lower, score of the greater label].
  if (binaryExtension && s.width === 2) return s.rows.map((r) => r[1] as number);
  throw metricError(
    `binary targets need one score per sample; the predictions have ${s.width} columns`,
    'Read a SIGMOIDAL output, or the SOFT_MAX output of a two-class model',
  );
}

/** sklearn's _average_binary_score over the columns (or, for "samples", the rows) of one-hot targets. */
function averageOverColumns(
  score: BinaryScore,
  t: number[][],
  s: number[][],
  average: RankingAverage,
): number | number[] {
  if (s[0]?.length !== t[0]?.length || s.length !== t.length) {
    throw metricError(`targets are ${t.length}×${t[0]?.length} but scores ${s.length}×${s[0]?.length}`);
  }
  if (average === 'micro')
    return score(
      t.flat().map((v) => v !== 0),
      s.flat(),
    );
  const width = t[0]?.length ?? 0;
  const bySample = average === 'samples';
  const n = bySample ? t.length : width;
  const values = Array.from({ length: n }, (_, k) =>
    bySample
      ? score(
          (t[k] as number[]).map((v) => v !== 0),
          s[k] as number[],
        )
      : score(
          t.map((r) => r[k] !== 0),
          s.map((r) => r[k] as number),
        ),
  );
  if (average === null) return values;
  if (average === 'weighted') {
    const weights = Array.from({ length: width }, (_, k) => t.reduce((n, r) => n + (r[k] as number), 0));
    const total = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(total) <= 1e-8) return 0;
    return values.reduce((n, v, k) => n + (weights[k] === 0 ? 0 : v * (weights[k] as number)), 0) / total;
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** sklearn's roc_auc_score with its parameters. */
export function auroc(params: AurocParams) {
  return (targets: Column, predictions: Column): number | number[] => {
    const type = typeOfTarget(targets, 'targets');
    const s = shape(predictions);
    const wide = s.kind === 'rows' && s.width > 2;
    if (type === 'multiclass' || (type === 'binary' && wide)) {
      if (s.kind !== 'rows') throw metricError('multiclass targets need one score column per class');
      return multiclassAuroc(shape(targets) as { values: number[] }, s.rows, params);
    }
    const score = binaryRocAuc(params.max_fpr);
    if (type === 'binary') {
      const t = (shape(targets) as { values: number[] }).values;
      const greater = Math.max(...t);
      return score(
        t.map((y) => y === greater),
        scoreValues(predictions, true),
      );
    }
    if (type !== 'multilabel-indicator') throw metricError(`${type} targets are not supported by AUROC (as sklearn)`);
    const t = (shape(targets) as { rows: number[][] }).rows;
    if (s.kind !== 'rows') throw metricError('one-hot (multilabel) targets need one score column per label');
    return averageOverColumns(score, t, s.rows, params.average);
  };
}

function multiclassAuroc(targets: { values: number[] }, rows: number[][], params: AurocParams): number | number[] {
  const { average, multi_class: multiClass, labels } = params;
  if (params.max_fpr !== null && params.max_fpr !== 1) {
    throw metricError('max_fpr (a partial AUC) is only defined for binary targets');
  }
  if (multiClass === 'raise') {
    throw metricError(
      'the targets are multiclass and params.multi_class is not set',
      'Set params.multi_class to ovr (one class against the rest) or ovo (every pair of classes), as sklearn requires',
    );
  }
  if (
    rows.some((r) => Math.abs(1 - r.reduce((a, b) => a + b, 0)) > 1e-8 + 1e-5 * Math.abs(r.reduce((a, b) => a + b, 0)))
  ) {
    throw metricError(
      'multiclass AUROC needs probabilities: every row of scores must sum to 1',
      'Read the output of a SOFT_MAX post-processor',
    );
  }
  const allowed = multiClass === 'ovr' ? ['micro', 'macro', 'weighted', null] : ['macro', 'weighted', null];
  if (!allowed.includes(average)) {
    throw metricError(
      `average ${String(average)} is not defined for multiclass ${multiClass} AUROC`,
      `Use one of ${allowed.map(String).join(', ')}`,
    );
  }
  const t = targets.values;
  let classes: number[];
  if (labels) {
    const sorted = uniqueSorted(labels);
    if (sorted.length !== labels.length || sorted.some((l, i) => l !== labels[i])) {
      throw metricError('params.labels must be distinct and in ascending order');
    }
    if (labels.length !== rows[0]?.length) {
      throw metricError(`params.labels has ${labels.length} labels but the scores ${rows[0]?.length} columns`);
    }
    if (t.some((y) => !labels.includes(y)))
      throw metricError('the targets hold labels that params.labels does not list');
    classes = labels;
  } else {
    classes = uniqueSorted(t);
    if (classes.length !== rows[0]?.length) {
      throw metricError(
        `the targets hold ${classes.length} classes but the scores have ${rows[0]?.length} columns`,
        'Every class needs a score column; list the classes in params.labels when a split lacks some',
      );
    }
  }
  const score = binaryRocAuc(null);
  if (multiClass === 'ovr') {
    const oneHot = t.map((y) => classes.map((c) => (c === y ? 1 : 0)));
    return averageOverColumns(score, oneHot, rows, average);
  }
  // One against one: every pair of present classes, each scored in both directions.
  const encoded = t.map((y) => classes.indexOf(y));
  const present = uniqueSorted(encoded);
  const pairScores: number[] = [];
  const prevalence: number[] = [];
  for (let i = 0; i < present.length; i++) {
    for (let j = i + 1; j < present.length; j++) {
      const a = present[i] as number;
      const b = present[j] as number;
      const idx = encoded.map((y, k) => (y === a || y === b ? k : -1)).filter((k) => k >= 0);
      prevalence.push(idx.length / encoded.length);
      const aScore = score(
        idx.map((k) => encoded[k] === a),
        idx.map((k) => (rows[k] as number[])[a] as number),
      );
      const bScore = score(
        idx.map((k) => encoded[k] === b),
        idx.map((k) => (rows[k] as number[])[b] as number),
      );
      pairScores.push((aScore + bScore) / 2);
    }
  }
  if (average === 'weighted') {
    return pairScores.reduce((n, v, k) => n + v * (prevalence[k] as number), 0) / prevalence.reduce((a, b) => a + b, 0);
  }
  return pairScores.reduce((a, b) => a + b, 0) / pairScores.length;
}

/** sklearn's average_precision_score with its parameters. */
export function aupr(params: AuprParams) {
  return (targets: Column, predictions: Column): number | number[] => {
    const type = typeOfTarget(targets, 'targets');
    if (type === 'binary') {
      const t = (shape(targets) as { values: number[] }).values;
      const present = uniqueSorted(t);
      if (present.length === 2 && !present.includes(params.pos_label)) {
        throw metricError(`pos_label ${params.pos_label} is not one of the labels ${present.join(', ')}`);
      }
      return binaryAveragePrecision(
        t.map((y) => y === params.pos_label),
        scoreValues(predictions, true),
      );
    }
    if (type === 'multilabel-indicator') {
      if (params.pos_label !== 1) throw metricError('pos_label must be 1 for one-hot (multilabel) targets');
      const s = shape(predictions);
      if (s.kind !== 'rows') throw metricError('one-hot (multilabel) targets need one score column per label');
      return averageOverColumns(
        binaryAveragePrecision,
        (shape(targets) as { rows: number[][] }).rows,
        s.rows,
        params.average,
      );
    }
    throw metricError(
      `${type} targets are not supported by AUPR (as sklearn 1.2)`,
      type === 'multiclass'
        ? 'One-hot encode the targets (ONE_HOT_ENCODED_TARGETS_ITERATOR) and read SOFT_MAX scores: that is the one-against-rest AUPR'
        : undefined,
    );
  };
}
