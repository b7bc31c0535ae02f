/** Fields of a table row that come from `job_status` events (names as the original's table). */
export interface JobFields {
  job_id: string | number;
  job_type: number;
  job_status: 'INIT' | 'RUNNING' | 'DONE';
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

export type ExperimentRow = { experiment_id: number } & Partial<JobFields> & Partial<ModelFields>;

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
}
