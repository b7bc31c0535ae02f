import type { SearchDecisionKind, SearchDecisionPayload, SearchPlanPayload } from '@mlgym/protocol';

/** Fields of a table row that come from `job_status` events (names as the original's table). */
export interface JobFields {
  job_id: string | number;
  job_type: number;
  /** `INTERRUPTED`: a `job_interrupted` event (Ctrl-C, a lost worker) came after its RUNNING. */
  job_status: 'INIT' | 'RUNNING' | 'DONE' | 'INTERRUPTED';
  starting_time: number;
  finishing_time: number;
  error: string | null;
  stacktrace: string | null;
}

/** Fields of a table row that come from `experiment_status` events. */
export interface ModelFields {
  model_status: 'train' | 'evaluation';
  num_epochs: number;
  current_epoch: number;
  splits: string;
  current_split: string | null;
  num_batches: number;
  current_batch: number;
}

/** Fields of a table row from an interruption and from an adaptive search's last decision about its trial. */
export interface SearchFields {
  /** The last epoch the job finished before it was interrupted (-1: none). */
  interrupted_epoch: number;
  search_trial: number;
  search_decision: SearchDecisionKind;
  search_rung: number;
  /** Epochs trained when decided. */
  search_epoch: number;
  search_next_epoch: number | null;
  search_score: number | null;
  search_cutoff: number | null;
  search_reason: string | null;
}

export type ExperimentRow = { experiment_id: number } & Partial<JobFields> &
  Partial<ModelFields> &
  Partial<SearchFields>;

/** An adaptive search's events folded since the last update. */
export interface SearchUpdate {
  plan: SearchPlanPayload | null;
  decisions: SearchDecisionPayload[];
}

/** Whether a higher value of a series is better (metric scores) or a lower one (losses). */
export type SeriesKind = 'metric' | 'loss';

/**
 * Points of one series of one experiment, sorted by epoch, one value per epoch (NaN: not a number,
 * drawn as a gap). Typed arrays: the worker transfers their buffers instead of cloning arrays.
 */
export interface SeriesPoints {
  key: string;
  split: string;
  tag: string;
  kind: SeriesKind;
  experiment_id: number;
  epochs: Float64Array;
  values: Float64Array;
}

/** Everything the socket worker folded since its last post; applying it is idempotent. */
export interface DataUpdate {
  rows: ExperimentRow[];
  configs: Array<{ experiment_id: number; config: Record<string, unknown> }>;
  points: SeriesPoints[];
  /** Events folded into this update. */
  events: number;
  /** Highest event id folded so far (-1: none). */
  lastEventId: number;
  /** Events with an event_type the protocol does not know. */
  unknown: number;
  /** Events that failed validation against the protocol's schemas. */
  malformed: number;
  /** Scores that were null (NaN or infinite at the source): drawn as gaps. */
  missingScores: number;
  /** The last few problems, for the warning banner. */
  problems: string[];
  /** What the board's limits left out since the last update (see BOARD_LIMITS); absent when nothing was. */
  leftOut?: LeftOut;
  /** An adaptive search's plan and decisions, when the log has any. */
  search?: SearchUpdate | undefined;
}

/** What the socket worker did not keep because a grid search exceeded the board's limits. */
export interface LeftOut {
  /** Names of series beyond the limit met for the first time (at most BOARD_LIMITS.listedNames in all). */
  seriesNames: string[];
  /** Distinct series names beyond the limit met for the first time (also those not listed). */
  series: number;
  /** Scores of those series. */
  scores: number;
  /** Events of experiments beyond the limit. */
  experimentEvents: number;
}

/**
 * What the board keeps of one grid search, so that a hostile (or runaway) publisher cannot take every
 * viewer down: 100,000 distinct metric names made one chart and one column each and crashed the tab.
 * What lies beyond is counted and its names listed, never drawn. Real grid searches stay far below:
 * bench:board's largest has 1,000 experiments and 12 series.
 */
export interface BoardLimits {
  experiments: number;
  series: number;
  listedNames: number;
}

export const BOARD_LIMITS: Readonly<BoardLimits> = {
  /** Experiments (rows, lines); events of further experiment ids are left out. */
  experiments: 10_000,
  /** Distinct `<split>_<tag>` series whose points are kept. */
  series: 1_000,
  /** Names of left-out series listed on the page. */
  listedNames: 1_000,
};
