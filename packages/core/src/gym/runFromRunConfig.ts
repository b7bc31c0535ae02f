import { dirname, join } from 'node:path';
import { FileEventStorage } from '@mlgym/event-store';
import { HISTORY_PATH, MlgymError } from '@mlgym/protocol';
import type { Backend, MlgymEvent, RunInfo, TrainingSettings } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import { redactRunConfig } from '../config/redactRunConfig.js';
import { createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { planExperiments } from '../experiments/planExperiments.js';
import { loadPlugins } from '../registry/loadPlugins.js';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { EventSink } from '../reporting/eventSink.js';
import { LocalEventSink } from '../reporting/localEventSink.js';
import { WebsocketReporter } from '../reporting/websocketReporter.js';
import { newGridSearchId } from './gridSearchId.js';
import { dispatchJobs } from './dispatchJobs.js';
import { jobStatusEvent } from './jobEvents.js';
import { withRunTags } from './runTags.js';
import type { JobResult, JobSpec } from './jobSpec.js';
import { systemInfo } from './systemInfo.js';
import { planWarmStart } from './warmStartPlan.js';
import type { WarmStartOverrides } from './warmStartPlan.js';
import { adaptiveSpec } from '../search/createScheduler.js';
import { runAdaptive, storedTrialSpace } from './runAdaptive.js';
import type { SearchSummary } from './runSearch.js';
import { trialSpaceOf } from './trialSpace.js';
import type { TrialSpace } from './trialSpace.js';

export interface RunFromConfigOptions {
  registry?: ComponentRegistry | undefined;
  /** Overrides `environment.config.backend` (a warm start refuses a backend other than the stored one). */
  backend?: Backend | undefined;
  /** Command-line settings for a warm start (`mlgym run --resume`); they win over its config. */
  warmStart?: Omit<WarmStartOverrides, 'backend'> | undefined;
  /** Where the stored run lives, for messages (default: the local event storage path). */
  storeLabel?: string | undefined;
  /** What the user should always see, even when progress is drawn: what a warm start does. */
  notice?: (line: string) => void;
  log?: (line: string) => void;
  /** Prefer this id (tests); otherwise a new timestamp id. */
  gridSearchId?: string | undefined;
  /** How to start pool workers (multiprocessing): a module calling `runWorker()` and its arguments. */
  worker?: { module: string; args: string[] } | undefined;
  signal?: AbortSignal | undefined;
  /** Sees every event the run emits (progress displays). */
  observe?: ((event: MlgymEvent) => void) | undefined;
  /** Bearer token of the endpoints when the run config's `logging.auth_token` has none (the CLI passes ML_BOARD_AUTH_TOKEN). */
  authToken?: string | undefined;
}

export interface RunSummary {
  gridSearchId: string;
  /** The settings the run trained with. */
  settings?: TrainingSettings | undefined;
  results: JobResult[];
  plan?: ExperimentPlan | undefined;
  /** An adaptive search's trials, decisions and budget. */
  search?: SearchSummary | undefined;
}

async function connect(
  run: LoadedRunConfig,
  gridSearchId: string,
  log: (line: string) => void,
  authToken: string | undefined,
): Promise<{
  store: GridSearchStore;
  sink: EventSink;
  close: () => Promise<void>;
  /** The grid search's stored events (a resumed search reads its decisions there). */
  history: () => AsyncIterable<unknown>;
}> {
  const logging = run.config.logging ?? undefined;
  const store = logging?.gs_rest_api_endpoint
    ? new HttpGridSearchStore({ baseUrl: logging.gs_rest_api_endpoint, authToken })
    : new LocalGridSearchStore(run.eventStoragePath);
  if (logging?.websocket_logging_servers?.length) {
    const reporter = await WebsocketReporter.create({
      servers: logging.websocket_logging_servers,
      spoolDir: join(run.eventStoragePath, '.spool'),
      warn: log,
      authToken,
    });
    const server = logging.websocket_logging_servers[0] as string;
    return {
      store,
      sink: reporter,
      close: () => reporter.close(10_000),
      history: () => fetchHistory(server, gridSearchId, authToken),
    };
  }
  const events = new FileEventStorage(run.eventStoragePath, { fsync: 'never' });
  const eventLog = await events.log(gridSearchId);
  const sink = new LocalEventSink(eventLog, 50, log);
  return {
    store,
    sink,
    close: async () => (await sink.close(), await events.close()),
    history: async function* () {
      for await (const e of eventLog.read()) yield e.data;
    },
  };
}

/** Runs what a run config says: a new grid search (train) or the unfinished experiments of an old one (warmstart). */
export async function runFromRunConfig(run: LoadedRunConfig, options: RunFromConfigOptions = {}): Promise<RunSummary> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const authToken = run.config.logging?.auth_token ?? options.authToken;
  const registry = options.registry ?? createDefaultRegistry();
  const rc = run.config.run_configuration;
  for (const line of run.notices) notice(line);
  let gridSearchId: string;
  let plan: ExperimentPlan | undefined;
  let settings: TrainingSettings | undefined;
  let space: TrialSpace | undefined;
  const provisional = run.config.logging?.gs_rest_api_endpoint
    ? undefined
    : new LocalGridSearchStore(run.eventStoragePath);

  if (rc.type === 'train') {
    const env = run.config.environment;
    if (!env) throw new Error('a train run config has an environment (loadRunConfig checks it)');
    const plugins = await loadPlugins(registry, rc.config.plugins ?? [], dirname(run.source.file));
    settings = {
      num_epochs: rc.config.num_epochs,
      num_batches_per_epoch: rc.config.num_batches_per_epoch ?? null,
      seed: rc.config.seed ?? null,
      backend: options.backend ?? env.config?.backend ?? 'auto',
      environment: env,
      plugins,
      ...(rc.config.search ? { search: rc.config.search } : {}),
    };
    plan = await planExperiments(run, { registry });
    for (const line of plan.notices) notice(line);
    const spec = adaptiveSpec(rc.config.search);
    if (spec) space = trialSpaceOf(plan, spec);
    gridSearchId =
      options.gridSearchId ??
      (await newGridSearchId(
        async (id) =>
          (await (
            provisional ??
            new HttpGridSearchStore({
              baseUrl: run.config.logging?.gs_rest_api_endpoint as string,
              authToken,
            })
          ).getConfig(id, 'run_config.yml')) !== undefined,
      ));
  } else {
    gridSearchId = rc.config.gridsearch_id;
  }
  const connection = await connect(run, gridSearchId, log, authToken);
  const { store, close } = connection;
  const observe = options.observe;
  const observed: EventSink = observe
    ? {
        emit: (e) => (connection.sink.emit(e), observe(e)),
        flush: (t) => connection.sink.flush(t),
        close: (t) => connection.sink.close(t),
      }
    : connection.sink;
  // a warm start announces its experiments again: the run's tags were added when they were first announced
  const sink = rc.type === 'train' ? withRunTags(observed, rc.config.tags ?? []) : observed;
  const dispatchContext = (id: string) => ({
    gridSearchId: id,
    store,
    sink,
    registry,
    plan,
    configDir: plan ? dirname(plan.gs.source.file) : undefined,
    log,
    signal: options.signal,
    worker: options.worker,
  });
  try {
    let jobs: JobSpec[];
    let configDir: string | undefined;
    const skipped: JobResult[] = [];
    if (plan && settings) {
      configDir = dirname(plan.gs.source.file);
      jobs = plan.experiments.map((e) => ({ experimentId: e.experiment_id, config: e.config, resume: false }));
      await store.putConfig(gridSearchId, 'grid_search_config.yml', plan.gs.source.text);
      await store.putConfig(gridSearchId, 'run_config.yml', redactRunConfig(run.source.text));
      if (plan.validation)
        await store.putConfig(gridSearchId, 'validation_strategy_config.yml', plan.validation.source.text);
      // What a warm start continues with; config_dir is where relative paths in component configs point.
      const info: RunInfo = { config_dir: configDir, training: settings };
      await store.putConfig(gridSearchId, 'run_info.json', JSON.stringify(info));
      // TPE stores each trial's experiments when it proposes them.
      for (const e of space?.stored.tpe ? [] : plan.experiments) {
        await store.putConfig(gridSearchId, 'experiment_config.json', JSON.stringify(e.config), e.experiment_id);
        await store.putConfig(
          gridSearchId,
          'system_info.json',
          JSON.stringify(systemInfo(undefined, join(run.source.file, '..'))),
          e.experiment_id,
        );
      }
      log(`grid search ${gridSearchId}: ${jobs.length} experiments (${plan.mode})`);
      const spec = adaptiveSpec(settings.search);
      if (spec && space) {
        const outcome = await runAdaptive(
          { run, settings, spec, space, store, ctx: dispatchContext(gridSearchId), notice },
          false,
        );
        return { gridSearchId, results: outcome.results, plan, settings, search: outcome.summary };
      }
    } else {
      const warm = await planWarmStart(
        run,
        store,
        { ...options.warmStart, backend: options.backend },
        options.storeLabel ?? run.eventStoragePath,
      );
      settings = warm.settings;
      await loadPlugins(registry, settings.plugins, dirname(run.source.file));
      await store.putConfig(gridSearchId, 'run_info.json', JSON.stringify(warm.runInfo));
      const spec = adaptiveSpec(settings.search);
      if (spec) {
        // A search continues from its recorded decisions, not experiment by experiment.
        for (const line of warm.lines.slice(0, 3).filter((l) => !l.startsWith('  experiment'))) notice(line);
        const where = options.storeLabel ?? run.eventStoragePath;
        const outcome = await runAdaptive(
          {
            run,
            settings,
            spec,
            space: await storedTrialSpace(store, gridSearchId, where),
            store,
            ctx: { ...dispatchContext(gridSearchId), configDir: warm.configDir },
            history: connection.history,
            notice,
          },
          true,
        );
        return { gridSearchId, results: outcome.results, settings, search: outcome.summary };
      }
      for (const line of warm.lines) notice(line);
      // Finished and early-stopped experiments need no worker or component graph.
      const skip = new Set(warm.actions.filter((a) => a.action === 'skip').map((a) => a.experimentId));
      jobs = warm.jobs.filter((j) => !skip.has(j.experimentId));
      for (const a of warm.actions) {
        if (a.action === 'skip') {
          // Its DONE may have been lost with the process that was killed after the last checkpoint: say it again
          // (times unknown here; MLboard keeps the ones it has).
          sink.emit(jobStatusEvent(gridSearchId, a.experimentId, 'DONE', { start: -1, end: -1 }));
          skipped.push({
            experimentId: a.experimentId,
            status: 'skipped',
            lastEpoch: a.checkpoint,
            stoppedEarly: a.stoppedEarly,
            seconds: 0,
          });
        }
      }
      configDir = warm.configDir;
    }
    const results =
      jobs.length === 0
        ? []
        : await dispatchJobs(run, settings, {
            gridSearchId,
            jobs,
            store,
            sink,
            registry,
            plan,
            configDir,
            log,
            signal: options.signal,
            worker: options.worker,
            authToken,
          });
    results.push(...skipped);
    results.sort((a, b) => a.experimentId - b.experimentId);
    return { gridSearchId, results, plan, settings };
  } finally {
    await close();
  }
}

/** A grid search's stored events from the websocket endpoint's history (JSONL over HTTP). */
async function* fetchHistory(
  server: string,
  gridSearchId: string,
  authToken: string | undefined,
): AsyncIterable<unknown> {
  const url = `${server.replace(/\/$/, '')}${HISTORY_PATH(gridSearchId, 0)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: authToken ? { authorization: `Bearer ${authToken}` } : {},
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw MlgymError.fromIssue({
      code: 'NETWORK_TIMEOUT',
      problem: `cannot read the recorded decisions of ${gridSearchId} from ${url}: ${(error as Error).message}`,
      hint: 'Start the websocket endpoint the run logged to, then resume again',
    });
  }
  if (res.status === 404) return;
  if (!res.ok) {
    throw MlgymError.fromIssue({
      code: 'NOT_FOUND',
      problem: `cannot read the recorded decisions of ${gridSearchId}: ${url} answered ${res.status}`,
    });
  }
  const text = await res.text();
  for (const line of text.split('\n')) {
    // Only the search's own events are parsed (a log holds mostly progress events).
    if (!line.includes('"search_')) continue;
    try {
      yield JSON.parse(line) as unknown;
    } catch {
      // a torn last line: the next resume reads it whole
    }
  }
}
