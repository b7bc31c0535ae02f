import { MlgymError } from '@mlgym/protocol';
import type { TrainingSettings } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { EventSink } from '../reporting/eventSink.js';
import { DistributedExecutor, submitAndWait } from './distributed.js';
import type { DistributedJobData } from './distributed.js';
import type { JobExecutor } from './jobExecutor.js';
import { ProcessPool, runJobsInPool } from './processPool.js';
import { InProcessExecutor, runJobsInProcess } from './runJobsInProcess.js';
import type { JobResult, JobSpec } from './jobSpec.js';
import { DEFAULT_SYSTEM_METRICS_INTERVAL_S } from '../training/callbacks/systemMetricsReporter.js';

/** Seconds between system metrics samples of the run's experiments (`logging.system_metrics_interval_s`). */
export function systemMetricsInterval(run: LoadedRunConfig): number {
  return run.config.logging?.system_metrics_interval_s ?? DEFAULT_SYSTEM_METRICS_INTERVAL_S;
}

export interface DispatchContext {
  gridSearchId: string;
  jobs: JobSpec[];
  store: GridSearchStore;
  sink: EventSink;
  registry: ComponentRegistry;
  plan: ExperimentPlan | undefined;
  configDir: string | undefined;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
  /** How to start pool workers (multiprocessing); without it jobs run in this process. */
  worker?: { module: string; args: string[] } | undefined;
  /** The endpoints' token, handed to pool workers with the store (distributed workers bring their own). */
  authToken?: string | undefined;
}

/** Hands the jobs to the environment's runner: distributed workers, a process pool or this process. */
export async function dispatchJobs(
  run: LoadedRunConfig,
  settings: TrainingSettings,
  ctx: DispatchContext,
): Promise<JobResult[]> {
  const { gridSearchId, jobs, sink, log } = ctx;
  const env = settings.environment;
  const common = {
    gridSearchId,
    jobs,
    numEpochs: settings.num_epochs,
    numBatchesPerEpoch: settings.num_batches_per_epoch,
    backend: settings.backend,
    seed: settings.seed ?? undefined,
    sink,
    log,
    systemMetricsIntervalS: systemMetricsInterval(run),
  };
  if (env.type === 'distributed') {
    return submitAndWait({
      redisUrl: env.config.redis_url,
      queueName: env.config.queue_name,
      gridSearchId,
      jobs,
      maxRetries: env.config.max_retries,
      sink,
      log,
      signal: ctx.signal,
      data: distributedJobData(run, settings, env),
    });
  }
  if (env.type === 'multiprocessing' && ctx.worker) {
    const endpoint = run.config.logging?.gs_rest_api_endpoint;
    return runJobsInPool({
      ...common,
      processCount: env.config.process_count,
      computationDeviceIds: env.config.computation_device_ids,
      maxRetries: env.config.max_retries,
      workerModule: ctx.worker.module,
      workerArgs: ctx.worker.args,
      store: endpoint
        ? { kind: 'http', baseUrl: endpoint, authToken: ctx.authToken }
        : { kind: 'local', root: run.eventStoragePath },
      signal: ctx.signal,
      configDir: ctx.configDir,
      plugins: settings.plugins,
      reuseWorkers: env.config.reuse_workers,
      maxJobsPerWorker: env.config.max_jobs_per_worker,
    });
  }
  return runJobsInProcess({
    ...common,
    store: ctx.store,
    registry: ctx.registry,
    plan: ctx.plan,
    configDir: ctx.configDir,
    onBackend: (record) => log(`backend: ${record.backend} (${record.package} ${record.version})`),
    signal: ctx.signal,
  });
}

/** What each queued experiment of a distributed run carries besides its id and config. */
function distributedJobData(
  run: LoadedRunConfig,
  settings: TrainingSettings,
  env: Extract<TrainingSettings['environment'], { type: 'distributed' }>,
): Omit<DistributedJobData, 'experimentId' | 'config' | 'gridSearchId'> {
  const logging = endpointsOf(run);
  return {
    numEpochs: settings.num_epochs,
    numBatchesPerEpoch: settings.num_batches_per_epoch,
    backend: settings.backend,
    seed: settings.seed ?? undefined,
    restEndpoint: logging.gs_rest_api_endpoint,
    websocketServers: logging.websocket_logging_servers,
    plugins: settings.plugins,
    reuseWorkers: env.config.reuse_workers,
    maxJobsPerWorker: env.config.max_jobs_per_worker,
    systemMetricsIntervalS: systemMetricsInterval(run),
  };
}

/** A distributed run's endpoints: its workers share no disk, only them. */
function endpointsOf(run: LoadedRunConfig): { gs_rest_api_endpoint: string; websocket_logging_servers: string[] } {
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
  return {
    gs_rest_api_endpoint: logging.gs_rest_api_endpoint,
    websocket_logging_servers: logging.websocket_logging_servers,
  };
}

/** The environment's workers as an executor that takes one job at a time (an adaptive search's). */
export function createExecutor(
  run: LoadedRunConfig,
  settings: TrainingSettings,
  ctx: Omit<DispatchContext, 'jobs'>,
): JobExecutor {
  const env = settings.environment;
  const common = {
    gridSearchId: ctx.gridSearchId,
    numEpochs: settings.num_epochs,
    numBatchesPerEpoch: settings.num_batches_per_epoch,
    backend: settings.backend,
    seed: settings.seed ?? undefined,
    sink: ctx.sink,
    log: ctx.log,
    signal: ctx.signal,
    systemMetricsIntervalS: systemMetricsInterval(run),
  };
  if (env.type === 'distributed') {
    return new DistributedExecutor({
      redisUrl: env.config.redis_url,
      queueName: env.config.queue_name,
      gridSearchId: ctx.gridSearchId,
      maxRetries: env.config.max_retries,
      sink: ctx.sink,
      log: ctx.log,
      signal: ctx.signal,
      data: distributedJobData(run, settings, env),
    });
  }
  if (env.type === 'multiprocessing' && ctx.worker) {
    const endpoint = run.config.logging?.gs_rest_api_endpoint;
    return new ProcessPool({
      ...common,
      processCount: env.config.process_count,
      computationDeviceIds: env.config.computation_device_ids,
      maxRetries: env.config.max_retries,
      workerModule: ctx.worker.module,
      workerArgs: ctx.worker.args,
      store: endpoint ? { kind: 'http', baseUrl: endpoint } : { kind: 'local', root: run.eventStoragePath },
      configDir: ctx.configDir,
      plugins: settings.plugins,
      reuseWorkers: env.config.reuse_workers,
      maxJobsPerWorker: env.config.max_jobs_per_worker,
    });
  }
  return new InProcessExecutor({
    ...common,
    store: ctx.store,
    registry: ctx.registry,
    plan: ctx.plan,
    configDir: ctx.configDir,
    onBackend: (record) => ctx.log(`backend: ${record.backend} (${record.package} ${record.version})`),
  });
}
