// npm run bench:search — adaptive search against the full grid, trained for real on the bundled MNIST with 2 worker
// processes: an MLP, learning rate × width × batch size × weight decay = 81 configurations, up to 9 epochs.
//   1. the full grid: its best validation F1 S*, the epochs E it trained, its wall time;
//   2. asha (27 trials) and hyperband, 3 seeds each: best found, epochs, wall time (medians); goal: within 0.005 of
//      S* with at most E/5 epochs and a third of the grid's wall time;
//   3. tpe against random search on a continuous space, 40 trials each, 3 seeds: TPE's median best ≥ random's;
//   4. a hyperband run SIGKILLed at a random moment and resumed: the decisions and checkpoint sha256 of an undisturbed
//      run; an asha run killed and resumed keeps every decision it recorded.
// The grid's recorded learning curves are also replayed as a tabular benchmark (as HPOBench and LCBench do) through
// the same scheduler code: the replayed hyperband must take exactly the decisions of the real runs.
// `--quick`: a 9-configuration grid, 3 epochs, one seed, 8 TPE trials (a few minutes), to check the bench itself.
// REAL_SEEDS=n trains n of the 3 seeds of asha and hyperband for real and replays the others (default 3).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createScheduler, simulate } from '@mlgym/core';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
const QUICK = process.argv.includes('--quick');
const SEEDS = QUICK ? [0] : [0, 1, 2];
const REAL_SEEDS = Math.min(SEEDS.length, Number(process.env.REAL_SEEDS ?? SEEDS.length));
const EPOCHS = QUICK ? 3 : 9;
const BATCHES = 40;
const TPE_TRIALS = QUICK ? 8 : 40;
const TPE_EPOCHS = QUICK ? 1 : 3;
const ASHA_TRIALS = QUICK ? 6 : 27;
const METRIC = 'val/F1_SCORE_macro';
const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-search-'));
const started = performance.now();

const layers = (width) =>
  `{layer_config: [{type: fc, params: {in_features: 784, out_features: ${width}}}, {type: fc, params: {in_features: ${width}, out_features: 10}}]}`;
const widths = QUICK ? [32, 128] : [32, 64, 128];

