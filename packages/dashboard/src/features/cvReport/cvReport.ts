import type { Series } from '../../analysis/series/seriesSlice';
import { seriesValue } from '../../analysis/series/seriesValue';

/** Fold ids a CV or nested-CV experiment carries in its stored config (injected by `mlgym run`). */
export interface FoldInfo {
  combination: number | null;
  valFold: number | null;
  outerFold: number | null;
  innerFold: number | null;
}

function findKey(value: unknown, key: string, depth = 0): number | null {
  if (depth > 8 || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const direct = record[key];
  if (typeof direct === 'number' && Number.isInteger(direct)) return direct;
  for (const v of Object.values(record)) {
    const found = findKey(v, key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export function foldInfo(config: unknown): FoldInfo {
  return {
    combination: findKey(config, 'hyper_paramater_combination_id'),
    valFold: findKey(config, 'val_fold_id'),
    outerFold: findKey(config, 'outer_test_fold_id'),
    innerFold: findKey(config, 'inner_test_fold_id'),
  };
}

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

/** Mean and population standard deviation (as the CLI's report). */
export function meanStd(values: readonly number[]): Stat {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n) : NaN;
  return { mean, std, n };
}

export interface ReportSelection {
  /** Split whose final scores rank configurations. @default 'test' (nested CV) or 'val' (CV) */
  split?: string;
  /** Metric or loss tag. @default the split's first metric, else its first loss */
  metric?: string;
}

export interface NestedCvOuterFold {
  outerFold: number;
  combination: number;
  /** Mean inner-fold score of the chosen configuration. */
  innerScore: number;
  /** The outer experiment that trained it, or null when it is missing. */
  experimentId: number | null;
  /** Final scores of that experiment on the split, by series key. */
  scores: Record<string, number>;
}

export interface CvConfiguration {
  combination: number;
  folds: Array<{ fold: number; experimentId: number; score: number | null }>;
  score: Stat;
  scores: Record<string, Stat>;
}

export type CvReport =
  | {
      kind: 'nested';
      split: string;
      metric: string;
      mode: 'max' | 'min';
      outer: NestedCvOuterFold[];
      summary: Record<string, Stat>;
    }
  | {
      kind: 'cv';
      split: string;
      metric: string;
      mode: 'max' | 'min';
      configurations: CvConfiguration[];
      best: number | null;
    }
  | { kind: 'none' };

/** Metric tags in the order the evaluation config lists them (the order `mlgym run` reports scores in). */
function configMetricTags(config: unknown, depth = 0): string[] {
  if (depth > 8 || config === null || typeof config !== 'object') return [];
  const record = config as Record<string, unknown>;
  if (Array.isArray(record['metrics_config']))
    return record['metrics_config']
      .map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>)['tag'] : undefined))
      .filter((t): t is string => typeof t === 'string');
  for (const v of Object.values(record)) {
    const found = configMetricTags(v, depth + 1);
    if (found.length) return found;
  }
  return [];
}

/**
 * The ranking score: the one asked for, else the first metric of the evaluation config (as the CLI's
 * report), else the split's first metric, else its first series.
 */
function pickMetric(
  series: Record<string, Series>,
  split: string,
  wanted: string | undefined,
  config: unknown,
): Series | undefined {
  if (wanted) return series[`${split}_${wanted}`];
  for (const tag of configMetricTags(config)) if (series[`${split}_${tag}`]) return series[`${split}_${tag}`];
  const ofSplit = Object.values(series)
    .filter((s) => s.split === split)
    .sort((a, b) => a.key.localeCompare(b.key));
  return ofSplit.find((s) => s.kind === 'metric') ?? ofSplit[0];
}

function finalScores(series: Record<string, Series>, split: string, id: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of Object.values(series)) {
    if (s.split !== split) continue;
    const v = seriesValue(s, id, 'final');
    if (v !== null) out[s.key] = v;
  }
  return out;
}

const better = (mode: 'max' | 'min', a: number, b: number) => (mode === 'max' ? a > b : a < b);

