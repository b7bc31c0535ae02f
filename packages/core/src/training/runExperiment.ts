import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { EventSink } from '../reporting/eventSink.js';
import { creationTs } from '../reporting/eventSink.js';
import type { CheckpointingStrategy } from './checkpointingStrategy.js';
import { BEST_FILE, MODEL_FILE, OPTIMIZER_FILE, STATE_FILE, newestCheckpoint } from './newestCheckpoint.js';
import type { TrainingState } from './newestCheckpoint.js';
import { decodeTensors, encodeTensors } from './checkpointCodec.js';
import type { DataLoader } from './dataLoader.js';
import type { EarlyStoppingStrategy, SplitResult } from './earlyStopping.js';
import { evaluate } from './evaluator.js';
import type { EvalComponent } from './evaluator.js';
import type { LossFunction } from './losses.js';
import type { LrSchedulerSpec } from './lrScheduler.js';
import type { MlgymModel } from './models.js';
import { trainableParams } from './models.js';
import { OptimizerGroup } from './optimizerGroup.js';
import type { OptimizerBundleSpec } from './optimizerGroup.js';
import type { OptimizerSpec } from './optimizers.js';
import type { PostProcessor } from './postProcessors.js';
import type { FitContext, TrainingCallback } from './trainingCallback.js';

/** What TRAINER builds. */
export interface TrainerComponent {
  loader: DataLoader;
  loss: LossFunction;
  postProcessors: PostProcessor[];
}

/** The components a gym job needs, as the registry builds them. */
export interface ExperimentComponents {
  model: MlgymModel;
  trainer: TrainerComponent;
  optimizer: OptimizerSpec | OptimizerBundleSpec;
  evaluator: EvalComponent;
  lr_scheduler?: LrSchedulerSpec | undefined;
  early_stopping_strategy?: EarlyStoppingStrategy | undefined;
  checkpointing_strategy?: CheckpointingStrategy | undefined;
}

export interface RunExperimentOptions {
  components: ExperimentComponents;
  gridSearchId: string;
  experimentId: number;
  numEpochs: number;
  /** Batches per epoch; default one pass over the train loader. */
  numBatchesPerEpoch?: number | null | undefined;
  store: GridSearchStore;
  sink: EventSink;
  /** Continue from the newest checkpoint, if there is one. */
  resume?: boolean;
  callbacks?: TrainingCallback[];
  /** Aborting stops training before the next batch (checkpoints already written stay valid). */
  signal?: AbortSignal | undefined;
}

export interface ExperimentOutcome {
  /** First epoch trained in this call (after a warm start: last checkpoint + 1). */
  startEpoch: number;
  /** Last epoch trained, -1 if none. */
  lastEpoch: number;
  stoppedEarly: boolean;
  /** Results per trained epoch. */
  history: Array<{ epoch: number; results: SplitResult[] }>;
  /** True when the experiment had already finished (or stopped early) and nothing was trained. */
  alreadyComplete: boolean;
}

/** Throttle of the original: report when current_batch mod max(1, floor(n/10)) == 0 (and the last batch). */
const reportable = (batch: number, n: number) => batch % Math.max(1, Math.floor(n / 10)) === 0 || batch === n - 1;

