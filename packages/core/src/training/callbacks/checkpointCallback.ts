import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import { decodeTensors, encodeTensors } from '../checkpointCodec.js';
import type { CheckpointingStrategy } from '../checkpointingStrategy.js';
import type { LoaderState } from '../dataLoader.js';
import type { SplitResult } from '../earlyStopping.js';
import { BEST_FILE, MODEL_FILE, OPTIMIZER_FILE, STATE_FILE, newestCheckpoint } from '../newestCheckpoint.js';
import type { TrainingState } from '../newestCheckpoint.js';
import type { FitContext, TrainingCallback } from '../trainingCallback.js';
import type { EarlyStoppingCallback, WeightHolder } from './earlyStoppingCallback.js';

export interface CheckpointCallbackOptions {
  store: GridSearchStore;
  gridSearchId: string;
  experimentId: number;
  model: WeightHolder;
  /** The optimizers' slots, saved and restored as one file. */
  optimizers: { encode(): Promise<Uint8Array>; restore(bytes: Uint8Array): Promise<void> };
  /** The training data stream, whose cursor and random state make a resumed run replay the same batches. */
  loader: { getState(): LoaderState; setState(state: LoaderState): void };
  /** Decides what to save and delete; without one nothing is saved. */
  strategy?: CheckpointingStrategy | undefined;
  /** Its state and best weights go into checkpoints. */
  earlyStopping?: EarlyStoppingCallback | undefined;
  /** Continue from the newest checkpoint, if there is one. */
  resume?: boolean | undefined;
  /**
   * Stores the events emitted so far (the event sink's flush). A checkpoint is written only after its epoch's
   * events are stored, so a run killed at any moment resumes with every reported epoch in the log.
   */
  flushEvents?: ((timeoutMs: number) => Promise<boolean>) | undefined;
}

/** How long a checkpoint waits for its events; once a wait timed out (no endpoint), only briefly until one succeeds. */
const FLUSH_WAIT_MS = 20_000;
const FLUSH_WAIT_BEHIND_MS = 500;

/**
 * Checkpoints, both ways. At train begin (warm start) it restores weights, optimizer slots, the
 * data-stream cursor with its random state and the strategies' state from the newest checkpoint,
 * and moves the fit to the epoch after it (or marks it `alreadyComplete`). After each epoch it asks
 * the strategy what to save and delete, and writes the state file last, so a checkpoint without
 * one is incomplete and skipped.
 */
export class CheckpointCallback implements TrainingCallback {
  private eventsBehind = false;

  constructor(private readonly options: CheckpointCallbackOptions) {}

  async onTrainBegin(ctx: FitContext): Promise<void> {
    const { store, gridSearchId, experimentId } = this.options;
    if (!this.options.resume) return;
    const found = await newestCheckpoint(store, gridSearchId, experimentId);
    if (!found) return;
    const { epoch: last, state, files } = found;
    if (state.epoch !== last) {
      throw MlgymError.fromIssue({
        code: 'STORAGE_CORRUPT',
        problem: `checkpoint ${gridSearchId}/${experimentId}/${last} holds the state of epoch ${state.epoch}`,
        hint: 'Delete that epoch folder to resume from the one before',
      });
    }
    const weights = decodeTensors(files.get(MODEL_FILE) as Uint8Array);
    this.options.model.setWeights(weights.map((w) => w.tensor));
    tf.dispose(weights.map((w) => w.tensor));
    await this.options.optimizers.restore(files.get(OPTIMIZER_FILE) as Uint8Array);
    this.options.loader.setState(state.loader);
    this.options.strategy?.setState(state.checkpointing);
    ctx.globalBatch = state.global_batch;
    ctx.restoredResults = state.results;
    ctx.startEpoch = last + 1;
    ctx.epoch = last;
    if (state.stopped_early || last + 1 >= ctx.numEpochs) {
      ctx.alreadyComplete = true;
      ctx.stoppedEarly = state.stopped_early;
      return;
    }
    const savedBest = files.get(BEST_FILE);
    this.options.earlyStopping?.restore(
      state.early_stopping,
      savedBest ? decodeTensors(savedBest).map((w) => w.tensor) : undefined,
    );
  }

  async onEpochEnd(ctx: FitContext, results: readonly SplitResult[]): Promise<void> {
    const { store, gridSearchId, experimentId, strategy, earlyStopping } = this.options;
    const epoch = ctx.epoch;
    const instruction = strategy?.decide(epoch, results, ctx.stop || epoch === ctx.numEpochs - 1) ?? {
      save: false,
      delete: [],
    };
    if (instruction.save) {
      const state: TrainingState = {
        epoch,
        global_batch: ctx.globalBatch,
        num_epochs: ctx.numEpochs,
        num_batches_per_epoch: ctx.batchesPerEpoch,
        stopped_early: ctx.stoppedEarly,
        loader: this.options.loader.getState(),
        early_stopping: earlyStopping?.strategy.getState() ?? null,
        checkpointing: strategy?.getState() ?? null,
        results: [...results],
      };
      const best = earlyStopping?.bestWeights;
      if (this.options.flushEvents)
        this.eventsBehind = !(await this.options.flushEvents(this.eventsBehind ? FLUSH_WAIT_BEHIND_MS : FLUSH_WAIT_MS));
      await store.saveCheckpoint({ gridSearchId, experimentId, epoch }, [
        { name: MODEL_FILE, bytes: await encodeTensors(named(this.options.model.getWeights())) },
        { name: OPTIMIZER_FILE, bytes: await this.options.optimizers.encode() },
        ...(best ? [{ name: BEST_FILE, bytes: await encodeTensors(named(best)) }] : []),
        { name: STATE_FILE, bytes: new TextEncoder().encode(JSON.stringify(state)) },
      ]);
    }
    for (const old of instruction.delete) await store.deleteCheckpoint({ gridSearchId, experimentId, epoch: old });
  }
}

const named = (tensors: readonly tf.Tensor[]) => tensors.map((tensor, i) => ({ name: `w${i}`, tensor }));
