// npm run bench:train — mlgym's training loop against a bare tfjs loop of the same model, backend
// and batch size (framework overhead), plus absolute samples/s (and PyTorch's when python3-torch exists),
// in alternating rounds with medians and their spread. MAX_ROUNDS, CNN_STEPS and BACKEND tune it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { layerListModel, loadRunConfig, MemoryEventSink, planExperiments, runGymJob, selectBackend } from '@mlgym/core';
import { LocalGridSearchStore } from '@mlgym/storage';

const repo = resolve(import.meta.dirname, '..');
const BATCH = 64;
const backend = await selectBackend(process.env.BACKEND ?? 'wasm');
const MODELS = {
  mlp: {
    layers: [
      { type: 'fc', params: { in_features: 784, out_features: 128 } },
      { type: 'fc', params: { in_features: 128, out_features: 10 } },
    ],
    steps: 150,
  },
  cnn: {
    layers: [
      { type: 'conv', params: { in_channels: 1, out_channels: 32, kernel_size: 3, stride: 1 } },
      { type: 'conv', params: { in_channels: 32, out_channels: 64, kernel_size: 3, stride: 1 } },
      { type: 'fc', params: { in_features: 9216, out_features: 128 } },
      { type: 'fc', params: { in_features: 128, out_features: 10 } },
    ],
    steps: Number(process.env.CNN_STEPS ?? 20),
  },
};

/** A hand-written loop: slice batches from arrays, one optimizer.minimize per batch. */
async function bare(layers, steps, { images, labels, inputShape }) {
  const model = layerListModel({ layer_config: layers }, 1);
  const optimizer = tf.train.adam(0.001);
  const step = (i) => {
    const start = (i * BATCH) % (labels.length - BATCH);
    const x = tf.tensor(images.subarray(start * 784, (start + BATCH) * 784), [BATCH, ...inputShape]);
    const y = tf.oneHot(tf.tensor1d(labels.subarray(start, start + BATCH), 'int32'), 10);
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
    tf.dispose([x, y]);
  };
  for (let i = 0; i < 3; i++) step(i);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step(i + 3);
  await tf.nextFrame?.();
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  optimizer.dispose();
  return (steps * BATCH) / seconds;
}

/** The same model through mlgym (config, registry, loader, callbacks, events), timed over the training batches. */
async function throughMlgym(name, layers, steps) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-train-'));
  const gs = readGs(layers);
  writeFileSync(join(dir, 'gs.yml'), gs);
  writeFileSync(
    join(dir, 'run.yml'),
    `run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n`,
  );
  const plan = await planExperiments(loadRunConfig(join(dir, 'run.yml')));
  let t0 = 0;
  let t1 = 0;
  const callbacks = [
    {
      onBatchEnd: (_ctx, info) => {
        if (info.batch === 2) t0 = performance.now();
        if (info.batch === steps + 2) t1 = performance.now();
      },
    },
  ];
  await runGymJob({
    config: plan.experiments[0].config,
    gridSearchId: 'bench',
    experimentId: 0,
    numEpochs: 1,
    numBatchesPerEpoch: steps + 3,
    store: new LocalGridSearchStore(join(dir, 'store')),
    sink: new MemoryEventSink(),
    backend: backend.backend,
    callbacks,
  });
  return (steps * BATCH) / ((t1 - t0) / 1000);
}

function readGs(layers) {
  const base = execFileSync('cat', [join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml')], {
    encoding: 'utf8',
  });
  return base
    .replace(/layer_config:\n(\s+- .*\n)+/, `layer_config: ${JSON.stringify(layers)}\n`)
    .replace('split_configs: {test: {train: 0.8, val: 0.2}}', 'split_configs: {test: {train: 0.95, val: 0.05}}')
    .replace('batch_size: 32', `batch_size: ${BATCH}`)
    .replace('params: {lr: 0.01}', 'params: {lr: 0.001}')
    .replace('subscription: mlp}', 'subscription: conv_net}');
}

