// npm run bench:gym — the example grid with process_count 1 and 2 (the pool's speed-up on this machine), and the
// scheduling overhead per job from a grid of 200 trivial experiments, with reused workers and with a fresh
// process per job side by side. Smallest settings: EPOCHS=1 BATCHES=2 TRIVIAL=20.
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
const EPOCHS = Number(process.env.EPOCHS ?? 1);
const BATCHES = Number(process.env.BATCHES ?? 10);
const TRIVIAL = Number(process.env.TRIVIAL ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-gym-'));

function run(name, gsPath, { processCount, epochs, batches, threads, reuse = true }) {
  const config = join(dir, `${name}.yml`);
  writeFileSync(
    config,
    `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: ${batches}, gs_config_path: ${gsPath}}}\nenvironment: {type: multiprocessing, config: {process_count: ${processCount}, computation_device_ids: [], backend: wasm, reuse_workers: ${reuse}}}\nlogging: {event_storage_path: ${join(dir, name)}}\n`,
  );
  const t0 = performance.now();
  const env = threads ? { ...process.env, MLGYM_THREADS: String(threads) } : process.env;
  execFileSync(process.execPath, [cli, 'run', '--config_path', config], { stdio: ['ignore', 'ignore', 'ignore'], env });
  return (performance.now() - t0) / 1000;
}

try {
  const example = join(repo, 'example/grid_search_example/gs_config.yml');
  console.log(
    `bench:gym — example grid (15 experiments, ${EPOCHS} epoch(s) × ${BATCHES} batches), ${cpus().length} cores`,
  );
  // The pool's scaling is measured with one thread per process (a 2-process pool on 2 cores gives
  // each worker one); the default, one process training on every core, is shown beside it.
  const one = run('pc1', example, { processCount: 1, epochs: EPOCHS, batches: BATCHES, threads: 1 });
  console.log(`  process_count 1, 1 thread: ${one.toFixed(1)} s`);
  const two = run('pc2', example, { processCount: 2, epochs: EPOCHS, batches: BATCHES });
  console.log(
    `  process_count 2, ${Math.max(1, Math.floor(cpus().length / 2))} thread(s) each: ${two.toFixed(1)} s (speed-up ${(one / two).toFixed(2)}×)`,
  );
  const allCores = run('pc1all', example, { processCount: 1, epochs: EPOCHS, batches: BATCHES });
  console.log(`  process_count 1, ${cpus().length} threads: ${allCores.toFixed(1)} s`);

  // Trivial experiments: synthetic data, a tiny model, one batch: what is left is scheduling.
  const fixture = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
  const trivial = fixture
    .replace(
      /dataset_iterators:\n(.*\n)+?splits:/,
      `dataset_iterators:\n  component_type_key: SYNTHETIC_DATASET_ITERATORS\n  variant_key: CLASSIFICATION\n  config: {splits: {test: 200}, num_features: 784, num_classes: 10}\nsplits:`,
    )
    .replace('params: {lr: 0.01}', `params: {lr: {sweep: linspace, start: 0.001, stop: 0.1, num: ${TRIVIAL}}}`);
  writeFileSync(join(dir, 'trivial_gs.yml'), trivial);
  const trivialRun = (reuse) =>
    run(`trivial-${reuse}`, join(dir, 'trivial_gs.yml'), { processCount: 2, epochs: 1, batches: 1, reuse });
  const tFresh = trivialRun(false);
  const t = trivialRun(true);
  const perJobFresh = (tFresh / TRIVIAL) * 2;
  const perJob = (t / TRIVIAL) * 2;
  console.log(`  ${TRIVIAL} trivial experiments on 2 processes:      reused workers   fresh process per job`);
  console.log(
    `    total                                       ${t.toFixed(1).padStart(8)} s ${tFresh.toFixed(1).padStart(16)} s`,
  );
  console.log(
    `    per job per process                         ${(perJob * 1000).toFixed(0).padStart(7)} ms ${(perJobFresh * 1000).toFixed(0).padStart(15)} ms`,
  );
  console.log(
    JSON.stringify({
      bench: 'gym',
      epochs: EPOCHS,
      batches_per_epoch: BATCHES,
      seconds_process_count_1: Number(one.toFixed(2)),
      seconds_process_count_2: Number(two.toFixed(2)),
      speedup: Number((one / two).toFixed(3)),
      seconds_process_count_1_all_cores: Number(allCores.toFixed(2)),
      trivial_experiments: TRIVIAL,
      seconds_per_trivial_job_per_process: Number(perJob.toFixed(3)),
      seconds_per_trivial_job_per_process_fresh: Number(perJobFresh.toFixed(3)),
      goal_met: { speedup_at_least_1_7: one / two >= 1.7, trivial_job_at_most_0_15_s: perJob <= 0.15 },
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
