import { join } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import type { TrainingSettings } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import type { PlannedExperiment } from '../experiments/planExperiments.js';
import type { AdaptiveSpec } from '../search/createScheduler.js';
import { configHash } from '../util/canonicalJson.js';
import type { DispatchContext } from './dispatchJobs.js';
import { createExecutor } from './dispatchJobs.js';
import { runSearch } from './runSearch.js';
import type { SearchOutcome } from './runSearch.js';
import { readRecordedSearch } from './searchLedger.js';
import { systemInfo } from './systemInfo.js';
import { fromStored } from './trialSpace.js';
import type { StoredSearchSpace, TrialSpace } from './trialSpace.js';

export const SEARCH_SPACE_FILE = 'search_space.json';
const SEARCH_KEY = ['run_configuration', 'config', 'search'];

export interface AdaptiveRun {
  run: LoadedRunConfig;
  settings: TrainingSettings;
  spec: AdaptiveSpec;
  space: TrialSpace;
  store: GridSearchStore;
  ctx: Omit<DispatchContext, 'jobs'>;
  /** The grid search's events so far (a resumed search reads its decisions there). */
  history?: (() => AsyncIterable<unknown>) | undefined;
  notice: (line: string) => void;
}

/** What a resumed search continues with: the stored trial space, with each planned experiment's stored config. */
export async function storedTrialSpace(
  store: GridSearchStore,
  gridSearchId: string,
  where: string,
): Promise<TrialSpace> {
  const text = await store.getConfig(gridSearchId, SEARCH_SPACE_FILE);
  let stored: StoredSearchSpace | undefined;
  try {
    stored = text === undefined ? undefined : (JSON.parse(text) as StoredSearchSpace);
  } catch {
    stored = undefined;
  }
  if (stored?.version !== 1) {
    throw MlgymError.fromIssue({
      code: 'STORAGE_CORRUPT',
      file: `${where}/${gridSearchId}/${SEARCH_SPACE_FILE}`,
      problem: text === undefined ? 'the adaptive search stored no trial space' : 'unreadable trial space',
      hint: 'The search cannot continue without it; start it again',
    });
  }
  const experiments: PlannedExperiment[] = (await store.experiments(gridSearchId)).map((e) => ({
    experiment_id: e.experiment_id,
    config_hash: configHash(e.experiment_config),
    config: e.experiment_config,
    swept: stored?.swept?.[String(e.experiment_id)] ?? {},
    hyper_paramater_combination_id: e.experiment_id,
  }));
  return fromStored(stored, experiments);
}

/**
 * Runs (or continues) an adaptive search in the environment's workers: stores its trial space when it starts,
 * reads the decisions it recorded when it resumes, and stops every job on a fatal error.
 */
export async function runAdaptive(a: AdaptiveRun, resume: boolean): Promise<SearchOutcome> {
  const { run, settings, spec, store, ctx } = a;
  const gridSearchId = ctx.gridSearchId;
  const recorded = resume && a.history ? await readRecordedSearch(a.history()) : undefined;
  if (recorded) {
    const running = new Set<number>();
    for (const d of recorded.decisions) {
      if (d.decision === 'started' || d.decision === 'promoted') running.add(d.trial_id);
      else running.delete(d.trial_id);
    }
    a.notice(
      `continuing the ${spec.algorithm} search: ${recorded.decisions.length} decisions recorded (kept as they are), ${running.size} trials to continue from their checkpoints`,
    );
  } else {
    await store.putConfig(gridSearchId, SEARCH_SPACE_FILE, JSON.stringify(a.space.stored));
  }
  const stop = new AbortController();
  const abort = () => stop.abort();
  ctx.signal?.addEventListener('abort', abort);
  if (ctx.signal?.aborted) stop.abort();
  const executor = createExecutor(run, settings, { ...ctx, signal: stop.signal });
  const fileIssue = (key: string, fields: Parameters<typeof run.source.issue>[2]) =>
    run.config.run_configuration.type === 'train'
      ? run.source.issue('CONFIG_INVALID', [...SEARCH_KEY, key], fields)
      : { code: 'CONFIG_INVALID' as const, keyPath: `search.${key} (the stored run_info.json)`, ...fields };
  try {
    return await runSearch({
      gridSearchId,
      spec,
      seed: spec.seed ?? settings.seed ?? 0,
      maxEpochs: settings.num_epochs,
      space: a.space,
      executor,
      sink: ctx.sink,
      store,
      recorded,
      issueAt: fileIssue,
      storeExperiment: a.space.stored.tpe
        ? async (e) => {
            await store.putConfig(gridSearchId, 'experiment_config.json', JSON.stringify(e.config), e.experiment_id);
            await store.putConfig(
              gridSearchId,
              'system_info.json',
              JSON.stringify(systemInfo(undefined, join(run.source.file, '..'))),
              e.experiment_id,
            );
          }
        : undefined,
      abort,
      signal: stop.signal,
      log: ctx.log,
    });
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    await executor.close();
  }
}
