import type { GridSearchStore } from '@mlgym/storage';
import type { LoaderState } from './dataLoader.js';
import type { SplitResult } from './earlyStopping.js';

/** `training_state.json` of a checkpoint. */
export interface TrainingState {
  epoch: number;
  global_batch: number;
  num_epochs: number;
  /** Recorded since warm starts inherit it; older checkpoints lack it (see `batchesPerEpochOf`). */
  num_batches_per_epoch?: number;
  stopped_early: boolean;
  loader: LoaderState;
  early_stopping: unknown;
  checkpointing: unknown;
  /** The epoch's evaluation, so a continuation with nothing left to train still knows its scores (older: absent). */
  results?: SplitResult[];
}

export const STATE_FILE = 'training_state.json';
export const MODEL_FILE = 'model.ckpt';
export const OPTIMIZER_FILE = 'optimizer.ckpt';
export const BEST_FILE = 'best_model.ckpt';

export interface StoredCheckpoint {
  epoch: number;
  state: TrainingState;
  files: Map<string, Uint8Array>;
}

/**
 * The newest complete checkpoint of an experiment. Its state file is written last, so a process
 * killed while saving leaves an epoch without one, which is skipped (and overwritten when re-trained).
 */
export async function newestCheckpoint(
  store: GridSearchStore,
  gridSearchId: string,
  experimentId: number,
): Promise<StoredCheckpoint | undefined> {
  for (const epoch of await store.listCheckpoints(gridSearchId, experimentId)) {
    const files = new Map(
      (await store.loadCheckpoint({ gridSearchId, experimentId, epoch })).map((f) => [f.name, f.bytes]),
    );
    if (files.has(STATE_FILE) && files.has(MODEL_FILE) && files.has(OPTIMIZER_FILE)) {
      const state = JSON.parse(new TextDecoder().decode(files.get(STATE_FILE))) as TrainingState;
      return { epoch, state, files };
    }
  }
  return undefined;
}

/** Batches per epoch the checkpoint was trained with; older states imply it by their batch counter. */
export function batchesPerEpochOf(state: TrainingState): number {
  return state.num_batches_per_epoch ?? state.global_batch / (state.epoch + 1);
}
