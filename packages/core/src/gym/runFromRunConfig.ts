import { dirname, join } from 'node:path';
import { FileEventStorage } from '@mlgym/event-store';
import { MlgymError } from '@mlgym/protocol';
import type { Backend, MlgymEvent } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import { createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { planExperiments } from '../experiments/planExperiments.js';
import { loadPlugins } from '../registry/loadPlugins.js';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { EventSink } from '../reporting/eventSink.js';
import { LocalEventSink } from '../reporting/localEventSink.js';
import { WebsocketReporter } from '../reporting/websocketReporter.js';
import { newGridSearchId } from './gridSearchId.js';
import { submitAndWait } from './distributed.js';
import { runJobsInPool } from './processPool.js';
import { runJobsInProcess } from './runGridSearch.js';
import type { JobResult, JobSpec } from './runGridSearch.js';
import { systemInfo } from './systemInfo.js';

export interface RunFromConfigOptions {
  registry?: ComponentRegistry | undefined;
  /** Overrides `environment.config.backend`. */
  backend?: Backend | undefined;
  log?: (line: string) => void;
  /** Prefer this id (tests); otherwise a new timestamp id. */
  gridSearchId?: string | undefined;
  /** How to start pool workers (multiprocessing): a module calling `runWorker()` and its arguments. */
  worker?: { module: string; args: string[] } | undefined;
  signal?: AbortSignal | undefined;
  /** Sees every event the run emits (progress displays). */
  observe?: ((event: MlgymEvent) => void) | undefined;
}

export interface RunSummary {
  gridSearchId: string;
  results: JobResult[];
  plan?: ExperimentPlan | undefined;
}

async function connect(
  run: LoadedRunConfig,
  gridSearchId: string,
  log: (line: string) => void,
): Promise<{ store: GridSearchStore; sink: EventSink; close: () => Promise<void> }> {
  const logging = run.config.logging ?? undefined;
  const store = logging?.gs_rest_api_endpoint
    ? new HttpGridSearchStore({ baseUrl: logging.gs_rest_api_endpoint, authToken: process.env['ML_BOARD_AUTH_TOKEN'] })
    : new LocalGridSearchStore(run.eventStoragePath);
  if (logging?.websocket_logging_servers?.length) {
    const reporter = await WebsocketReporter.create({
      servers: logging.websocket_logging_servers,
      spoolDir: join(run.eventStoragePath, '.spool'),
      warn: log,
    });
    return { store, sink: reporter, close: () => reporter.close(10_000) };
  }
  const events = new FileEventStorage(run.eventStoragePath, { fsync: 'never' });
  const sink = new LocalEventSink(await events.log(gridSearchId), 50, log);
  return { store, sink, close: async () => (await sink.close(), await events.close()) };
}

/** Runs what a run config says: a new grid search (train) or the unfinished experiments of an old one (warmstart). */
export async function runFromRunConfig(run: LoadedRunConfig, options: RunFromConfigOptions = {}): Promise<RunSummary> {
  const log = options.log ?? (() => undefined);
  const registry = options.registry ?? createDefaultRegistry();
  const plugins = await loadPlugins(
    registry,
    run.config.run_configuration.config.plugins ?? [],
    dirname(run.source.file),
  );
  const rc = run.config.run_configuration;
  const env = run.config.environment;
  const backend = options.backend ?? env.config?.backend ?? 'auto';
  let gridSearchId: string;
  let jobs: JobSpec[];
  let plan: ExperimentPlan | undefined;
  let configDir: string | undefined;
  const provisional = run.config.logging?.gs_rest_api_endpoint
    ? undefined
    : new LocalGridSearchStore(run.eventStoragePath);

  if (rc.type === 'train') {
    plan = await planExperiments(run, { registry });
    gridSearchId =
      options.gridSearchId ??
      (await newGridSearchId(
        async (id) =>
          (await (
            provisional ?? new HttpGridSearchStore({ baseUrl: run.config.logging?.gs_rest_api_endpoint as string })
          ).getConfig(id, 'run_config.yml')) !== undefined,
      ));
    jobs = plan.experiments.map((e) => ({ experimentId: e.experiment_id, config: e.config, resume: false }));
    configDir = dirname(plan.gs.source.file);
  } else {
    gridSearchId = rc.config.gridsearch_id;
    jobs = [];
  }
  const connection = await connect(run, gridSearchId, log);
  const { store, close } = connection;
  const observe = options.observe;
  const sink: EventSink = observe
    ? {
        emit: (e) => (connection.sink.emit(e), observe(e)),
        flush: (t) => connection.sink.flush(t),
        close: (t) => connection.sink.close(t),
      }
    : connection.sink;
  try {
    if (rc.type === 'train' && plan) {
      await store.putConfig(gridSearchId, 'grid_search_config.yml', plan.gs.source.text);
      await store.putConfig(gridSearchId, 'run_config.yml', run.source.text);
      if (plan.validation)
        await store.putConfig(gridSearchId, 'validation_strategy_config.yml', plan.validation.source.text);
      // Where relative paths in component configs (CSV files) point, for warm starts started elsewhere.
      await store.putConfig(gridSearchId, 'run_info.json', JSON.stringify({ config_dir: configDir }));
      for (const e of plan.experiments) {
        await store.putConfig(gridSearchId, 'experiment_config.json', JSON.stringify(e.config), e.experiment_id);
        await store.putConfig(
          gridSearchId,
          'system_info.json',
          JSON.stringify(systemInfo(undefined, join(run.source.file, '..'))),
          e.experiment_id,
        );
      }
      log(`grid search ${gridSearchId}: ${jobs.length} experiments (${plan.mode})`);
    } else {
      const stored = await store.experiments(gridSearchId);
      if (stored.length === 0) {
        throw MlgymError.fromIssue(
          run.source.issue('NOT_FOUND', ['run_configuration', 'config', 'gridsearch_id'], {
            problem: `grid search "${gridSearchId}" has no stored experiments`,
            hint: `Check the id against the folders in ${run.eventStoragePath} (or the REST endpoint)`,
          }),
        );
      }
      jobs = stored.map((s) => ({ experimentId: s.experiment_id, config: s.experiment_config, resume: true }));
      const info = await store.getConfig(gridSearchId, 'run_info.json');
      configDir = info ? (JSON.parse(info) as { config_dir?: string }).config_dir : undefined;
      log(`warm start of ${gridSearchId}: ${jobs.length} experiments`);
    }
    const numBatches = rc.config.num_batches_per_epoch;
    if (env.type === 'distributed') {
      const logging = run.config.logging ?? undefined;
      if (!logging?.gs_rest_api_endpoint || !logging.websocket_logging_servers?.length) {
        throw MlgymError.fromIssue(
          run.source.issue('CONFIG_INVALID', ['logging'], {
            problem:
              'distributed runs keep checkpoints and events on the MLboard endpoints, so workers need no shared disk',
            expected: 'logging.gs_rest_api_endpoint and logging.websocket_logging_servers',
          }),
        );
      }
      const results = await submitAndWait({
        redisUrl: env.config.redis_url,
        queueName: env.config.queue_name,
        gridSearchId,
        jobs,
        maxRetries: env.config.max_retries,
        sink,
        log,
        signal: options.signal,
        data: {
          numEpochs: rc.config.num_epochs,
          numBatchesPerEpoch: numBatches,
          backend,
          seed: rc.type === 'train' ? rc.config.seed : undefined,
          restEndpoint: logging.gs_rest_api_endpoint,
          websocketServers: logging.websocket_logging_servers,
          plugins,
        },
      });
      return { gridSearchId, results, plan };
    }
    if (env.type === 'multiprocessing' && options.worker) {
      const endpoint = run.config.logging?.gs_rest_api_endpoint;
      const results = await runJobsInPool({
        gridSearchId,
        jobs,
        numEpochs: rc.config.num_epochs,
        numBatchesPerEpoch: numBatches,
        sink,
        backend,
        seed: rc.type === 'train' ? rc.config.seed : undefined,
        log,
        processCount: env.config.process_count,
        computationDeviceIds: env.config.computation_device_ids,
        maxRetries: env.config.max_retries,
        workerModule: options.worker.module,
        workerArgs: options.worker.args,
        store: endpoint ? { kind: 'http', baseUrl: endpoint } : { kind: 'local', root: run.eventStoragePath },
        signal: options.signal,
        configDir,
        plugins,
      });
      return { gridSearchId, results, plan };
    }
    const results = await runJobsInProcess({
      gridSearchId,
      jobs,
      numEpochs: rc.config.num_epochs,
      numBatchesPerEpoch: numBatches,
      store,
      sink,
      backend,
      seed: rc.type === 'train' ? rc.config.seed : undefined,
      registry,
      plan,
      configDir,
      log,
      onBackend: (record) => log(`backend: ${record.backend} (${record.package} ${record.version})`),
      signal: options.signal,
    });
    return { gridSearchId, results, plan };
  } finally {
    await close();
  }
}
