import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalGridSearchStore } from '@mlgym/storage';
import { MemoryEventSink } from '../../reporting/eventSink.js';
import { CallbackList } from '../callbackList.js';
import { callbacksOf } from '../callbacksOf.js';
import { createCheckpointingStrategy } from '../checkpointingStrategy.js';
import type { LoaderState } from '../dataLoader.js';
import { patience as patienceStrategy } from '../earlyStopping.js';
import type { PatienceConfig } from '../earlyStopping.js';
import type { SplitResult } from '../earlyStopping.js';
import type { FitContext } from '../trainingCallback.js';
import { CheckpointCallback } from './checkpointCallback.js';
import { EarlyStoppingCallback } from './earlyStoppingCallback.js';
import { EvaluationReporter } from './evaluationReporter.js';
import { LrScheduleCallback } from './lrScheduleCallback.js';
import { ProgressReporter } from './progressReporter.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const context = (over: Partial<FitContext> = {}): FitContext => ({
  epoch: 0,
  numEpochs: 3,
  batchesPerEpoch: 20,
  globalBatch: 0,
  startEpoch: 0,
  stop: false,
  stoppedEarly: false,
  alreadyComplete: false,
  ...over,
});
const ids = { gridSearchId: 'gs', experimentId: 4 };
/** PATIENCE_STRATEGY on the val loss, with the schema's defaults. */
const patience = (config: Partial<PatienceConfig>) =>
  patienceStrategy({
    patience: 5,
    min_delta: 0,
    split_name: 'val',
    monitoring_key: 'loss',
    mode: 'min',
    is_increase_task: false,
    restore_best_weights: false,
    ...config,
  });
const val = (loss: number): SplitResult[] => [{ split: 'val', metrics: { acc: Number.NaN }, losses: { loss } }];

/** A model's weights as real tensors, for the callbacks that copy and restore them. */
class Weights {
  tensors: tf.Tensor[] = [tf.tensor1d([1, 2]), tf.tensor1d([3])];
  getWeights = () => this.tensors;
  setWeights = (next: tf.Tensor[]) => {
    const old = this.tensors;
    this.tensors = next.map((t) => t.clone());
    tf.dispose(old);
  };
  values = () => this.tensors.map((t) => Array.from(t.dataSync()));
  /** What an optimizer step does to the weights. */
  put(values: number[][]) {
    const next = values.map((v) => tf.tensor1d(v));
    this.setWeights(next);
    tf.dispose(next);
  }
}

describe('ProgressReporter', () => {
  it('reports about ten train batches per epoch (the original throttle) and the evaluation per split', () => {
    const sink = new MemoryEventSink();
    const reporter = new ProgressReporter(sink, ids, 'train');
    const ctx = context({ epoch: 1 });
    for (let b = 0; b < 20; b++) reporter.onBatchEnd(ctx, { batch: b, loss: () => 0 });
    const payloads = sink.events.map((e) => e.payload as Record<string, unknown>);
    expect(payloads.map((p) => p['current_batch'])).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 19]);
    expect(payloads[0]).toMatchObject({
      grid_search_id: 'gs',
      experiment_id: 4,
      status: 'train',
      num_epochs: 3,
      current_epoch: 1,
      splits: ['train'],
      current_split: 'train',
      num_batches: 20,
    });
    sink.events.length = 0;
    for (let b = 1; b <= 3; b++)
      reporter.onTestBatchEnd(ctx, { split: 'val', splits: ['val', 'test'], batch: b, batches: 3 });
    expect(sink.events.map((e) => (e.payload as { status: string; current_batch: number }).current_batch)).toEqual([
      1, 2, 3,
    ]);
    expect(sink.events[0]?.payload).toMatchObject({
      status: 'evaluation',
      splits: ['val', 'test'],
      current_split: 'val',
    });
  });
});

describe('EvaluationReporter', () => {
  it('sends one evaluation_result per split for the context epoch, NaN as null', () => {
    const sink = new MemoryEventSink();
    new EvaluationReporter(sink, ids).onEpochEnd(context({ epoch: 2 }), [
      ...val(0.5),
      { split: 'test', metrics: { acc: 0.9 }, losses: {} },
    ]);
    expect(sink.events.map((e) => e.payload)).toEqual([
      {
        grid_search_id: 'gs',
        experiment_id: 4,
        epoch: 2,
        metric_scores: [{ metric: 'acc', split: 'val', score: null }],
        loss_scores: [{ loss: 'loss', split: 'val', score: 0.5 }],
      },
      {
        grid_search_id: 'gs',
        experiment_id: 4,
        epoch: 2,
        metric_scores: [{ metric: 'acc', split: 'test', score: 0.9 }],
        loss_scores: [],
      },
    ]);
  });
});

