import type { SplitResult } from './earlyStopping.js';

/** The state of a running fit, shared with callbacks. Setting `stop` ends training after the epoch. */
export interface FitContext {
  epoch: number;
  numEpochs: number;
  batchesPerEpoch: number;
  /** Global batch counter since the start of the experiment (across warm starts). */
  globalBatch: number;
  stop: boolean;
  stoppedEarly: boolean;
}

export interface BatchInfo {
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Reads the batch loss (a device sync: call only when it is needed). */
  loss: () => number;
}

/**
 * Extends the trainer: progress reporting, early stopping and checkpointing are callbacks.
 * Epoch-end callbacks run in order, after the evaluation of that epoch.
 */
export interface TrainingCallback {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onBatchEnd?(ctx: FitContext, info: BatchInfo): void;
  onEpochEnd?(ctx: FitContext, results: readonly SplitResult[]): void | Promise<void>;
  onTrainEnd?(ctx: FitContext): void | Promise<void>;
}
