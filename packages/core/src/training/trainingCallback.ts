import type { SplitResult } from './earlyStopping.js';

/** The state of a running fit, shared with callbacks. Setting `stop` ends training after the epoch. */
export interface FitContext {
  epoch: number;
  numEpochs: number;
  batchesPerEpoch: number;
  /** Global batch counter since the start of the experiment (across warm starts). */
  globalBatch: number;
  /** First epoch this call trains (after a warm start: the checkpoint's epoch + 1). */
  startEpoch: number;
  stop: boolean;
  stoppedEarly: boolean;
  /** Set at train begin (by the checkpoint callback) when a warm start finds nothing left to train. */
  alreadyComplete: boolean;
  /** The evaluation of the epoch a warm start continues after, when its checkpoint holds it. */
  restoredResults?: readonly SplitResult[] | undefined;
}

export interface BatchInfo {
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Reads the batch loss (a device sync: call only when it is needed). */
  loss: () => number;
}

/** Progress of the evaluation after an epoch: `batch` (1-based) of `batches` on `split`. */
export interface TestBatchInfo {
  split: string;
  splits: string[];
  batch: number;
  batches: number;
}

/**
 * One part of the training loop, in the shape of Keras' and tfjs-layers' callbacks: event
 * reporting, checkpointing, early stopping and learning-rate schedules are callbacks, and a plugin
 * adds its own (a component whose value is a callback or a list of them, see `callbacks` in the gym
 * config). Hooks run in list order; the built-in ones come first, so a user callback sees an
 * epoch's results after early stopping decided and the checkpoint was written. `onBatchBegin` and
 * `onBatchEnd` are synchronous on purpose: they run on every batch.
 */
export interface TrainingCallback {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(ctx: FitContext): void | Promise<void>;
  onBatchBegin?(ctx: FitContext, batch: number): void;
  onBatchEnd?(ctx: FitContext, info: BatchInfo): void;
  onTestBatchEnd?(ctx: FitContext, info: TestBatchInfo): void;
  onEpochEnd?(ctx: FitContext, results: readonly SplitResult[]): void | Promise<void>;
  onTrainEnd?(ctx: FitContext): void | Promise<void>;
}