describe('LrScheduleCallback', () => {
  it('steps an epoch schedule by the epoch and a batch schedule by the global batch count', () => {
    const steps: number[] = [];
    const perEpoch = new LrScheduleCallback({ scheduleStep: 'epoch', schedule: (s) => void steps.push(s) });
    perEpoch.onEpochBegin(context({ epoch: 3, globalBatch: 60 }));
    perEpoch.onBatchBegin(context({ epoch: 3, globalBatch: 61 }));
    const perBatch = new LrScheduleCallback({ scheduleStep: 'batch', schedule: (s) => void steps.push(-s) });
    perBatch.onEpochBegin(context({ epoch: 3, globalBatch: 60 }));
    perBatch.onBatchBegin(context({ epoch: 3, globalBatch: 61 }));
    expect(steps).toEqual([3, -61]);
  });
});

describe('EarlyStoppingCallback', () => {
  it('stops after `patience` epochs without improvement and leaves with the best weights, leaking nothing', () => {
    const model = new Weights();
    const before = tf.memory().numTensors;
    const strategy = patience({ patience: 2, split_name: 'val', monitoring_key: 'loss', restore_best_weights: true });
    const cb = new EarlyStoppingCallback(strategy, model);
    const ctx = context({ numEpochs: 10 });
    const losses = [0.9, 0.5, 0.7, 0.8, 0.4];
    for (const [epoch, loss] of losses.entries()) {
      ctx.epoch = epoch;
      model.put([[epoch, epoch], [loss]]);
      cb.onEpochEnd(ctx, val(loss));
      if (ctx.stop) break;
    }
    expect(ctx).toMatchObject({ epoch: 3, stop: true, stoppedEarly: true });
    expect(cb.bestWeights?.map((t) => Array.from(t.dataSync()))).toEqual([[1, 1], [0.5]]);
    cb.onTrainEnd();
    expect(model.values()).toEqual([[1, 1], [0.5]]);
    expect(cb.bestWeights).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps no copy when the strategy does not restore weights', () => {
    const model = new Weights();
    const cb = new EarlyStoppingCallback(patience({ patience: 1, split_name: 'val', monitoring_key: 'loss' }), model);
    cb.onEpochEnd(context(), val(1));
    expect(cb.bestWeights).toBeUndefined();
  });
});

