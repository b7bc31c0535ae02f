import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LocalGridSearchStore } from '@mlgym/storage';
import { loadRunConfig } from '../config/loadRunConfig.js';
import { planExperiments } from '../experiments/planExperiments.js';
import { MemoryEventSink } from '../reporting/eventSink.js';
import { decodeTensors } from './checkpointCodec.js';
import type { ExperimentComponents } from './runExperiment.js';
import { runGymJob } from '../gym/runGymJob.js';

async function mlpConfig(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-train-'));
  writeFileSync(
    join(dir, 'run.yml'),
    `run_configuration: {type: train, config: {num_epochs: 4, gs_config_path: ${join(import.meta.dirname, 'fixtures/mlp_gs_config.yml')}}}\nenvironment: {type: main_process}\n`,
  );
  const plan = await planExperiments(loadRunConfig(join(dir, 'run.yml')));
  return plan.experiments[0]!.config;
}

async function train(backend: 'cpu' | 'wasm', epochs: number, store: LocalGridSearchStore, resume = false) {
  const sink = new MemoryEventSink();
  const tensorsAtEpochEnd: number[] = [];
  const callbacks = [{ onEpochEnd: () => void tensorsAtEpochEnd.push(tf.memory().numTensors) }];
  const outcome = await runGymJob({
    config: await mlpConfig(),
    gridSearchId: 'resume-test',
    experimentId: 0,
    numEpochs: epochs,
    numBatchesPerEpoch: 8,
    store,
    sink,
    backend,
    resume,
    callbacks,
  });
  const weights = decodeTensors(
    (await store.loadCheckpoint({ gridSearchId: 'resume-test', experimentId: 0, epoch: outcome.lastEpoch })).find(
      (f) => f.name === 'model.ckpt',
    )!.bytes,
  );
  const values = weights.map((w) => Array.from(w.tensor.dataSync()));
  tf.dispose(weights.map((w) => w.tensor));
  return { outcome, sink, values, tensorsAtEpochEnd };
}

const store = () => new LocalGridSearchStore(mkdtempSync(join(tmpdir(), 'mlgym-ckpt-')));

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
  it('resumes exactly: 2 epochs + warm start to 4 equals 4 uninterrupted epochs, bit for bit', async () => {
    const full = await train(backend, 4, store());
    const resumedStore = store();
    const firstHalf = await train(backend, 2, resumedStore);
    expect(firstHalf.outcome.lastEpoch).toBe(1);
    const resumed = await train(backend, 4, resumedStore, true);
    expect(resumed.outcome.startEpoch).toBe(2);
    expect(resumed.values).toEqual(full.values);
    const scores = (o: typeof full.outcome) => o.history.filter((h) => h.epoch >= 2).map((h) => h.results);
    expect(scores(resumed.outcome)).toEqual(scores(full.outcome));
    // The resumed run reports epochs 2 and 3 only: no epoch is trained twice.
    expect(
      resumed.sink.events
        .filter((e) => e.event_type === 'evaluation_result')
        .map((e) => (e.payload as { epoch: number }).epoch),
    ).toEqual([2, 3]);
  }, 120_000);

  it('gives identical metrics for the same config and seed, learns, and leaks no tensors across epochs', async () => {
    const a = await train(backend, 5, store());
    const b = await train(backend, 5, store());
    expect(b.outcome.history).toEqual(a.outcome.history);
    // Optimizer slots appear during epoch 0; from then on the tensor count must not grow.
    expect(new Set(a.tensorsAtEpochEnd.slice(1)).size).toBe(1);
    const accuracy = a.outcome.history.map((h) => h.results[0]!.metrics['accuracy'] as number);
    expect(accuracy[4]).toBeGreaterThan(0.6);
  }, 120_000);
});

describe('resuming on another backend', () => {
  it('is refused: the checkpoint continues only where it was written (auto may choose differently)', async () => {
    const s = store();
    await train('cpu', 1, s);
    const error = await train('wasm', 2, s, true).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /environment\.config\.backend: experiment 0 trained on cpu up to its last checkpoint, but this process selected wasm/,
    );
  }, 60_000);
});

