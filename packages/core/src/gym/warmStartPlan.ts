import { isDeepStrictEqual } from 'node:util';
import { MlgymError, isAdaptiveSearch } from '@mlgym/protocol';
import type { Backend, Environment, MlgymIssue, RunInfo, TrainingSettings } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import { resolveAgainst } from '../config/loadRunConfig.js';
import { batchesPerEpochOf, newestCheckpoint } from '../training/newestCheckpoint.js';
import type { JobSpec } from './jobSpec.js';
import { storedSettings, trainedBackends } from './storedSettings.js';

/** Settings given on the command line (`mlgym run --resume … --num_epochs N`); they win over the config. */
export interface WarmStartOverrides {
  numEpochs?: number | undefined;
  numBatchesPerEpoch?: number | undefined;
  allowChangedBatches?: boolean | undefined;
  backend?: Backend | undefined;
}

/** What a warm start does to one stored experiment. */
export type ExperimentAction =
  | { experimentId: number; action: 'resume'; checkpoint: number }
  | { experimentId: number; action: 'skip'; checkpoint: number; stoppedEarly: boolean }
  | { experimentId: number; action: 'restart' };

export interface WarmStartPlan {
  /** The settings the continuation trains with. */
  settings: TrainingSettings;
  jobs: JobSpec[];
  actions: ExperimentAction[];
  /** What to tell the user: the settings and their origin, then one line per experiment. */
  lines: string[];
  /** `run_info.json` with the settings and this warm start recorded. */
  runInfo: RunInfo;
  configDir?: string | undefined;
}

/** Where a setting was given: a key of the warm-start config or a command-line flag. */
type Origin = { path: string[] } | { flag: string };
interface Given<T> {
  value: T;
  origin: Origin;
}

const CONFIG = ['run_configuration', 'config'];

function given<T>(cli: T | undefined, flag: string, file: T | undefined, key: string[]): Given<T> | undefined {
  if (cli !== undefined) return { value: cli, origin: { flag } };
  if (file !== undefined) return { value: file, origin: { path: key } };
  return undefined;
}

const show = (v: unknown) => (v === null ? 'none' : String(v));

function describeEnvironment(env: Environment): string {
  if (env.type === 'multiprocessing') return `multiprocessing (${env.config.process_count} processes)`;
  if (env.type === 'distributed') return `distributed (${env.config.redis_url})`;
  return 'main_process';
}

/**
 * Plans a warm start: the stored run's settings, with what the warm-start config (or command line)
 * overrides. Only `num_epochs` may change freely and `num_batches_per_epoch` with
 * `allow_changed_batches`; any other difference would make the continuation end elsewhere than an
 * uninterrupted run, and is refused with the location of the key and the stored value.
 */