describe('CheckpointCallback', () => {
  const setup = (root: string, resume: boolean, flushEvents?: (timeoutMs: number) => Promise<boolean>) => {
    const model = new Weights();
    const restored: Uint8Array[] = [];
    let loaderState: LoaderState = { pass: 0, batchInPass: 0, rngAtPassStart: [1, 2, 3, 4] } as never;
    const earlyStopping = new EarlyStoppingCallback(
      patience({ patience: 5, split_name: 'val', monitoring_key: 'loss', restore_best_weights: true }),
      model,
    );
    const cb = new CheckpointCallback({
      store: new LocalGridSearchStore(root),
      ...ids,
      model,
      optimizers: {
        encode: async () => new Uint8Array([7, 7, 7]),
        restore: async (bytes) => void restored.push(bytes),
      },
      loader: { getState: () => loaderState, setState: (s) => void (loaderState = s) },
      strategy: createCheckpointingStrategy({ checkpointing_key: 'SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY' }),
      earlyStopping,
      resume,
      flushEvents,
    });
    return {
      model,
      restored,
      cb,
      earlyStopping,
      loader: () => loaderState,
      setLoader: (s: LoaderState) => (loaderState = s),
    };
  };

  it('saves what the strategy says, and a warm start restores weights, slots, stream and strategies', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-ckpt-cb-'));
    const first = setup(root, false);
    const ctx = context({ numEpochs: 4, batchesPerEpoch: 5 });
    for (const epoch of [0, 1]) {
      ctx.epoch = epoch;
      ctx.globalBatch += 5;
      first.setLoader({ pass: epoch, batchInPass: 5, rngAtPassStart: [epoch, 9, 9, 9] } as never);
      first.model.put([[epoch, 10], [-epoch]]);
      first.earlyStopping.onEpochEnd(ctx, val(1 - epoch / 10));
      await first.cb.onEpochEnd(ctx, val(1 - epoch / 10));
    }
    // SAVE_LAST_EPOCH_ONLY: epoch 0 was deleted once epoch 1 was saved.
    expect(readdirSync(join(root, 'gs', '4')).filter((d) => /^\d+$/.test(d))).toEqual(['1']);
    expect(
      readdirSync(join(root, 'gs', '4', '1'))
        .filter((f) => !f.startsWith('.'))
        .sort(),
    ).toEqual(['best_model.ckpt', 'model.ckpt', 'optimizer.ckpt', 'training_state.json']);

    const second = setup(root, true);
    const resumed = context({ numEpochs: 4, batchesPerEpoch: 5 });
    await second.cb.onTrainBegin(resumed);
    expect(resumed).toMatchObject({ startEpoch: 2, epoch: 1, globalBatch: 10, alreadyComplete: false });
    expect(second.model.values()).toEqual([[1, 10], [-1]]);
    expect(second.restored).toEqual([new Uint8Array([7, 7, 7])]);
    expect(second.loader()).toEqual({ pass: 1, batchInPass: 5, rngAtPassStart: [1, 9, 9, 9] });
    expect(second.earlyStopping.bestWeights?.map((t) => Array.from(t.dataSync()))).toEqual([[1, 10], [-1]]);
    expect(second.earlyStopping.strategy.getState()).toEqual(first.earlyStopping.strategy.getState());
    second.earlyStopping.dispose();
    first.earlyStopping.dispose();

    // A run whose last epoch is checkpointed has nothing left: the fit is marked complete.
    const done = context({ numEpochs: 2 });
    await setup(root, true).cb.onTrainBegin(done);
    expect(done).toMatchObject({ startEpoch: 2, alreadyComplete: true, stoppedEarly: false });
  });
  it("writes an epoch's checkpoint only once its events are stored; waits briefly once the endpoint is behind", async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-ckpt-flush-'));
    const waits: number[] = [];
    let release: (ok: boolean) => void = () => undefined;
    const { cb, earlyStopping } = setup(root, false, (timeoutMs) => {
      waits.push(timeoutMs);
      return new Promise<boolean>((r) => (release = r));
    });
    const ctx = context({ numEpochs: 3 });
    const saving = cb.onEpochEnd(ctx, val(1));
    await new Promise((r) => setTimeout(r, 50));
    const stored = () => readdirSync(join(root, 'gs', '4')).filter((d) => /^\d+$/.test(d));
    expect(existsSync(join(root, 'gs', '4')) ? stored() : []).toEqual([]);
    release(false); // the endpoint did not answer in time: the checkpoint is written anyway
    await saving;
    expect(stored()).toEqual(['0']);
    ctx.epoch = 1;
    const next = cb.onEpochEnd(ctx, val(0.9));
    await new Promise((r) => setTimeout(r, 10));
    release(true);
    await next;
    ctx.epoch = 2;
    const last = cb.onEpochEnd(ctx, val(0.8));
    await new Promise((r) => setTimeout(r, 10));
    release(true);
    await last;
    // A full wait, a short one after it timed out, a full one again once the events got through.
    expect(waits).toEqual([20_000, 500, 20_000]);
    earlyStopping.dispose();
  });
});

describe('CallbackList', () => {
  it('calls hooks in order and begins nothing after a callback marks the fit complete', async () => {
    const calls: string[] = [];
    const log = (name: string) => ({
      onTrainBegin: () => void calls.push(`${name}.trainBegin`),
      onBatchEnd: () => void calls.push(`${name}.batchEnd`),
    });
    const list = new CallbackList([
      log('a'),
      { onTrainBegin: (ctx: FitContext) => void (ctx.alreadyComplete = calls.length > 3) },
      log('b'),
    ]);
    await list.onTrainBegin(context());
    list.onBatchEnd(context(), { batch: 0, loss: () => 0 });
    await list.onTrainBegin(context());
    expect(calls).toEqual(['a.trainBegin', 'b.trainBegin', 'a.batchEnd', 'b.batchEnd', 'a.trainBegin']);
  });
});

describe('callbacksOf (a plugin component that builds callbacks)', () => {
  it('accepts a callback or a list and refuses anything without hooks, naming the key', () => {
    const cb = { onEpochEnd: () => undefined };
    expect(callbacksOf(cb)).toEqual([cb]);
    expect(callbacksOf([cb, cb])).toHaveLength(2);
    expect(callbacksOf(undefined)).toEqual([]);
    expect(() => callbacksOf([cb, { onEpochEnd: 3 }])).toThrow(/callbacks\[1\].*no training callback/);
    expect(() => callbacksOf('x')).toThrow(/callbacks: the component built no training callback/);
  });
});
