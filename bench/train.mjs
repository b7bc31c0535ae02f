// npm run bench:train — training throughput: mlgym's loop against a bare tfjs loop of the same model,
// backend and batch size (mlgym's overhead), and against PyTorch on the same two threads when
// /usr/bin/python3 has torch; in alternating rounds, medians with their spread, wall and CPU time.
// Then the wasm SIMD peak of this machine and, per kernel of the CNN's step, its share of it.
// MODELS (mlp,cnn), MAX_ROUNDS, MLP_STEPS, CNN_STEPS, BACKEND and PYTORCH=off tune it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { layerListModel, loadRunConfig, MemoryEventSink, planExperiments, runGymJob, selectBackend } from '@mlgym/core';
import { LocalGridSearchStore } from '@mlgym/storage';
import { CNN_LAYERS, formatProfile, measurePeak, profileCnnStep } from './cnnStepProfile.mjs';

const repo = resolve(import.meta.dirname, '..');
const BATCH = 64;
const backend = await selectBackend(process.env.BACKEND ?? 'wasm');
const MODELS = {
  mlp: {
    layers: [
      { type: 'fc', params: { in_features: 784, out_features: 128 } },
      { type: 'fc', params: { in_features: 128, out_features: 10 } },
    ],
    steps: Number(process.env.MLP_STEPS ?? 1500),
    warmup: 20,
    inputShape: [784],
  },
  cnn: { layers: CNN_LAYERS, steps: Number(process.env.CNN_STEPS ?? 40), warmup: 5, inputShape: [28, 28, 1] },
};
const chosen = (process.env.MODELS ?? 'mlp,cnn').split(',');

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** A hand-written loop: slice batches from arrays, one optimizer.minimize per batch. */
function bare(spec, steps, { images, labels }) {
  const model = layerListModel({ layer_config: spec.layers }, 1);
  const optimizer = tf.train.adam(0.001);
  const step = (i) => {
    const start = (i * BATCH) % (labels.length - BATCH);
    const x = tf.tensor(images.subarray(start * 784, (start + BATCH) * 784), [BATCH, ...spec.inputShape]);
    const y = tf.oneHot(tf.tensor1d(labels.subarray(start, start + BATCH), 'int32'), 10);
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
    tf.dispose([x, y]);
  };
  for (let i = 0; i < spec.warmup; i++) step(i);
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const s = performance.now();
    step(i + spec.warmup);
    times.push(performance.now() - s);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  model.dispose();
  optimizer.dispose();
  return { rate: (steps * BATCH) / seconds, cpu: cpu / (steps * BATCH), step: median(times) / 1000 };
}