/** The bench's gs config: MNIST's 8,571 training digits split 80/20 into train and val, an MLP trained with Adam. */
function gsConfig({ lr, width, batch, decay }) {
  return `global_config:
  target_key: &target_key target_key
  prediction_key: &prediction_key model_prediction_key
  argmax_key: &argmax_key argmax_key
dataset_repository: {component_type_key: DATASET_REPOSITORY, variant_key: DEFAULT}
dataset_iterators:
  component_type_key: DATASET_ITERATORS
  variant_key: DEFAULT
  requirements: [{name: repository, component_name: dataset_repository}]
  config: {dataset_identifier: mnist, split_configs: [{split: train}]}
splits:
  component_type_key: SPLITTED_DATASET_ITERATORS
  variant_key: RANDOM
  requirements: [{name: iterators, component_name: dataset_iterators, subscription: [train]}]
  config: {split_configs: {train: {train: 0.8, val: 0.2}}, seed: 5}
data_collator:
  component_type_key: DATA_COLLATOR
  variant_key: DEFAULT
  config: {collator_type: {injectable: {id: id_conv_mnist_standard_collator}}, collator_params: {target_publication_key: *target_key}}
data_loaders:
  component_type_key: DATA_LOADER
  variant_key: FUTURE
  requirements:
    - {name: iterators, component_name: splits, subscription: [train, val]}
    - {name: data_collator, component_name: data_collator}
  config: {batch_size: ${batch}, sampling_strategies: {train: {strategy: RANDOM, seed: 11}}}
model_registry: {component_type_key: MODEL_REGISTRY, variant_key: DEFAULT}
model:
  component_type_key: MODEL
  variant_key: DEFAULT
  requirements: [{name: model_registry, component_name: model_registry, subscription: mlp}]
  config:
    seed: 3
    prediction_publication_keys: {prediction_publication_key: *prediction_key}
    model_definition: ${width}
optimizer:
  component_type_key: OPTIMIZER
  variant_key: DEFAULT
  config: {optimizer_key: ADAM, params: {lr: ${lr}, weight_decay: ${decay}}}
loss_function_registry: {component_type_key: LOSS_FUNCTION_REGISTRY, variant_key: DEFAULT}
metric_registry: {component_type_key: METRIC_REGISTRY, variant_key: DEFAULT}
prediction_postprocessing_registry: {component_type_key: PREDICTION_POSTPROCESSING_REGISTRY, variant_key: DEFAULT}
train_component:
  component_type_key: TRAIN_COMPONENT
  variant_key: DEFAULT
  requirements:
    - {name: loss_function_registry, component_name: loss_function_registry}
    - {name: prediction_postprocessing_registry, component_name: prediction_postprocessing_registry}
  config:
    loss_fun_config: {key: CrossEntropyLoss, tag: cross_entropy_loss, prediction_subscription_key: *prediction_key, target_subscription_key: *target_key}
trainer:
  component_type_key: TRAINER
  variant_key: DEFAULT
  requirements:
    - {name: train_component, component_name: train_component}
    - {name: data_loaders, component_name: data_loaders, subscription: train}
eval_component:
  component_type_key: EVAL_COMPONENT
  variant_key: DEFAULT
  requirements:
    - {name: data_loaders, component_name: data_loaders, subscription: [val]}
    - {name: loss_function_registry, component_name: loss_function_registry}
    - {name: metric_registry, component_name: metric_registry}
    - {name: prediction_postprocessing_registry, component_name: prediction_postprocessing_registry}
  config:
    post_processors_config: [{key: ARG_MAX, prediction_subscription_key: *prediction_key, prediction_publication_key: *argmax_key}]
    metrics_config:
      - {key: F1_SCORE, tag: F1_SCORE_macro, params: {average: macro}, prediction_subscription_key: *argmax_key, target_subscription_key: *target_key}
    loss_funs_config:
      - {key: CrossEntropyLoss, tag: cross_entropy_loss, prediction_subscription_key: *prediction_key, target_subscription_key: *target_key}
evaluator:
  component_type_key: EVALUATOR
  variant_key: DEFAULT
  requirements: [{name: eval_component, component_name: eval_component}]
checkpointing_strategy_registry: {component_type_key: CHECKPOINTING_STRATEGY_REGISTRY, variant_key: DEFAULT}
checkpointing_strategy:
  component_type_key: CHECKPOINTING_STRATEGY
  variant_key: DEFAULT
  requirements: [{name: checkpointing_strategy_registry, component_name: checkpointing_strategy_registry}]
  config: {checkpointing_key: SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY}
`;
}

const absolute = (values) => `{sweep: absolute, values: [${values.join(', ')}]}`;
writeFileSync(
  join(dir, 'grid_gs.yml'),
  gsConfig({
    lr: absolute(QUICK ? [0.0003, 0.003] : [0.0003, 0.001, 0.003]),
    width: absolute(widths.map(layers)),
    batch: absolute(QUICK ? [64] : [32, 64, 128]),
    decay: absolute(QUICK ? [0, 0.001] : [0, 0.0001, 0.001]),
  }),
);
const randomNodes = (seed) =>
  gsConfig({
    lr: `{sweep: random, distribution: loguniform, low: 0.0001, high: 0.01, num_samples: ${TPE_TRIALS}, seed: ${seed}}`,
    width: `{sweep: random, distribution: choice, values: [${widths.map(layers).join(', ')}], num_samples: ${TPE_TRIALS}, seed: ${seed}}`,
    batch: `{sweep: random, distribution: choice, values: [32, 64, 128], num_samples: ${TPE_TRIALS}, seed: ${seed}}`,
    decay: `{sweep: random, distribution: loguniform, low: 0.000001, high: 0.01, num_samples: ${TPE_TRIALS}, seed: ${seed}}`,
  });

