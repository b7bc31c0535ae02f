// npm run bench:train runs this after bench/train.mjs (kept apart: that file is tuned on another branch).
// The cost of system metrics (logging.system_metrics_interval_s, default 10 s) during real training: the CNN and
// the MLP of bench:train trained through runGymJob on MNIST, with the SystemMetricsReporter's hooks timed where
// they run (every batch's clock read and every sample) against the whole training time, at the default interval
// and at 0.1 s (a hundred times more samples, so a sample's cost shows above the clock's noise); then alternating
// rounds with metrics off and on at the default, as a check of the direct figure (their spread is the machine's).
// SECONDS (per run, default 25) and ROUNDS (default 3) tune it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEFAULT_SYSTEM_METRICS_INTERVAL_S,
  MemoryEventSink,
  SystemMetricsReporter,
  loadRunConfig,
  planExperiments,
  runGymJob,
  selectBackend,
} from '@mlgym/core';
import { LocalGridSearchStore } from '@mlgym/storage';

const repo = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.SECONDS ?? 25);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const backend = await selectBackend(process.env.BACKEND ?? 'wasm');
const MODELS = {
  cnn: [
    { type: 'conv', params: { in_channels: 1, out_channels: 32, kernel_size: 3, stride: 1 } },
    { type: 'conv', params: { in_channels: 32, out_channels: 64, kernel_size: 3, stride: 1 } },
    { type: 'fc', params: { in_features: 9216, out_features: 128 } },
    { type: 'fc', params: { in_features: 128, out_features: 10 } },
  ],
  mlp: [
    { type: 'fc', params: { in_features: 784, out_features: 128 } },
    { type: 'fc', params: { in_features: 128, out_features: 10 } },
  ],
};

function gsConfig(layers) {
  const base = execFileSync('cat', [join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml')], {
    encoding: 'utf8',
  });
  return base
    .replace(/layer_config:\n(\s+- .*\n)+/, `layer_config: ${JSON.stringify(layers)}\n`)
    .replace('batch_size: 32', 'batch_size: 64')
    .replace('subscription: mlp}', 'subscription: conv_net}');
}

/** Wraps each hook of a callback, adding the time spent in it to `spent.ms`. */
function timed(callback, spent) {
  const wrapped = {};
  for (const hook of ['onTrainBegin', 'onBatchEnd', 'onTestBatchEnd', 'onTrainEnd']) {
    wrapped[hook] = (...args) => {
      const t0 = performance.now();
      const result = callback[hook](...args);
      spent.ms += performance.now() - t0;
      return result;
    };
  }
  return wrapped;
}

/**
 * Trains `layers` for about SECONDS (batches estimated from a short first run) and returns the training time, the
 * time spent in the reporter's hooks and the samples it sent (intervalS 0: no reporter).
 */
async function train(name, intervalS, batches) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-sysmetrics-'));
  writeFileSync(join(dir, 'gs.yml'), gsConfig(MODELS[name]));
  writeFileSync(
    join(dir, 'run.yml'),
    'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n',
  );
  const plan = await planExperiments(loadRunConfig(join(dir, 'run.yml')));
  const sink = new MemoryEventSink();
  const spent = { ms: 0 };
  const ids = { gridSearchId: 'bench', experimentId: 0 };
  const callbacks = [];
  if (intervalS > 0) callbacks.push(timed(new SystemMetricsReporter(sink, ids, { intervalS, backend }), spent));
  const t0 = performance.now();
  await runGymJob({
    config: plan.experiments[0].config,
    gridSearchId: 'bench',
    experimentId: 0,
    numEpochs: 1,
    numBatchesPerEpoch: batches,
    store: new LocalGridSearchStore(join(dir, 'store')),
    sink,
    backend: backend.backend,
    callbacks,
  });
  const ms = performance.now() - t0;
  return { ms, hookMs: spent.ms, samples: sink.events.filter((e) => e.event_type === 'system_metrics').length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (x) => `${(x * 100).toFixed(4)} %`;

console.log(
  `bench:train, system metrics — ${backend.backend} (${backend.threads} threads), about ${SECONDS} s per run, ${ROUNDS} off/on rounds`,
);
const figures = {
  bench: 'train:system_metrics',
  backend: backend.backend,
  default_interval_s: DEFAULT_SYSTEM_METRICS_INTERVAL_S,
};
const goals = {};
for (const name of Object.keys(MODELS)) {
  const probe = await train(name, 0, 8);
  const batches = Math.max(20, Math.round((8 * SECONDS * 1000) / probe.ms));
  const atDefault = await train(name, DEFAULT_SYSTEM_METRICS_INTERVAL_S, batches);
  const dense = await train(name, 0.1, batches);
  const perSampleMs = dense.hookMs / Math.max(1, dense.samples);
  const direct = atDefault.hookMs / atDefault.ms;
  // what one sample costs, at one per default interval, plus the clock reads, of the training time
  const projected = perSampleMs / (DEFAULT_SYSTEM_METRICS_INTERVAL_S * 1000) + atDefault.hookMs / atDefault.ms;
  const off = [];
  const on = [];
  for (let r = 0; r < ROUNDS; r++) {
    off.push((await train(name, 0, batches)).ms);
    on.push((await train(name, DEFAULT_SYSTEM_METRICS_INTERVAL_S, batches)).ms);
  }
  const wall = median(on) / median(off) - 1;
  figures[`${name}_batches`] = batches;
  figures[`${name}_train_s`] = Number((atDefault.ms / 1000).toFixed(1));
  figures[`${name}_samples_at_default`] = atDefault.samples;
  figures[`${name}_hooks_ms_at_default`] = Number(atDefault.hookMs.toFixed(2));
  figures[`${name}_overhead_at_default`] = Number(direct.toFixed(6));
  figures[`${name}_ms_per_sample`] = Number(perSampleMs.toFixed(3));
  figures[`${name}_samples_at_0.1s`] = dense.samples;
  figures[`${name}_overhead_at_0.1s`] = Number((dense.hookMs / dense.ms).toFixed(6));
  figures[`${name}_wall_on_vs_off`] = Number(wall.toFixed(4));
  figures[`${name}_wall_off_range_s`] =
    `${(Math.min(...off) / 1000).toFixed(1)}–${(Math.max(...off) / 1000).toFixed(1)}`;
  goals[`${name}_overhead_below_1_percent`] = direct < 0.01 && projected < 0.01;
  console.log(
    `  ${name}: ${batches} batches in ${(atDefault.ms / 1000).toFixed(1)} s; at the default ${DEFAULT_SYSTEM_METRICS_INTERVAL_S} s: ` +
      `${atDefault.samples} samples, ${atDefault.hookMs.toFixed(2)} ms in the reporter = ${pct(direct)} of training; ` +
      `a sample costs ${perSampleMs.toFixed(3)} ms (${dense.samples} samples at 0.1 s: ${pct(dense.hookMs / dense.ms)}); ` +
      `wall time on vs off, median of ${ROUNDS} alternating rounds: ${(wall * 100).toFixed(1)} % (machine noise; off runs ${figures[`${name}_wall_off_range_s`]} s)`,
  );
}
console.log(JSON.stringify({ ...figures, goal_met: goals }));