/** The same model through mlgym (config, registry, loader, callbacks, events), timed over the training batches. */
async function throughMlgym(spec, steps, { prefetch = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-train-'));
  writeFileSync(join(dir, 'gs.yml'), gsConfig(spec.layers, prefetch));
  writeFileSync(
    join(dir, 'run.yml'),
    `run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n`,
  );
  const plan = await planExperiments(loadRunConfig(join(dir, 'run.yml')));
  let t0 = 0;
  let t1 = 0;
  let c0 = 0;
  let c1 = 0;
  let last = 0;
  const times = [];
  const first = spec.warmup - 1;
  const callbacks = [
    {
      onBatchEnd: (_ctx, info) => {
        const now = performance.now();
        if (info.batch > first && info.batch <= first + steps) times.push(now - last);
        last = now;
        if (info.batch === first) {
          t0 = performance.now();
          c0 = cpuSeconds();
        }
        if (info.batch === first + steps) {
          t1 = performance.now();
          c1 = cpuSeconds();
        }
      },
    },
  ];
  await runGymJob({
    config: plan.experiments[0].config,
    gridSearchId: 'bench',
    experimentId: 0,
    numEpochs: 1,
    numBatchesPerEpoch: spec.warmup + steps,
    store: new LocalGridSearchStore(join(dir, 'store')),
    sink: new MemoryEventSink(),
    backend: backend.backend,
    callbacks,
  });
  return { rate: (steps * BATCH) / ((t1 - t0) / 1000), cpu: (c1 - c0) / (steps * BATCH), step: median(times) / 1000 };
}

function gsConfig(layers, prefetch) {
  const base = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
  return base
    .replace(/layer_config:\n(\s+- .*\n)+/, `layer_config: ${JSON.stringify(layers)}\n`)
    .replace('split_configs: {test: {train: 0.8, val: 0.2}}', 'split_configs: {test: {train: 0.95, val: 0.05}}')
    .replace('batch_size: 32', `batch_size: ${BATCH}, prefetch: ${prefetch}`)
    .replace('params: {lr: 0.01}', 'params: {lr: 0.001}')
    .replace('subscription: mlp}', 'subscription: conv_net}');
}

let torchAvailable = process.env.PYTORCH !== 'off';
function pytorch(name, steps) {
  if (!torchAvailable) return undefined;
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      [join(repo, 'bench/torch_baseline.py'), name, String(BATCH), String(steps)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 },
    );
    const [rate, cpu, step] = out.trim().split(/\s+/).map(Number);
    return { rate, cpu, step };
  } catch {
    torchAvailable = false;
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
 * One figure of one run is noise on a shared machine, so the measurements alternate (bare, mlgym,
 * PyTorch, again) in rounds until the running medians of the last three rounds agree within ±3 %
 * (rates relative, the overhead in points) or MAX_ROUNDS. The overhead is the median of each
 * round's pair (bare and mlgym measured seconds apart), in wall and in CPU time.
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
const pct = (x) => `${(x * 100).toFixed(1)}%`;

const figures = {
  bench: 'train',
  backend: `${backend.backend} ${backend.version} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}, simd ${backend.simd}, kernels ${backend.kernels ?? 'tfjs'})`,
  batch: BATCH,
};
const goals = {};
console.log(`bench:train — ${figures.backend}, batch ${BATCH}, alternating rounds (at most ${MAX_ROUNDS})`);
// The peak is measured before and after the rounds; the better of the two counts (a busy machine only lowers it).
const peakBefore = backend.backend === 'wasm' ? measurePeak() : undefined;
for (const [name, spec] of Object.entries(MODELS)) {
  if (!chosen.includes(name)) continue;
  // A first round, not counted: V8 tiers the wasm kernels and the JS up during it.
  bare(spec, spec.warmup, { images, labels });
  await throughMlgym(spec, spec.warmup);
  const runs = { bare: [], mlgym: [], torch: [], noPrefetch: [] };
  // The MLP's rounds also train through mlgym with the loader's prefetch off: what it takes off a step.
  const prefetchArm = name === 'mlp';
  const running = { bare: [], mlgym: [], overhead: [], ratio: [] };
  let rounds = 0;
  let converged = false;
  while (rounds < MAX_ROUNDS && !converged) {
    rounds++;
    runs.bare.push(bare(spec, spec.steps, { images, labels }));
    runs.mlgym.push(await throughMlgym(spec, spec.steps));
    if (prefetchArm) runs.noPrefetch.push(await throughMlgym(spec, spec.steps, { prefetch: false }));
    const torch = pytorch(name, spec.steps);
    if (torch) runs.torch.push(torch);
    const rate = (k) => runs[k].map((r) => r.rate);
    running.bare.push(median(rate('bare')));
    running.mlgym.push(median(rate('mlgym')));
    running.overhead.push(median(runs.bare.map((b, i) => b.rate / runs.mlgym[i].rate - 1)));
    if (torchAvailable) running.ratio.push(median(rate('mlgym')) / median(rate('torch')));
    converged =
      rounds >= MIN_ROUNDS &&
      steady(running.bare, true) &&
      steady(running.mlgym, true) &&
      steady(running.overhead, false) &&
      (!torchAvailable || steady(running.ratio, true));
    const last = (k) => runs[k].at(-1);
    console.log(
      `  ${name} round ${rounds}: bare ${Math.round(last('bare').rate)}, mlgym ${Math.round(last('mlgym').rate)}` +
        `${torch ? `, PyTorch ${Math.round(torch.rate)}` : ''} samples/s; CPU µs/sample bare ${(last('bare').cpu * 1e6).toFixed(0)}, ` +
        `mlgym ${(last('mlgym').cpu * 1e6).toFixed(0)}${torch ? `, PyTorch ${(torch.cpu * 1e6).toFixed(0)}` : ''}`,
    );
  }
  const rates = (k) => runs[k].map((r) => r.rate);
  const overheads = runs.bare.map((b, i) => b.rate / runs.mlgym[i].rate - 1);
  const cpuOverheads = runs.bare.map((b, i) => runs.mlgym[i].cpu / b.cpu - 1);
  const overhead = median(overheads);
  const cpuOverhead = median(cpuOverheads);
  const ratio = torchAvailable ? median(rates('mlgym')) / median(rates('torch')) : undefined;
  Object.assign(figures, {
    [`${name}_rounds`]: rounds,
    [`${name}_converged`]: converged,
    [`${name}_bare_samples_per_s`]: Math.round(median(rates('bare'))),
    [`${name}_bare_range`]: range(rates('bare')),
    [`${name}_mlgym_samples_per_s`]: Math.round(median(rates('mlgym'))),
    [`${name}_mlgym_range`]: range(rates('mlgym')),
    [`${name}_overhead`]: Number(overhead.toFixed(3)),
    [`${name}_overhead_per_round_range`]: `${pct(Math.min(...overheads))}–${pct(Math.max(...overheads))}`,
    [`${name}_cpu_overhead`]: Number(cpuOverhead.toFixed(3)),
    [`${name}_cpu_us_per_sample`]: {
      bare: Number((median(runs.bare.map((r) => r.cpu)) * 1e6).toFixed(1)),
      mlgym: Number((median(runs.mlgym.map((r) => r.cpu)) * 1e6).toFixed(1)),
      pytorch: torchAvailable ? Number((median(runs.torch.map((r) => r.cpu)) * 1e6).toFixed(1)) : null,
    },
    ...(prefetchArm
      ? {
          [`${name}_mlgym_without_prefetch_samples_per_s`]: Math.round(median(rates('noPrefetch'))),
          [`${name}_overhead_without_prefetch`]: Number(
            median(runs.bare.map((b, i) => b.rate / runs.noPrefetch[i].rate - 1)).toFixed(3),
          ),
        }
      : {}),
    [`${name}_pytorch_samples_per_s`]: torchAvailable ? Math.round(median(rates('torch'))) : null,
    [`${name}_pytorch_range`]: torchAvailable ? range(rates('torch')) : null,
    [`${name}_vs_pytorch`]: ratio === undefined ? null : Number(ratio.toFixed(2)),
    // Each run's median step, then their median: what a quiet machine gives, as long as most steps of a run are undisturbed.
    [`${name}_median_step_ms`]: {
      bare: Number((median(runs.bare.map((r) => r.step)) * 1000).toFixed(3)),
      mlgym: Number((median(runs.mlgym.map((r) => r.step)) * 1000).toFixed(3)),
      ...(prefetchArm
        ? { mlgym_without_prefetch: Number((median(runs.noPrefetch.map((r) => r.step)) * 1000).toFixed(3)) }
        : {}),
      pytorch: torchAvailable ? Number((median(runs.torch.map((r) => r.step)) * 1000).toFixed(3)) : null,
    },
  });
  goals[`${name}_overhead_at_most_5_percent`] = overhead <= 0.05;
  goals[name === 'cnn' ? 'cnn_at_least_pytorch' : 'mlp_at_least_3x_pytorch'] =
    ratio === undefined ? null : ratio >= (name === 'cnn' ? 1 : 3);
  console.log(
    `  ${name}: median of ${rounds} rounds${converged ? '' : ' (not steady within ±3 %)'}: bare tfjs ${figures[`${name}_bare_samples_per_s`]} (${figures[`${name}_bare_range`]}), ` +
      `through mlgym ${figures[`${name}_mlgym_samples_per_s`]} (${figures[`${name}_mlgym_range`]}) samples/s, overhead ${pct(overhead)} wall ` +
      `(per round ${figures[`${name}_overhead_per_round_range`]}), ${pct(cpuOverhead)} CPU` +
      (ratio === undefined
        ? ', PyTorch baseline not installed (/usr/bin/python3 with torch)'
        : `, PyTorch ${figures[`${name}_pytorch_samples_per_s`]} (${figures[`${name}_pytorch_range`]}): ${ratio.toFixed(2)}×`),
  );
  if (prefetchArm)
    console.log(
      `  ${name}: without the loader's prefetch ${figures[`${name}_mlgym_without_prefetch_samples_per_s`]} samples/s, ` +
        `overhead ${pct(figures[`${name}_overhead_without_prefetch`])} wall (same rounds)`,
    );
  const steps = figures[`${name}_median_step_ms`];
  console.log(
    `  ${name}: median step bare ${steps.bare} ms, mlgym ${steps.mlgym} ms` +
      (steps.pytorch === null
        ? ''
        : `, PyTorch ${steps.pytorch} ms (${(steps.pytorch / steps.mlgym).toFixed(2)}× by median steps)`),
  );
}

// Closing note: the ceiling. The machine's wasm SIMD multiply-add peak, and where the CNN's step goes.
const peakAfter = backend.backend === 'wasm' ? measurePeak() : undefined;
const peak =
  peakBefore && peakAfter
    ? {
        lanes: peakBefore.lanes,
        perLane: Math.max(peakBefore.perLane, peakAfter.perLane),
        measuredAll: Math.max(peakBefore.measuredAll, peakAfter.measuredAll),
        all: Math.max(peakBefore.all, peakAfter.all),
      }
    : undefined;
if (peak) {
  figures.wasm_simd_peak_gflops = {
    per_lane: Number(peak.perLane.toFixed(1)),
    all_lanes_measured: Number(peak.measuredAll.toFixed(1)),
    all_lanes: Number(peak.all.toFixed(1)),
    lanes: peak.lanes,
  };
  const profile = profileCnnStep({ steps: 20 });
  console.log(
    `\nThe ceiling: wasm SIMD is 128 bits wide (4 floats; a multiply and an add per lane per cycle on each of two pipes).` +
      ` Peak on this machine: ${peak.perLane.toFixed(1)} GFLOP/s per lane; ${peak.measuredAll.toFixed(1)} measured on ${peak.lanes} lanes` +
      (peak.measuredAll < 0.9 * peak.all ? ' (other processes held cores)' : '') +
      `, ${peak.all.toFixed(1)} counted (lanes × one lane).` +
      ` The CNN's step, per kernel (median of 20 steps):`,
  );
  for (const line of formatProfile(profile, peak)) console.log(line);
  figures.cnn_step = {
    ms: Number(profile.stepMs.toFixed(2)),
    gflop: Number((profile.flopsPerStep / 1e9).toFixed(2)),
    gflop_done: Number((profile.doneFlopsPerStep / 1e9).toFixed(2)),
    share_of_peak: Number((profile.doneFlopsPerStep / (profile.stepMs / 1000) / 1e9 / peak.all).toFixed(3)),
    ms_at_peak: Number(((profile.doneFlopsPerStep / (peak.all * 1e9)) * 1000).toFixed(1)),
  };
  figures.cnn_kernels = profile.rows.slice(0, 12).map((r) => ({
    kernel: r.kernel,
    output: r.shape.join('x'),
    ms: Number(r.ms.toFixed(2)),
    gflops: r.flops ? Number((r.flops / (r.ms / 1000) / 1e9).toFixed(1)) : null,
    share_of_peak: r.flops ? Number((r.done / (r.ms / 1000) / 1e9 / peak.all).toFixed(2)) : null,
    winograd: r.done < r.flops,
  }));
}
console.log(JSON.stringify({ ...figures, goal_met: goals }));