/**
 * Trains one experiment: epochs of `num_batches_per_epoch` batches from an endless, seeded stream,
 * evaluation after each epoch, then the epoch-end callbacks (early stopping, checkpointing). A
 * checkpoint holds weights, optimizer slots, scheduler position, the data-stream cursor with its
 * random state, and the strategies' state; resuming starts at the epoch after it and replays the
 * exact data order, so a resumed run ends bitwise equal to an uninterrupted one.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentOutcome> {
  const { components } = options;
  const weights = components.model.model.trainableWeights;
  const variables = weights.map((w) => w.read() as tf.Variable);
  const optimizers = OptimizerGroup.create(
    components.optimizer,
    components.lr_scheduler,
    variables,
    weights.map((w) => w.originalName),
  );
  try {
    return await train(options, optimizers);
  } finally {
    optimizers.dispose();
  }
}

async function train(options: RunExperimentOptions, optimizers: OptimizerGroup): Promise<ExperimentOutcome> {
  const { components, gridSearchId, experimentId, store, sink } = options;
  const { model, trainer, evaluator } = components;
  const loader = trainer.loader;
  const n = options.numBatchesPerEpoch ?? loader.length;
  const ctx: FitContext = {
    epoch: 0,
    numEpochs: options.numEpochs,
    batchesPerEpoch: n,
    globalBatch: 0,
    stop: false,
    stoppedEarly: false,
  };
  const outcome: ExperimentOutcome = {
    startEpoch: 0,
    lastEpoch: -1,
    stoppedEarly: false,
    history: [],
    alreadyComplete: false,
  };
  let best: tf.Tensor[] | undefined;

  if (options.resume) {
    const found = await newestCheckpoint(store, gridSearchId, experimentId);
    if (found) {
      const { epoch: last, state, files } = found;
      if (state.epoch !== last) {
        throw MlgymError.fromIssue({
          code: 'STORAGE_CORRUPT',
          problem: `checkpoint ${gridSearchId}/${experimentId}/${last} holds the state of epoch ${state.epoch}`,
          hint: 'Delete that epoch folder to resume from the one before',
        });
      }
      const weights = decodeTensors(files.get(MODEL_FILE) as Uint8Array);
      model.model.setWeights(weights.map((w) => w.tensor));
      tf.dispose(weights.map((w) => w.tensor));
      await optimizers.restore(files.get(OPTIMIZER_FILE) as Uint8Array);
      loader.setState(state.loader);
      const savedBest = files.get(BEST_FILE);
      if (savedBest) best = decodeTensors(savedBest).map((w) => tf.keep(w.tensor));
      components.early_stopping_strategy?.setState(state.early_stopping);
      components.checkpointing_strategy?.setState(state.checkpointing);
      ctx.globalBatch = state.global_batch;
      outcome.startEpoch = last + 1;
      outcome.lastEpoch = last;
      if (state.stopped_early || last + 1 >= options.numEpochs) {
        tf.dispose(best ?? []);
        outcome.alreadyComplete = true;
        outcome.stoppedEarly = state.stopped_early;
        return outcome;
      }
    }
  }

  await store.putConfig(
    gridSearchId,
    'model_summary.json',
    JSON.stringify({
      trainable_params: trainableParams(model.model),
      total_params: model.model.countParams(),
      layers: model.model.layers.map((l) => ({ name: l.name, class: l.getClassName(), params: l.countParams() })),
    }),
    experimentId,
  );
  const callbacks = options.callbacks ?? [];
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  const trainTag = loader.datasetTag ?? 'train';
  const status = (s: {
    status: 'train' | 'evaluation';
    epoch: number;
    splits: string[];
    split: string;
    batches: number;
    batch: number;
  }): MlgymEvent => ({
    event_type: 'experiment_status',
    creation_ts: creationTs(),
    payload: {
      grid_search_id: gridSearchId,
      experiment_id: experimentId,
      status: s.status,
      num_epochs: options.numEpochs,
      current_epoch: s.epoch,
      splits: s.splits,
      current_split: s.split,
      num_batches: s.batches,
      current_batch: s.batch,
    },
  });
  const evalSplits = Object.keys(evaluator.loaders);

  for (let epoch = outcome.startEpoch; epoch < options.numEpochs && !ctx.stop; epoch++) {
    ctx.epoch = epoch;
    if (optimizers.scheduleStep === 'epoch') optimizers.schedule(epoch);
    for (let b = 0; b < n; b++) {
      if (options.signal?.aborted) {
        throw MlgymError.fromIssue({
          code: 'INTERNAL',
          problem: `interrupted during epoch ${epoch}; a warm start continues from the last checkpoint`,
        });
      }
      if (optimizers.scheduleStep === 'batch') optimizers.schedule(ctx.globalBatch);
      const batch = loader.next();
      const cost = optimizers.step(() => {
        const input = batch.samples.reshape([batch.size, ...model.inputShape]);
        const predictions: Record<string, tf.Tensor> = {
          [model.predictionKey]: model.model.apply(input, { training: true }) as tf.Tensor,
        };
        for (const p of trainer.postProcessors) p(predictions);
        return trainer.loss.compute(batch.targets, predictions);
      });
      tf.dispose([batch.samples, ...Object.values(batch.targets)]);
      ctx.globalBatch++;
      for (const cb of callbacks) cb.onBatchEnd?.(ctx, { batch: b, loss: () => cost.dataSync()[0] ?? Number.NaN });
      if (reportable(b, n)) {
        sink.emit(status({ status: 'train', epoch, splits: [trainTag], split: trainTag, batches: n, batch: b }));
      }
      cost.dispose();
    }

    const results = evaluate(model, evaluator, (p) => {
      if (reportable(p.batch - 1, p.batches)) {
        sink.emit(
          status({
            status: 'evaluation',
            epoch,
            splits: evalSplits,
            split: p.split,
            batches: p.batches,
            batch: p.batch,
          }),
        );
      }
    });
    for (const r of results) {
      sink.emit({
        event_type: 'evaluation_result',
        creation_ts: creationTs(),
        payload: {
          grid_search_id: gridSearchId,
          experiment_id: experimentId,
          epoch,
          metric_scores: Object.entries(r.metrics).map(([metric, score]) => ({
            metric,
            split: r.split,
            score: Number.isNaN(score) ? null : score,
          })),
          loss_scores: Object.entries(r.losses).map(([loss, score]) => ({
            loss,
            split: r.split,
            score: Number.isNaN(score) ? null : score,
          })),
        },
      });
    }
    outcome.history.push({ epoch, results });
    outcome.lastEpoch = epoch;

    const stopping = components.early_stopping_strategy;
    if (stopping?.shouldStop(epoch, results)) {
      ctx.stop = true;
      ctx.stoppedEarly = true;
    }
    if (stopping?.restoreBestWeights && stopping.bestEpoch?.() === epoch) {
      tf.dispose(best ?? []);
      best = model.model.getWeights().map((w) => tf.keep(w.clone()));
    }
    const strategy = components.checkpointing_strategy;
    const instruction = strategy?.decide(epoch, results, ctx.stop || epoch === options.numEpochs - 1) ?? {
      save: false,
      delete: [],
    };
    if (instruction.save) {
      const state: TrainingState = {
        epoch,
        global_batch: ctx.globalBatch,
        num_epochs: options.numEpochs,
        num_batches_per_epoch: n,
        stopped_early: ctx.stoppedEarly,
        loader: loader.getState(),
        early_stopping: components.early_stopping_strategy?.getState() ?? null,
        checkpointing: strategy?.getState() ?? null,
      };
      await store.saveCheckpoint({ gridSearchId, experimentId, epoch }, [
        {
          name: MODEL_FILE,
          bytes: await encodeTensors(model.model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor }))),
        },
        { name: OPTIMIZER_FILE, bytes: await optimizers.encode() },
        ...(best
          ? [{ name: BEST_FILE, bytes: await encodeTensors(best.map((tensor, i) => ({ name: `w${i}`, tensor }))) }]
          : []),
        { name: STATE_FILE, bytes: new TextEncoder().encode(JSON.stringify(state)) },
      ]);
    }
    for (const old of instruction.delete) await store.deleteCheckpoint({ gridSearchId, experimentId, epoch: old });
    for (const cb of callbacks) await cb.onEpochEnd?.(ctx, results);
  }
  outcome.stoppedEarly = ctx.stoppedEarly;
  if (best) {
    // restore_best_weights: the model leaves training with its best epoch's weights.
    model.model.setWeights(best);
    tf.dispose(best);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  return outcome;
}