function pytorch(name) {
  try {
    const out = execFileSync('/usr/bin/python3', [join(repo, 'bench/torch_baseline.py'), name, String(BATCH)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 300_000,
    });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}

const data = await import('@mlgym/core').then((m) => m.createDatasetRepository().get('mnist', 'train'));
const images = new Float32Array(data.length * 784);
const labels = new Int32Array(data.length);
for (let i = 0; i < data.length; i++) {
  const [x, y] = data.get(i);
  images.set(x, i * 784);
  labels[i] = y;
}

/**
 * One figure of one run is noise (three runs once gave the CNN's overhead as +25 %, -17 % and +2 %),
 * so the measurements alternate — bare, mlgym, PyTorch, again — in rounds, until the running medians
 * of the last three rounds agree within ±3 % (rates relative, the overhead in points) or MAX_ROUNDS.
 */
const MAX_ROUNDS = Number(process.env.MAX_ROUNDS ?? 15);
const MIN_ROUNDS = 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const steady = (history, relative) => {
  const last = history.slice(-3);
  if (last.length < 3) return false;
  const [lo, hi] = [Math.min(...last), Math.max(...last)];
  return relative ? hi / lo - 1 <= 0.03 : hi - lo <= 0.03;
};
const range = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

const figures = {
  bench: 'train',
  backend: `${backend.backend} ${backend.version} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}, simd ${backend.simd})`,
  batch: BATCH,
};
const goals = {};
console.log(`bench:train — ${figures.backend}, batch ${BATCH}, alternating rounds (at most ${MAX_ROUNDS})`);
let torchAvailable = true;
for (const [name, spec] of Object.entries(MODELS)) {
  const inputShape = name === 'cnn' ? [28, 28, 1] : [784];
  const runs = { bare: [], mlgym: [], torch: [] };
  const running = { bare: [], mlgym: [], overhead: [], ratio: [] };
  let rounds = 0;
  let converged = false;
  while (rounds < MAX_ROUNDS && !converged) {
    rounds++;
    runs.bare.push(await bare(spec.layers, spec.steps, { images, labels, inputShape }));
    runs.mlgym.push(await throughMlgym(name, spec.layers, spec.steps));
    const torch = torchAvailable ? pytorch(name) : undefined;
    if (torch === undefined) torchAvailable = false;
    else runs.torch.push(torch);
    running.bare.push(median(runs.bare));
    running.mlgym.push(median(runs.mlgym));
    running.overhead.push(median(runs.bare) / median(runs.mlgym) - 1);
    if (torchAvailable) running.ratio.push(median(runs.mlgym) / median(runs.torch));
    converged =
      rounds >= MIN_ROUNDS &&
      steady(running.bare, true) &&
      steady(running.mlgym, true) &&
      steady(running.overhead, false) &&
      (!torchAvailable || steady(running.ratio, true));
    console.log(
      `  ${name} round ${rounds}: bare ${Math.round(runs.bare.at(-1))}, mlgym ${Math.round(runs.mlgym.at(-1))}${torchAvailable ? `, PyTorch ${Math.round(runs.torch.at(-1))}` : ''} samples/s`,
    );
  }
  const overheads = runs.bare.map((b, i) => b / runs.mlgym[i] - 1);
  const overhead = running.overhead.at(-1);
  figures[`${name}_rounds`] = rounds;
  figures[`${name}_converged`] = converged;
  figures[`${name}_bare_samples_per_s`] = Math.round(median(runs.bare));
  figures[`${name}_bare_range`] = range(runs.bare);
  figures[`${name}_mlgym_samples_per_s`] = Math.round(median(runs.mlgym));
  figures[`${name}_mlgym_range`] = range(runs.mlgym);
  figures[`${name}_overhead`] = Number(overhead.toFixed(3));
  figures[`${name}_overhead_per_round_range`] =
    `${(Math.min(...overheads) * 100).toFixed(1)}%–${(Math.max(...overheads) * 100).toFixed(1)}%`;
  figures[`${name}_pytorch_samples_per_s`] = torchAvailable ? Math.round(median(runs.torch)) : null;
  goals[`${name}_overhead_at_most_5_percent`] = overhead <= 0.05;
  goals[`${name}_at_least_half_pytorch`] = torchAvailable ? median(runs.mlgym) / median(runs.torch) >= 0.5 : null;
  console.log(
    `  ${name}: median of ${rounds} rounds${converged ? '' : ' (not steady within ±3 %)'}: bare tfjs ${figures[`${name}_bare_samples_per_s`]} (${figures[`${name}_bare_range`]}), through mlgym ${figures[`${name}_mlgym_samples_per_s`]} (${figures[`${name}_mlgym_range`]}) samples/s, overhead ${(overhead * 100).toFixed(1)}% (per round ${figures[`${name}_overhead_per_round_range`]})${torchAvailable ? `, PyTorch ${figures[`${name}_pytorch_samples_per_s`]} (${(median(runs.mlgym) / median(runs.torch)).toFixed(2)}×)` : ', PyTorch baseline not installed (python3-torch)'}`,
  );
}
console.log(JSON.stringify({ ...figures, goal_met: goals }));