/**
 * The validation report of a CV or nested-CV grid search from the experiments' stored configs (fold
 * ids) and their final scores. Nested CV: per outer fold, the configuration with the best mean
 * inner-fold score (first on ties) and its outer experiment's scores, then mean and std over the
 * outer folds. CV: per configuration, the mean and std over its folds; the best one marked.
 */
export function cvReport(
  configs: Record<number, unknown>,
  series: Record<string, Series>,
  selection: ReportSelection = {},
): CvReport {
  const infos = Object.entries(configs)
    .map(([id, c]) => ({ id: Number(id), ...foldInfo(c) }))
    .sort((a, b) => a.id - b.id);
  const nested = infos.filter((i) => i.outerFold !== null && i.combination !== null);
  const cv = infos.filter((i) => i.valFold !== null && i.combination !== null);
  if (nested.length > 0) {
    const split = selection.split ?? 'test';
    const metric = pickMetric(series, split, selection.metric, configs[infos[0]?.id ?? -1]);
    const mode = metric?.kind === 'loss' ? 'min' : 'max';
    const outer: NestedCvOuterFold[] = [];
    const outerFolds = [...new Set(nested.map((i) => i.outerFold as number))].sort((a, b) => a - b);
    for (const fold of outerFolds) {
      const inner = nested.filter((i) => i.outerFold === fold && (i.innerFold ?? -1) >= 0);
      const combinations = [...new Set(inner.map((i) => i.combination as number))].sort((a, b) => a - b);
      let best: { combination: number; score: number } | undefined;
      for (const c of combinations) {
        const scores = inner
          .filter((i) => i.combination === c)
          .map((i) => seriesValue(metric, i.id, 'final'))
          .filter((v): v is number => v !== null);
        if (scores.length === 0) continue;
        const score = meanStd(scores).mean;
        if (!best || better(mode, score, best.score)) best = { combination: c, score };
      }
      if (!best) continue;
      const chosen = nested.find(
        (i) => i.outerFold === fold && (i.innerFold ?? -1) < 0 && i.combination === best.combination,
      );
      outer.push({
        outerFold: fold,
        combination: best.combination,
        innerScore: best.score,
        experimentId: chosen?.id ?? null,
        scores: chosen ? finalScores(series, split, chosen.id) : {},
      });
    }
    const summary: Record<string, Stat> = {};
    for (const key of new Set(outer.flatMap((o) => Object.keys(o.scores))))
      summary[key] = meanStd(outer.map((o) => o.scores[key]).filter((v): v is number => v !== undefined));
    return { kind: 'nested', split, metric: metric?.tag ?? selection.metric ?? '', mode, outer, summary };
  }
  if (cv.length > 0) {
    const split = selection.split ?? 'val';
    const metric = pickMetric(series, split, selection.metric, configs[infos[0]?.id ?? -1]);
    const mode = metric?.kind === 'loss' ? 'min' : 'max';
    const combinations = [...new Set(cv.map((i) => i.combination as number))].sort((a, b) => a - b);
    const configurations = combinations.map((c): CvConfiguration => {
      const runs = cv.filter((i) => i.combination === c).sort((a, b) => (a.valFold as number) - (b.valFold as number));
      const folds = runs.map((r) => ({
        fold: r.valFold as number,
        experimentId: r.id,
        score: seriesValue(metric, r.id, 'final'),
      }));
      const all = runs.map((r) => finalScores(series, split, r.id));
      const scores: Record<string, Stat> = {};
      for (const key of new Set(all.flatMap((s) => Object.keys(s))))
        scores[key] = meanStd(all.map((s) => s[key]).filter((v): v is number => v !== undefined));
      return {
        combination: c,
        folds,
        score: meanStd(folds.map((f) => f.score).filter((v): v is number => v !== null)),
        scores,
      };
    });
    let best: CvConfiguration | undefined;
    for (const c of configurations)
      if (c.score.n > 0 && (!best || better(mode, c.score.mean, best.score.mean))) best = c;
    return {
      kind: 'cv',
      split,
      metric: metric?.tag ?? selection.metric ?? '',
      mode,
      configurations,
      best: best?.combination ?? null,
    };
  }
  return { kind: 'none' };
}
