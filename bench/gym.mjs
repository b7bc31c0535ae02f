// npm run bench:gym — the example grid with process_count 1 and 2 (the pool's speed-up on this machine), the
// scheduling overhead per job from a grid of 200 trivial experiments, with reused workers and with a fresh
// process per job side by side, and a grid of 10,000 trivial experiments (wall time per job, the parent's peak
// resident memory and whether it stays flat). Smallest settings: EPOCHS=1 BATCHES=2 TRIVIAL=20 LARGE=200
// (LARGE=0 leaves the large grid out).
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
const EPOCHS = Number(process.env.EPOCHS ?? 1);
const BATCHES = Number(process.env.BATCHES ?? 10);
const TRIVIAL = Number(process.env.TRIVIAL ?? 200);
const LARGE = Number(process.env.LARGE ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-gym-'));

function run(name, gsPath, { processCount, epochs, batches, threads, reuse = true, rssFile }) {
  const config = join(dir, `${name}.yml`);
  writeFileSync(
    config,
    `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: ${batches}, gs_config_path: ${gsPath}}}\nenvironment: {type: multiprocessing, config: {process_count: ${processCount}, computation_device_ids: [], backend: wasm, reuse_workers: ${reuse}}}\nlogging: {event_storage_path: ${join(dir, name)}}\n`,
  );
  const t0 = performance.now();
  const env = { ...process.env, ...(threads ? { MLGYM_THREADS: String(threads) } : {}) };
  if (rssFile) env.MLGYM_RSS_FILE = rssFile;
  const probe = rssFile ? ['--import', join(import.meta.dirname, 'rssProbe.mjs')] : [];
  execFileSync(process.execPath, [...probe, cli, 'run', '--config_path', config], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env,
    maxBuffer: 1024,
  });
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
  writeFileSync(join(dir, 'large_gs.yml'), trivial.replace(`num: ${TRIVIAL}}`, `num: ${LARGE}}`));
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
  let large = null;
  if (LARGE > 0) {
    const rssFile = join(dir, 'large-rss.json');
    const seconds = run('large', join(dir, 'large_gs.yml'), { processCount: 2, epochs: 1, batches: 1, rssFile });
    const { maxRssBytes, samples } = JSON.parse(readFileSync(rssFile, 'utf8'));
    // the resident set once a tenth of the run is done, and at its end: flat means the end is not much above
    const at = (share) => samples[Math.min(samples.length - 1, Math.floor(share * samples.length))][1];
    large = { seconds, perJob: seconds / LARGE, peak: maxRssBytes, early: at(0.1), late: at(0.95) };
    const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
    console.log(
      `  ${LARGE} trivial experiments on 2 processes (reused workers): ${seconds.toFixed(1)} s, ${(large.perJob * 1000).toFixed(1)} ms per job (${(large.perJob * 2 * 1000).toFixed(0)} ms per job per process); parent's peak RSS ${mb(large.peak)}, ${mb(large.early)} at 10 % of the run, ${mb(large.late)} at 95 %`,
    );
  }
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
      ...(large && {
        large_trivial_experiments: LARGE,
        large_seconds: Number(large.seconds.toFixed(1)),
        large_seconds_per_job: Number(large.perJob.toFixed(4)),
        large_seconds_per_job_per_process: Number((large.perJob * 2).toFixed(3)),
        large_parent_peak_rss_mb: Math.round(large.peak / 2 ** 20),
        large_parent_rss_at_10pct_mb: Math.round(large.early / 2 ** 20),
        large_parent_rss_at_95pct_mb: Math.round(large.late / 2 ** 20),
      }),
      goal_met: {
        speedup_at_least_1_7: one / two >= 1.7,
        trivial_job_at_most_0_15_s: perJob <= 0.15,
        ...(large && {
          // the figure: 0.066 s per job per process, unchanged at 10,000 experiments (within 20 %)
          large_job_per_process_at_most_0_08_s: large.perJob * 2 <= 0.08,
          large_parent_rss_flat: large.late <= large.early * 1.25 + 32 * 2 ** 20,
        }),
      },
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
