import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { EventSink } from '../reporting/eventSink.js';
import { CallbackList } from './callbackList.js';
import { CheckpointCallback } from './callbacks/checkpointCallback.js';
import { EarlyStoppingCallback } from './callbacks/earlyStoppingCallback.js';
import { EvaluationReporter } from './callbacks/evaluationReporter.js';
import { LrScheduleCallback } from './callbacks/lrScheduleCallback.js';
import { ProgressReporter } from './callbacks/progressReporter.js';
import type { CheckpointingStrategy } from './checkpointingStrategy.js';
import type { DataLoader } from './dataLoader.js';
import type { EarlyStoppingStrategy, SplitResult } from './earlyStopping.js';
import { EventLoopPacer } from './eventLoopPacer.js';
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
  /** Longest stretch of work between two yields to the event loop. @default 100 */
  yieldEveryMs?: number | undefined;
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
  /** The last epoch's results: the last trained, or, when nothing was trained, the checkpoint's. */
  final?: SplitResult[] | undefined;
}

/**
 * Trains one experiment: epochs of `num_batches_per_epoch` batches from an endless, seeded stream,
 * evaluation after each epoch. Everything else is a callback (see `trainingCallback.ts`), in this
 * order: learning-rate schedule, progress events, evaluation events, early stopping, checkpoints
 * (which also resume: a checkpoint holds weights, optimizer slots, the data-stream cursor with its
 * random state and the strategies' state, so a resumed run ends bitwise equal to an uninterrupted
 * one), then the caller's callbacks. The loop yields to the event loop every `yieldEveryMs` of work,
 * so events leave the process and an abort is seen during an epoch; it stops before the next batch.
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
  const ids = { gridSearchId: options.gridSearchId, experimentId: options.experimentId };
  const { model, trainer, early_stopping_strategy: stopping } = components;
  const earlyStopping = stopping ? new EarlyStoppingCallback(stopping, model.model) : undefined;
  const callbacks = new CallbackList([
    new LrScheduleCallback(optimizers),
    new ProgressReporter(options.sink, ids, trainer.loader.datasetTag ?? 'train'),
    new EvaluationReporter(options.sink, ids),
    ...(earlyStopping ? [earlyStopping] : []),
    new CheckpointCallback({
      ...ids,
      store: options.store,
      model: model.model,
      optimizers,
      loader: trainer.loader,
      strategy: components.checkpointing_strategy,
      earlyStopping,
      resume: options.resume,
      flushEvents: (timeoutMs) => options.sink.flush(timeoutMs),
    }),
    ...(options.callbacks ?? []),
  ]);
  try {
    return await train(options, callbacks, optimizers);
  } finally {
    earlyStopping?.dispose();
    optimizers.dispose();
    trainer.loader.dispose();
  }
}

async function train(
  options: RunExperimentOptions,
  callbacks: CallbackList,
  optimizers: OptimizerGroup,
): Promise<ExperimentOutcome> {
  const { components, gridSearchId, experimentId, store } = options;
  const { model, trainer, evaluator } = components;
  const loader = trainer.loader;
  const n = options.numBatchesPerEpoch ?? loader.length;
  const ctx: FitContext = {
    epoch: 0,
    numEpochs: options.numEpochs,
    batchesPerEpoch: n,
    globalBatch: 0,
    startEpoch: 0,
    stop: false,
    stoppedEarly: false,
    alreadyComplete: false,
  };
  await callbacks.onTrainBegin(ctx);
  const outcome: ExperimentOutcome = {
    startEpoch: ctx.startEpoch,
    lastEpoch: ctx.startEpoch - 1,
    stoppedEarly: ctx.stoppedEarly,
    history: [],
    alreadyComplete: ctx.alreadyComplete,
    final: ctx.restoredResults ? [...ctx.restoredResults] : undefined,
  };
  if (ctx.alreadyComplete) return outcome;

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
  const pace = new EventLoopPacer(options.yieldEveryMs);

  for (let epoch = ctx.startEpoch; epoch < options.numEpochs && !ctx.stop; epoch++) {
    ctx.epoch = epoch;
    await callbacks.onEpochBegin(ctx);
    for (let b = 0; b < n; b++) {
      if (options.signal?.aborted) {
        throw MlgymError.fromIssue({
          code: 'INTERNAL',
          problem: `interrupted during epoch ${epoch}; a warm start continues from the last checkpoint`,
        });
      }
      callbacks.onBatchBegin(ctx, b);
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
      callbacks.onBatchEnd(ctx, { batch: b, loss: () => cost.dataSync()[0] ?? Number.NaN });
      cost.dispose();
      await pace.maybeYield();
    }

    const results = await evaluate(model, evaluator, async (p) => {
      callbacks.onTestBatchEnd(ctx, p);
      await pace.maybeYield();
    });
    outcome.history.push({ epoch, results });
    outcome.lastEpoch = epoch;
    outcome.final = results;
    await callbacks.onEpochEnd(ctx, results);
  }
  outcome.stoppedEarly = ctx.stoppedEarly;
  await callbacks.onTrainEnd(ctx);
  return outcome;
}
