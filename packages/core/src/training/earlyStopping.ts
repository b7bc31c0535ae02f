import { MlgymError } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';

/** One split's scores after an epoch. */
export interface SplitResult {
  split: string;
  metrics: Record<string, number | number[]>;
  losses: Record<string, number>;
}

/** Decides after each epoch whether to stop; its state goes into checkpoints. */
export interface EarlyStoppingStrategy {
  shouldStop(epoch: number, results: readonly SplitResult[]): boolean;
  /** Epoch with the best monitored value so far (restore-best-weights), if the strategy tracks it. */
  bestEpoch?(): number | undefined;
  /** Put the best epoch's weights back when training ends. */
  restoreBestWeights?: boolean;
  getState(): unknown;
  setState(state: unknown): void;
}

function monitored(results: readonly SplitResult[], split: string, key: string): number {
  const r = results.find((x) => x.split === split);
  if (!r)
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      keyPath: 'early_stopping_config.split_name',
      problem: `early stopping watches split "${split}", which is not evaluated`,
      expected: `one of ${results.map((x) => x.split).join(', ')}`,
    });
  const value = key in r.metrics ? r.metrics[key] : r.losses[key];
  if (typeof value !== 'number') {
    const known = [...Object.keys(r.metrics), ...Object.keys(r.losses)];
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      keyPath: 'early_stopping_config.monitoring_key',
      problem: `"${key}" is not a scalar metric or loss of split "${split}"`,
      expected: `one of ${known.join(', ')}`,
      hint: didYouMean(key, known),
    });
  }
  return value;
}

/** What a strategy watches: a metric or loss of one evaluated split. */
interface Monitored {
  split_name: string;
  monitoring_key: string;
}

/** LAST_K_EPOCHS_IMPROVEMENT_STRATEGY's config, complete (the EARLY_STOPPING_STRATEGY schema checks it). */
export interface LastKEpochsImprovementConfig extends Monitored {
  min_relative_improvement: number;
  /** At least 2. */
  epochs_window: number;
  is_increase_task: boolean;
}

/** PATIENCE_STRATEGY's config, complete. */
export interface PatienceConfig extends Monitored {
  patience: number;
  min_delta: number;
  mode: 'min' | 'max';
  /** The original's spelling of mode: max. */
  is_increase_task: boolean;
  restore_best_weights: boolean;
}

/**
 * The original's LAST_K_EPOCHS_IMPROVEMENT_STRATEGY, exactly: a ring buffer of the last W values,
 * seeded with a synthetic history that improves by 1.1·r per step; stop when no consecutive
 * relative step inside the window improves by at least r.
 */
export function lastKEpochsImprovement(config: LastKEpochsImprovementConfig): EarlyStoppingStrategy {
  const { min_relative_improvement: r, epochs_window: w, split_name: split, monitoring_key: key } = config;
  const increase = config.is_increase_task;
  let values: number[] = [];
  for (let i = 0, v = 1; i < w; i++, v *= 1 + 1.1 * r) values.push(v);
  if (!increase) values.reverse();
  return {
    shouldStop(epoch, results) {
      values[epoch % w] = monitored(results, split, key);
      const ordered = Array.from({ length: w }, (_, i) => values[(epoch + 1 + i) % w] as number);
      const steps = ordered.slice(1).map((v, i) => (v - (ordered[i] as number)) / (ordered[i] as number));
      return increase ? Math.max(...steps) < r : Math.min(...steps) > -r;
    },
    getState: () => ({ monitoring_values: [...values] }),
    setState(state) {
      values = [...(state as { monitoring_values: number[] }).monitoring_values];
    },
  };
}

/** Keras-style patience: stop after `patience` epochs without an improvement of `min_delta` over the best. */
export function patience(config: PatienceConfig): EarlyStoppingStrategy {
  const { patience: wait, min_delta: delta, split_name: split, monitoring_key: key } = config;
  const increase = config.mode === 'max' || config.is_increase_task;
  let best: number | undefined;
  let bestEpoch: number | undefined;
  let since = 0;
  return {
    shouldStop(epoch, results) {
      const v = monitored(results, split, key);
      if (best === undefined || (increase ? v > best + delta : v < best - delta)) {
        best = v;
        bestEpoch = epoch;
        since = 0;
      } else since++;
      return since >= wait;
    },
    bestEpoch: () => bestEpoch,
    restoreBestWeights: config.restore_best_weights,
    getState: () => ({ best, best_epoch: bestEpoch, since }),
    setState(state) {
      const s = state as { best?: number; best_epoch?: number; since: number };
      best = s.best;
      bestEpoch = s.best_epoch;
      since = s.since;
    },
  };
}

/** An early-stopping strategy by key, with its complete config. */
export type EarlyStoppingSpec =
  | { early_stopping_key: 'LAST_K_EPOCHS_IMPROVEMENT_STRATEGY'; early_stopping_config: LastKEpochsImprovementConfig }
  | { early_stopping_key: 'PATIENCE_STRATEGY'; early_stopping_config: PatienceConfig };

export function createEarlyStopping(spec: EarlyStoppingSpec): EarlyStoppingStrategy {
  switch (spec.early_stopping_key) {
    case 'LAST_K_EPOCHS_IMPROVEMENT_STRATEGY':
      return lastKEpochsImprovement(spec.early_stopping_config);
    case 'PATIENCE_STRATEGY':
      return patience(spec.early_stopping_config);
  }
}