/** Writes a run config training `gs` (2 worker processes, wasm) into its own event storage folder. */
function runConfig(name, gs, { epochs = EPOCHS, search } = {}) {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: ${BATCHES}, gs_config_path: ${gs}, seed: 1${search ? `, search: ${search}` : ''}}}\n` +
      `environment: {type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm}}\n` +
      `logging: {event_storage_path: ${join(dir, name)}}\n`,
  );
  return file;
}

/** Runs the CLI; SIGKILLs it and its workers (its process group) once `killWhen()` holds (checked every 20 ms). */
function cliRun(args, { killWhen } = {}) {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    let killedAt;
    const timer =
      killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (killedAt !== undefined || !killWhen()) return;
            killedAt = (performance.now() - t0) / 1000;
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }, 20);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      done({
        seconds: (performance.now() - t0) / 1000,
        code,
        signal,
        killedAt: signal === 'SIGKILL' ? killedAt : undefined,
        out,
        err,
      });
    });
  });
}

/** Decisions a run has recorded so far in its log under `root` (0 before it has one). */
function recordedDecisions(root) {
  try {
    const gs = gridSearchIn(root);
    return gs ? readFileSync(join(root, gs, 'event_storage.log'), 'utf8').split('"search_decision"').length - 1 : 0;
  } catch {
    return 0;
  }
}

const gridSearchIn = (root) =>
  readdirSync(root).find((d) => !d.startsWith('.') && existsSync(join(root, d, 'event_storage.log')));
const events = (root, gs) =>
  readFileSync(join(root, gs, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

/** What a run trained: val scores per experiment and epoch, epochs trained (once each), its decisions. */
function outcome(root, maxEpochs = EPOCHS) {
  const gs = gridSearchIn(root);
  const log = events(root, gs);
  const curves = new Map();
  for (const e of log) {
    if (e.event_type !== 'evaluation_result') continue;
    const s = e.payload.metric_scores.find((m) => m.split === 'val' && m.metric === 'F1_SCORE_macro');
    if (!s) continue;
    if (!curves.has(e.payload.experiment_id)) curves.set(e.payload.experiment_id, []);
    curves.get(e.payload.experiment_id)[e.payload.epoch] = s.score;
  }
  let epochs = 0;
  let best = -Infinity;
  for (const c of curves.values()) {
    epochs += c.filter((x) => x !== undefined).length;
    if (c[maxEpochs - 1] !== undefined) best = Math.max(best, c[maxEpochs - 1]);
  }
  const decisions = log.filter((e) => e.event_type === 'search_decision').map((e) => e.payload);
  return { gs, log, curves, epochs, best, decisions };
}

const decisionLines = (decisions) =>
  decisions
    .map((d) => `${d.trial_id} ${d.decision} r${d.rung} e${d.epoch}→${d.next_epoch} ${d.score} ${d.cutoff}`)
    .sort();

function checkpointHashes(root, gs) {
  const out = {};
  for (const exp of readdirSync(join(root, gs)).filter((d) => /^\d+$/.test(d)))
    for (const epoch of readdirSync(join(root, gs, exp)).filter((d) => /^\d+$/.test(d)))
      for (const file of readdirSync(join(root, gs, exp, epoch)).filter((f) => !f.startsWith('.')))
        out[`${exp}/${epoch}/${file}`] = createHash('sha256')
          .update(readFileSync(join(root, gs, exp, epoch, file)))
          .digest('hex');
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r4 = (x) => Number(x.toFixed(4));
const spec = (algorithm, seed, extra = '') =>
  `{algorithm: ${algorithm}, metric: ${METRIC}, mode: max, seed: ${seed}${extra}}`;
const ashaExtra = `, min_epochs: 1, reduction_factor: 3, num_trials: ${ASHA_TRIALS}`;
const hbExtra = ', min_epochs: 1, reduction_factor: 3';

try {
  console.log(
    `bench:search — MNIST MLP, ${QUICK ? 8 : 81} configurations × ${EPOCHS} epochs of ${BATCHES} batches, 2 worker processes, ${cpus().length} cores${QUICK ? ' (quick)' : ''}`,
  );
  const grid = await cliRun(['run', '--config_path', runConfig('grid', join(dir, 'grid_gs.yml'))]);
  if (grid.code !== 0) throw new Error(`the grid failed: ${grid.err.slice(-2000)}`);
  const g = outcome(join(dir, 'grid'));
  const S = g.best;
  console.log(`1. full grid: S* = ${S.toFixed(4)}, E = ${g.epochs} epochs, ${grid.seconds.toFixed(1)} s`);

  // Tabular replay: the grid's curves (exact, since a promoted trial continues bit for bit as the full training did)
  // through the same schedulers, with each segment timed as the grid's epochs took on average plus a job's start.
  const ids = [...g.curves.keys()].sort((a, b) => a - b);
  const perEpoch = grid.seconds / g.epochs;
  const replay = (algorithm, seed, extra) => {
    const scheduler = createScheduler({
      spec: { algorithm, metric: METRIC, mode: 'max', seed, min_epochs: 1, reduction_factor: 3, ...extra },
      maxEpochs: EPOCHS,
      candidates: ids,
      seed,
    });
    const sim = simulate(scheduler, (t, e) => g.curves.get(t)[e - 1], {
      workers: 2,
      duration: (s) => perEpoch * 2 * (s.toEpoch - s.fromEpoch) + 0.3,
    });
    const best = Math.max(
      ...scheduler
        .trials()
        .filter((t) => t.epoch === EPOCHS)
        .map((t) => t.scores.at(-1)),
    );
    return { seed, gap: S - best, epochs: sim.epochs, seconds: sim.wallTime, decisions: sim.decisions };
  };

  const adaptive = {};
  for (const [algorithm, extra, specExtra] of [
    ['asha', ashaExtra, { num_trials: ASHA_TRIALS }],
    ['hyperband', hbExtra, {}],
  ]) {
    const runs = [];
    for (const seed of SEEDS) {
      const replayed = replay(algorithm, seed, specExtra);
      if (runs.length < REAL_SEEDS) {
        const name = `${algorithm}-${seed}`;
        const r = await cliRun([
          'run',
          '--config_path',
          runConfig(name, join(dir, 'grid_gs.yml'), { search: spec(algorithm, seed, extra) }),
        ]);
        if (r.code !== 0) throw new Error(`${name} failed: ${r.err.slice(-2000)}`);
        const o = outcome(join(dir, name));
        runs.push({
          seed,
          real: true,
          gap: S - o.best,
          epochs: o.epochs,
          seconds: r.seconds,
          decisions: o.decisions,
          replayed,
        });
      } else {
        runs.push({
          seed,
          real: false,
          gap: replayed.gap,
          epochs: replayed.epochs,
          seconds: replayed.seconds * (grid.seconds / (perEpoch * g.epochs)),
          replayed,
        });
      }
    }
    const m = {
      gap: median(runs.map((r) => r.gap)),
      epochs: median(runs.map((r) => r.epochs)),
      seconds: median(runs.map((r) => r.seconds)),
    };
    adaptive[algorithm] = { runs, ...m };
    console.log(
      `2. ${algorithm.padEnd(9)} ${runs.map((r) => `seed ${r.seed}${r.real ? '' : ' (replayed)'}: best ${(S - r.gap).toFixed(4)} (S* − ${r.gap.toFixed(4)}), ${r.epochs} epochs, ${r.seconds.toFixed(1)} s`).join('; ')}`,
    );
    console.log(
      `   median: S* − ${m.gap.toFixed(4)}, ${m.epochs} epochs (${((100 * m.epochs) / g.epochs).toFixed(1)} % of E), ${m.seconds.toFixed(1)} s (${((100 * m.seconds) / grid.seconds).toFixed(1)} % of the grid's)`,
    );
  }
  // Hyperband decides from the scores and its seed alone, so the replayed decisions are the real ones.
  const hbReplayMatches = adaptive.hyperband.runs
    .filter((r) => r.real)
    .every((r) => {
      const replayed = r.replayed.decisions.map((d) => `${d.trialId} ${d.kind} r${d.rung} e${d.epoch}`).sort();
      const real = r.decisions.map((d) => `${d.trial_id} ${d.decision} r${d.rung} e${d.epoch}`).sort();
      return JSON.stringify(replayed) === JSON.stringify(real);
    });
  console.log(`   the replayed hyperband took the real runs' decisions: ${hbReplayMatches}`);

  // 3. TPE against random search on a continuous space, the same number of trials.
  const tpe = [];
  const random = [];
  for (const seed of SEEDS) {
    writeFileSync(join(dir, `random_gs_${seed}.yml`), randomNodes(seed));
    const t = await cliRun([
      'run',
      '--config_path',
      runConfig(`tpe-${seed}`, join(dir, `random_gs_${seed}.yml`), {
        epochs: TPE_EPOCHS,
        search: spec('tpe', seed, `, num_trials: ${TPE_TRIALS}, n_startup_trials: ${QUICK ? 3 : 10}`),
      }),
    ]);
    if (t.code !== 0) throw new Error(`tpe failed: ${t.err.slice(-2000)}`);
    tpe.push(outcome(join(dir, `tpe-${seed}`), TPE_EPOCHS).best);
    const r = await cliRun([
      'run',
      '--config_path',
      runConfig(`random-${seed}`, join(dir, `random_gs_${seed}.yml`), { epochs: TPE_EPOCHS }),
    ]);
    if (r.code !== 0) throw new Error(`random failed: ${r.err.slice(-2000)}`);
    random.push(outcome(join(dir, `random-${seed}`), TPE_EPOCHS).best);
  }
  console.log(
    `3. ${TPE_TRIALS} trials of ${TPE_EPOCHS} epochs: tpe best ${tpe.map((x) => x.toFixed(4)).join(', ')} (median ${median(tpe).toFixed(4)}); random best ${random.map((x) => x.toFixed(4)).join(', ')} (median ${median(random).toFixed(4)})`,
  );

  // 4. Kill and resume. Hyperband: the seed-0 run above is the undisturbed one.
  const whole = adaptive.hyperband.runs[0];
  const wholeRoot = join(dir, 'hyperband-0');
  let hbResume = { identical: false };
  for (let attempt = 0; attempt < 3 && !hbResume.identical; attempt++) {
    const name = `hyperband-killed-${attempt}`;
    // A random moment of the search: once a random share (10–90 %) of the undisturbed run's decisions is recorded.
    const total = whole.decisions?.length ?? whole.replayed.decisions.length;
    const cut = Math.max(1, Math.round((0.1 + 0.8 * Math.random()) * total));
    const config = runConfig(name, join(dir, 'grid_gs.yml'), { search: spec('hyperband', 0, hbExtra) });
    const root = join(dir, name);
    const killed = await cliRun(['run', '--config_path', config], { killWhen: () => recordedDecisions(root) >= cut });
    const gs = existsSync(root) ? gridSearchIn(root) : undefined;
    const at = (killed.killedAt ?? 0) * 1000;
    if (killed.killedAt === undefined || !gs) {
      console.log(`4. hyperband: the run ended before ${cut} decisions were recorded; again`);
      continue;
    }
    const recorded = outcome(root).decisions.length;
    const resumed = await cliRun(['run', '--resume', gs, '--event_storage_path', root]);
    const after = outcome(root);
    const same =
      JSON.stringify(decisionLines(after.decisions)) ===
      JSON.stringify(decisionLines(whole.real ? whole.decisions : []));
    const wholeGs = gridSearchIn(wholeRoot);
    const hashes = checkpointHashes(root, gs);
    const sameBytes = JSON.stringify(hashes) === JSON.stringify(checkpointHashes(wholeRoot, wholeGs));
    hbResume = {
      killed_at_s: r4(at / 1000),
      killed_after_decisions: cut,
      decisions_at_kill: recorded,
      decisions: after.decisions.length,
      resume_exit: resumed.code,
      same_decisions: same,
      same_checkpoints: sameBytes,
      checkpoint_files: Object.keys(hashes).length,
      identical: resumed.code === 0 && same && sameBytes,
    };
    console.log(
      `4. hyperband SIGKILLed at ${(at / 1000).toFixed(1)} s with ${recorded} decisions recorded, resumed: ${after.decisions.length} decisions, same decisions ${same}, same sha256 of ${Object.keys(hashes).length} checkpoint files ${sameBytes}`,
    );
  }

  // A plain (asynchronous) asha run keeps every decision it recorded before the kill, and takes none twice.
  let ashaResume = { kept: false };
  for (let attempt = 0; attempt < 3 && !ashaResume.kept; attempt++) {
    const name = `asha-killed-${attempt}`;
    const total = adaptive.asha.runs[0].decisions?.length ?? adaptive.asha.runs[0].replayed.decisions.length;
    const cut = Math.max(1, Math.round((0.1 + 0.8 * Math.random()) * total));
    const root = join(dir, name);
    const killed = await cliRun(
      ['run', '--config_path', runConfig(name, join(dir, 'grid_gs.yml'), { search: spec('asha', 0, ashaExtra) })],
      { killWhen: () => recordedDecisions(root) >= cut },
    );
    const gs = existsSync(root) ? gridSearchIn(root) : undefined;
    const at = (killed.killedAt ?? 0) * 1000;
    if (killed.killedAt === undefined || !gs) continue;
    const before = outcome(root).decisions;
    const resumed = await cliRun(['run', '--resume', gs, '--event_storage_path', root]);
    const after = outcome(root).decisions;
    const kept = before.every((d, i) => JSON.stringify(after[i]) === JSON.stringify(d));
    const once = new Set(after.map((d) => `${d.trial_id}/${d.rung}/${d.decision === 'started'}`)).size === after.length;
    const trials = new Map();
    for (const d of after) trials.set(d.trial_id, d.decision);
    const ended = [...trials.values()].every((k) => k === 'stopped' || k === 'completed' || k === 'failed');
    ashaResume = {
      killed_at_s: r4(at / 1000),
      killed_after_decisions: cut,
      decisions_at_kill: before.length,
      decisions: after.length,
      resume_exit: resumed.code,
      kept: resumed.code === 0 && kept && once && ended,
      none_twice: once,
      all_trials_ended: ended,
    };
    console.log(
      `   asha SIGKILLed at ${(at / 1000).toFixed(1)} s with ${before.length} decisions recorded, resumed: ${after.length} decisions; every recorded one kept ${kept}, none taken twice ${once}, every trial ended ${ended}`,
    );
  }

  const total = (performance.now() - started) / 1000;
  console.log(`total ${(total / 60).toFixed(1)} min`);
  const a = adaptive.asha;
  const h = adaptive.hyperband;
  console.log(
    JSON.stringify({
      bench: 'search',
      quick: QUICK,
      configurations: ids.length,
      max_epochs: EPOCHS,
      grid: { best: r4(S), epochs: g.epochs, seconds: r4(grid.seconds) },
      asha: {
        num_trials: ASHA_TRIALS,
        median_gap: r4(a.gap),
        median_epochs: a.epochs,
        median_seconds: r4(a.seconds),
        runs: a.runs.map((r) => ({
          seed: r.seed,
          real: r.real,
          gap: r4(r.gap),
          epochs: r.epochs,
          seconds: r4(r.seconds),
          replayed_gap: r4(r.replayed.gap),
          replayed_epochs: r.replayed.epochs,
        })),
      },
      hyperband: {
        median_gap: r4(h.gap),
        median_epochs: h.epochs,
        median_seconds: r4(h.seconds),
        replay_matches_real: hbReplayMatches,
        runs: h.runs.map((r) => ({
          seed: r.seed,
          real: r.real,
          gap: r4(r.gap),
          epochs: r.epochs,
          seconds: r4(r.seconds),
        })),
      },
      tpe: { trials: TPE_TRIALS, epochs: TPE_EPOCHS, best: tpe.map(r4), median_best: r4(median(tpe)) },
      random: { trials: TPE_TRIALS, epochs: TPE_EPOCHS, best: random.map(r4), median_best: r4(median(random)) },
      resume: { hyperband: hbResume, asha: ashaResume },
      minutes: r4(total / 60),
      goal_met: {
        asha_within_0_005_of_grid_best: a.gap <= 0.005,
        asha_at_most_a_fifth_of_grid_epochs: a.epochs <= g.epochs / 5,
        asha_at_most_a_third_of_grid_wall_time: a.seconds <= grid.seconds / 3,
        hyperband_within_0_005_of_grid_best: h.gap <= 0.005,
        hyperband_at_most_a_fifth_of_grid_epochs: h.epochs <= g.epochs / 5,
        hyperband_at_most_a_third_of_grid_wall_time: h.seconds <= grid.seconds / 3,
        tpe_median_best_at_least_random: median(tpe) >= median(random),
        hyperband_resumed_identical: hbResume.identical === true,
        asha_resumed_keeps_its_decisions: ashaResume.kept === true,
        within_20_minutes: total <= 20 * 60,
      },
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