export async function planWarmStart(
  run: LoadedRunConfig,
  store: GridSearchStore,
  overrides: WarmStartOverrides = {},
  where = run.eventStoragePath,
): Promise<WarmStartPlan> {
  const rc = run.config.run_configuration;
  if (rc.type !== 'warmstart') throw new Error('planWarmStart needs a warmstart run config');
  const gridSearchId = rc.config.gridsearch_id;
  const stored = await storedSettings(run, store, gridSearchId, where);
  const was = stored.settings;
  const entries = await store.experiments(gridSearchId);
  if (entries.length === 0) {
    throw MlgymError.fromIssue(
      run.source.issue('NOT_FOUND', [...CONFIG, 'gridsearch_id'], {
        problem: `grid search "${gridSearchId}" has no stored experiments`,
        hint: `Check the id against the folders in ${where}`,
      }),
    );
  }
  const fileEnv = run.config.environment;
  const epochs = given(overrides.numEpochs, '--num_epochs', rc.config.num_epochs, [...CONFIG, 'num_epochs']);
  const batches = given(overrides.numBatchesPerEpoch, '--num_batches_per_epoch', rc.config.num_batches_per_epoch, [
    ...CONFIG,
    'num_batches_per_epoch',
  ]);
  const allowChange = overrides.allowChangedBatches ?? rc.config.allow_changed_batches ?? false;
  const seed = given(undefined, '', rc.config.seed, [...CONFIG, 'seed']);
  const backend = given(overrides.backend, '--backend', fileEnv?.config?.backend, ['environment', 'config', 'backend']);

  const issues: MlgymIssue[] = [];
  const refuse = (origin: Origin, fields: Omit<MlgymIssue, 'code' | 'file'>) =>
    issues.push(
      'flag' in origin
        ? { code: 'CONFIG_INVALID', keyPath: origin.flag, ...fields }
        : run.source.issue('CONFIG_INVALID', origin.path, fields),
    );
  const storedIn = `the stored run's value, ${stored.file}`;
  if (batches && (batches.value ?? null) !== was.num_batches_per_epoch && !allowChange) {
    refuse(batches.origin, {
      problem: 'differs from the stored run',
      found: show(batches.value),
      expected: `${show(was.num_batches_per_epoch)} (${storedIn}); leave it out to inherit it`,
      hint: `To continue with ${show(batches.value)} batches per epoch anyway, add ${'flag' in batches.origin ? '--allow_changed_batches' : 'allow_changed_batches: true'}: the continuation will then differ from an uninterrupted run`,
    });
  }
  if (epochs && epochs.value !== was.num_epochs && isAdaptiveSearch(was.search)) {
    refuse(epochs.origin, {
      problem: `the stored run is a ${was.search?.algorithm} search, whose rungs num_epochs sets: it continues with its own`,
      found: show(epochs.value),
      expected: `${show(was.num_epochs)} (${storedIn}); leave it out to inherit it`,
    });
  }
  if (seed && seed.value !== was.seed) {
    refuse(seed.origin, {
      problem: 'differs from the stored run (a restarted experiment would train differently)',
      found: show(seed.value),
      expected: `${show(was.seed)} (${storedIn}); leave it out to inherit it`,
    });
  }
  if (backend && backend.value !== was.backend) {
    const trained = await trainedBackends(
      store,
      gridSearchId,
      entries.map((e) => e.experiment_id),
    );
    if (!(trained.size === 1 && trained.has(backend.value))) {
      refuse(backend.origin, {
        problem: 'differs from the backend the stored run trained on (results differ between backends)',
        found: backend.value,
        expected: `${was.backend} (${storedIn}${was.backend === 'auto' ? `, which ran on ${[...trained].join(', ')}` : ''}); leave it out to inherit it`,
      });
    }
  }

  const numEpochs = epochs?.value ?? was.num_epochs;
  const numBatches = batches ? (batches.value ?? null) : was.num_batches_per_epoch;
  const actions: ExperimentAction[] = [];
  for (const entry of [...entries].sort((a, b) => a.experiment_id - b.experiment_id)) {
    const id = entry.experiment_id;
    const found = await newestCheckpoint(store, gridSearchId, id);
    if (!found) {
      actions.push({ experimentId: id, action: 'restart' });
      continue;
    }
    if (found.state.stopped_early || found.epoch + 1 >= numEpochs) {
      actions.push({
        experimentId: id,
        action: 'skip',
        checkpoint: found.epoch,
        stoppedEarly: found.state.stopped_early,
      });
      continue;
    }
    actions.push({ experimentId: id, action: 'resume', checkpoint: found.epoch });
    const trainedWith = batchesPerEpochOf(found.state);
    if (numBatches !== null && trainedWith !== numBatches && !allowChange && issues.length === 0) {
      refuse(batches?.origin ?? { path: [...CONFIG, 'gridsearch_id'] }, {
        problem: `experiment ${id}'s checkpoint ${found.epoch} was trained with ${trainedWith} batches per epoch, not ${numBatches}`,
        hint:
          'Give num_batches_per_epoch: ' +
          String(trainedWith) +
          ' to continue it exactly, or allow_changed_batches: true',
      });
    }
  }
  if (issues.length > 0) throw new MlgymError({ code: 'CONFIG_INVALID', issues });

  const settings: TrainingSettings = {
    num_epochs: numEpochs,
    num_batches_per_epoch: numBatches,
    seed: was.seed,
    backend: backend?.value ?? was.backend,
    environment: fileEnv ?? was.environment,
    plugins: rc.config.plugins ? rc.config.plugins.map((p) => resolveAgainst(run.source.file, p)) : was.plugins,
    ...(was.search ? { search: was.search } : {}),
  };
  const lines = [`warm start of ${gridSearchId} (stored settings: ${stored.file})`];
  const inherited: string[] = [];
  const changed: string[] = [];
  const note = (name: string, value: unknown, isGiven: boolean, before: unknown) =>
    (isGiven && value !== before ? changed : inherited).push(
      `${name} ${show(value)}${isGiven && value !== before ? ` (was ${show(before)})` : ''}`,
    );
  note('num_epochs', numEpochs, epochs !== undefined, was.num_epochs);
  note('num_batches_per_epoch', numBatches, batches !== undefined, was.num_batches_per_epoch);
  note('seed', was.seed, false, was.seed);
  note('backend', settings.backend, false, was.backend);
  if (fileEnv && !isDeepStrictEqual(fileEnv, was.environment))
    changed.push(`environment ${describeEnvironment(fileEnv)} (was ${describeEnvironment(was.environment)})`);
  else inherited.push(`environment ${describeEnvironment(was.environment)}`);
  lines.push(`  inherited: ${inherited.join(', ')}`);
  if (changed.length > 0) lines.push(`  changed:   ${changed.join(', ')}`);
  for (const a of actions) {
    lines.push(
      `  experiment ${a.experimentId}: ${
        a.action === 'resume'
          ? `resumed at epoch ${a.checkpoint + 1} (from checkpoint ${a.checkpoint})`
          : a.action === 'skip'
            ? `skipped (${a.stoppedEarly ? `stopped early at epoch ${a.checkpoint}` : `finished: ${a.checkpoint + 1} of ${numEpochs} epochs`})`
            : 'restarted (no complete checkpoint)'
      }`,
    );
  }
  const runInfo: RunInfo = {
    ...stored.info,
    training: { ...was, num_epochs: numEpochs, num_batches_per_epoch: numBatches },
    warm_starts: [
      ...(stored.info.warm_starts ?? []),
      {
        started_at: new Date().toISOString(),
        num_epochs: numEpochs,
        num_batches_per_epoch: numBatches,
        changed_batches: numBatches !== was.num_batches_per_epoch,
      },
    ],
  };
  return {
    settings,
    jobs: entries.map((s) => ({ experimentId: s.experiment_id, config: s.experiment_config, resume: true })),
    actions,
    lines,
    runInfo,
    configDir: stored.info.config_dir,
  };
}