describe('restore_best_weights', () => {
  it('leaves training with the weights of the best epoch', async () => {
    const { ComponentGraph } = await import('../registry/componentGraph.js');
    const { ComponentBuilder } = await import('../registry/componentBuilder.js');
    const { createDefaultRegistry } = await import('../components/createDefaultRegistry.js');
    const { runExperiment } = await import('./runExperiment.js');
    await tf.setBackend('cpu');
    const config = structuredClone(await mlpConfig()) as Record<string, { config: Record<string, unknown> }>;
    config['early_stopping_strategy']!.config['early_stopping_config'] = {
      patience: 2,
      split_name: 'val',
      monitoring_key: 'cross_entropy_loss',
      mode: 'min',
      restore_best_weights: true,
    };
    config['optimizer']!.config['params'] = { lr: 0.2 }; // large steps: the validation loss soon gets worse
    const graph = ComponentGraph.fromConfig(config, createDefaultRegistry(), {
      requested: [
        'model',
        'trainer',
        'optimizer',
        'evaluator',
        'lr_scheduler',
        'early_stopping_strategy',
        'checkpointing_strategy',
      ],
    });
    const components = (await new ComponentBuilder(graph, {
      services: new Map(),
    }).buildAll()) as never as ExperimentComponents;
    const snapshots = new Map<number, number[][]>();
    const outcome = await runExperiment({
      components,
      gridSearchId: 'best',
      experimentId: 0,
      numEpochs: 30,
      numBatchesPerEpoch: 8,
      store: store(),
      sink: new MemoryEventSink(),
      callbacks: [
        {
          onEpochEnd: (ctx) =>
            void snapshots.set(
              ctx.epoch,
              components.model.model.getWeights().map((w) => Array.from(w.dataSync())),
            ),
        },
      ],
    });
    const losses = outcome.history.map((h) => h.results[0]!.losses['cross_entropy_loss'] as number);
    const bestEpoch = losses.indexOf(Math.min(...losses));
    expect(outcome.stoppedEarly).toBe(true);
    expect(bestEpoch).toBeLessThan(outcome.lastEpoch);
    expect(components.model.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(snapshots.get(bestEpoch));
    components.model.model.dispose();
  }, 60_000);
});

describe('OPTIMIZER/BUNDLE', () => {
  it('trains each weight with the optimizer whose filter matches it, and resumes exactly', async () => {
    const bundled = async (epochs: number, s: LocalGridSearchStore, resume = false) => {
      const config = structuredClone(await mlpConfig()) as Record<
        string,
        { variant_key?: string; config: Record<string, unknown> }
      >;
      config['optimizer'] = {
        ...config['optimizer']!,
        variant_key: 'BUNDLE',
        config: {
          optimizers_config: {
            kernels: { optimizer_key: 'ADAM', params: { lr: 0.01 } },
            biases: { optimizer_key: 'SGD', params: { lr: 0.1, momentum: 0.9 } },
          },
          optimizer_key_to_param_key_filters: { kernels: ['kernel'], biases: ['bias'] },
        },
      };
      const outcome = await runGymJob({
        config,
        gridSearchId: 'bundle',
        experimentId: 0,
        numEpochs: epochs,
        numBatchesPerEpoch: 8,
        store: s,
        sink: new MemoryEventSink(),
        backend: 'cpu',
        resume,
      });
      const files = await s.loadCheckpoint({ gridSearchId: 'bundle', experimentId: 0, epoch: outcome.lastEpoch });
      const model = files.find((f) => f.name === 'model.ckpt')!.bytes;
      const slots = decodeTensors(files.find((f) => f.name === 'optimizer.ckpt')!.bytes);
      const names = slots.map((t) => t.name);
      tf.dispose(slots.map((t) => t.tensor));
      return { outcome, model: Buffer.from(model), names };
    };
    const full = await bundled(3, store());
    expect(full.names.some((n) => n.startsWith('kernels::'))).toBe(true);
    expect(full.names.some((n) => n.startsWith('biases::'))).toBe(true);
    expect(full.outcome.history.at(-1)!.results[0]!.metrics['accuracy']).toBeGreaterThan(0.3);
    const s = store();
    await bundled(1, s);
    const resumed = await bundled(3, s, true);
    expect(resumed.model.equals(full.model)).toBe(true);
  }, 60_000);
});
