import { MlgymError } from '@mlgym/protocol';

/** Predictions and targets of a whole split, as plain numbers (rows for per-class scores). */
export type Column = number[] | number[][];

/** scikit-learn's names for what a column of targets or predictions holds. */
export type TargetType =
  'binary' | 'multiclass' | 'multilabel-indicator' | 'continuous' | 'continuous-multioutput' | 'multiclass-multioutput';

/** A column as sklearn reads it: one value per sample (N and N×1 alike) or rows of width > 1. */
export type Shaped = { kind: 'values'; values: number[] } | { kind: 'rows'; rows: number[][]; width: number };

export const isRows = (c: Column): c is number[][] => Array.isArray(c[0]);

/** An (N, 1) column is a column of values, as sklearn's column_or_1d makes it. */
export function shape(c: Column): Shaped {
  if (!isRows(c)) return { kind: 'values', values: c };
  const width = c[0]?.length ?? 0;
  if (width === 1) return { kind: 'values', values: c.map((r) => r[0] as number) };
  return { kind: 'rows', rows: c, width };
}

/** Every value of a column, row by row. */
export const flatten = (c: Column): number[] => (isRows(c) ? c.flat() : c);

export function metricError(problem: string, hint?: string, found?: string): MlgymError {
  return MlgymError.fromIssue({ code: 'DATA_INVALID', problem, hint, found });
}

/** The distinct values, in ascending order. */
export const uniqueSorted = (values: Iterable<number>): number[] => [...new Set(values)].sort((a, b) => a - b);

/** sklearn's type_of_target: what kind of labels or scores a column holds. */
export function typeOfTarget(c: Column, what: string): TargetType {
  const s = shape(c);
  const values = s.kind === 'values' ? s.values : s.rows.flat();
  if (values.some((v) => !Number.isFinite(v))) {
    throw metricError(`the ${what} contain NaN or an infinity`, 'Check the model and its post-processors');
  }
  const integral = values.every((v) => Number.isInteger(v));
  if (s.kind === 'rows') {
    if (s.rows.some((r) => r.length !== s.width)) throw metricError(`the ${what} are rows of different lengths`);
    if (integral && new Set(values).size < 3) return 'multilabel-indicator';
    return integral ? 'multiclass-multioutput' : 'continuous-multioutput';
  }
  if (!integral) return 'continuous';
  return new Set(values).size > 2 ? 'multiclass' : 'binary';
}

export type ClassificationTargets =
  | { type: 'binary' | 'multiclass'; t: number[]; p: number[] }
  | { type: 'multilabel-indicator'; t: number[][]; p: number[][] };

const LABEL_HINT =
  'Class metrics compare labels: read the output of an ARG_MAX post-processor (class scores) or BINARIZATION (one probability per sample)';

/** sklearn's _check_targets: targets and predictions must be labels of the same kind. */
export function checkTargets(targets: Column, predictions: Column): ClassificationTargets {
  const typeTrue = typeOfTarget(targets, 'targets');
  const typePred = typeOfTarget(predictions, 'predictions');
  if (targets.length !== predictions.length) {
    throw metricError(
      `${targets.length} targets but ${predictions.length} predictions`,
      'Both must come from the same split',
    );
  }
  const types = new Set([typeTrue, typePred]);
  if (types.has('binary') && types.has('multiclass')) types.delete('binary');
  if (types.size > 1) {
    const hint = typePred.startsWith('continuous')
      ? LABEL_HINT
      : typeTrue === 'multilabel-indicator'
        ? 'The targets are one-hot rows (multilabel-indicator) and the predictions labels: compare labels with labels (drop ONE_HOT_ENCODED_TARGETS_ITERATOR for this metric) or rows with rows'
        : LABEL_HINT;
    throw metricError(`the targets are ${typeTrue} and the predictions ${typePred}: sklearn refuses the mix`, hint);
  }
  const type = [...types][0] as TargetType;
  if (type === 'multilabel-indicator') {
    const t = (shape(targets) as { rows: number[][] }).rows;
    const p = (shape(predictions) as { rows: number[][] }).rows;
    if (t[0]?.length !== p[0]?.length) {
      throw metricError(`targets have ${t[0]?.length} columns, predictions ${p[0]?.length}`);
    }
    return { type, t, p };
  }
  if (type !== 'binary' && type !== 'multiclass') {
    throw metricError(`${type} targets are not supported by class metrics (as sklearn)`, LABEL_HINT);
  }
  const t = (shape(targets) as { values: number[] }).values;
  const p = (shape(predictions) as { values: number[] }).values;
  const union = new Set([...t, ...p]);
  return { type: union.size > 2 ? 'multiclass' : type, t, p };
}
