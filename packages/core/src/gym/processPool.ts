import { cpus } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { MlgymEvent } from '@mlgym/protocol';
import { announceJobs, jobStatusEvent } from './jobEvents.js';
import type { JobResult, JobSpec, RunJobsOptions } from './jobSpec.js';
import { WorkerProcess } from './workerProcess.js';
import type { ForkedOutcome } from './workerProcess.js';

export type { ForkedOutcome } from './workerProcess.js';

/** Jobs a reused worker runs before it is replaced by a fresh one (bounds what any leak can cost). */
export const DEFAULT_MAX_JOBS_PER_WORKER = 50;

/** Where a worker finds the grid-search store (stores themselves cannot cross a process boundary). */
export type StoreDescriptor =
  { kind: 'local'; root: string } | { kind: 'http'; baseUrl: string; authToken?: string | undefined };

/** Parent → worker: run one job. */
export interface WorkerRequest {
  type: 'run';
  job: JobSpec;
  gridSearchId: string;
  numEpochs: number;
  numBatchesPerEpoch?: number | null | undefined;
  backend?: string | undefined;
  seed?: number | undefined;
  store: StoreDescriptor;
  /** Folder for relative paths in component configs (the gs config's). */
  configDir?: string | undefined;
  /** Absolute plugin modules to load into the worker's registry. */
  plugins?: string[] | undefined;
  /** Keep the worker for further jobs (it still exits after a failed or leaking job). */
  reuse?: boolean | undefined;
}

/** Worker → parent. `retire` says why a reused worker exits after this job. */
/** Parent → worker: the events sent before flush `id` are stored (`ok`) or the wait timed out. */
export interface FlushedMessage {
  type: 'flushed';
  id: number;
  ok: boolean;
}

/** Worker → parent. `flush`: answer with `flushed` once the events sent so far are stored by the endpoints. */
export type WorkerMessage =
  | { type: 'event'; event: MlgymEvent }
  | { type: 'flush'; id: number; timeoutMs: number }
  | { type: 'done'; result: Omit<JobResult, 'seconds'>; retire?: string | undefined }
  | { type: 'failed'; error: string; stack?: string | undefined };

export interface PoolOptions extends Omit<RunJobsOptions, 'store' | 'registry' | 'plan'> {
  processCount: number;
  /** How to start a worker: a module that calls `runWorker()` and its arguments. */
  workerModule: string;
  workerArgs: string[];
  store: StoreDescriptor;
  /** GPU ids (`computation_device_ids`): lane i uses device ids[i mod n]. */
  computationDeviceIds?: readonly number[] | undefined;
  /** Re-runs of a failed experiment, each resuming from its last checkpoint. @default 0 */
  maxRetries?: number;
  /** Aborting stops every worker (SIGTERM); checkpoints stay intact for a later warm start. */
  signal?: AbortSignal;
  configDir?: string | undefined;
  plugins?: string[] | undefined;
  /** Run many jobs per worker process (`reuse_workers`); otherwise a fresh process per job. @default true */
  reuseWorkers?: boolean | undefined;
  /** Jobs per reused worker before a fresh one replaces it (`max_jobs_per_worker`). @default 50 */
  maxJobsPerWorker?: number | undefined;
}

/**
 * Runs jobs in up to `processCount` isolated worker processes, forwarding their events to the sink.
 * With `reuseWorkers` a worker runs job after job, each as isolated as in a fresh process (see
 * `runWorker`); without it, one fresh process per job (as the original's pool). A worker that throws, exits or is killed
 * ends its job DONE with the error and exit cause; the other jobs go on; `maxRetries` re-runs a
 * failed job from its last checkpoint. Unlike the original pool, a dead worker never hangs the run.
 */
export async function runJobsInPool(options: PoolOptions): Promise<JobResult[]> {
  const { gridSearchId, sink } = options;
  announceJobs(sink, gridSearchId, options.jobs);
  const queue = options.jobs.map((job) => ({ job, attempt: 0 }));
  const results = new Map<number, JobResult>();
  const running = new Set<ChildProcess>();
  const reuse = options.reuseWorkers ?? true;
  const maxJobs = options.maxJobsPerWorker ?? DEFAULT_MAX_JOBS_PER_WORKER;
  const workers: Array<WorkerProcess | undefined> = [];
  options.signal?.addEventListener('abort', () => {
    for (const child of running) child.kill('SIGTERM');
  });

  const cores = Math.max(1, cpus().length);
  const lanes = Math.max(1, Math.min(options.processCount, options.jobs.length));
  /**
   * Each worker gets a share of the cores for its thread pools (wasm's XNNPACK, tfjs-node's
   * TensorFlow) so the pool does not oversubscribe them, unless MLGYM_THREADS says how many, and,
   * with GPU ids, one device per lane.
   */
  const workerEnv = (slot: number): Record<string, string> => {
    const threads = process.env['MLGYM_THREADS'] ?? String(Math.max(1, Math.floor(cores / lanes)));
    const env: Record<string, string> = {
      MLGYM_THREADS: threads,
      TF_NUM_INTRAOP_THREADS: threads,
      TF_NUM_INTEROP_THREADS: '1',
      OMP_NUM_THREADS: threads,
    };
    const devices = options.computationDeviceIds ?? [];
    if (devices.length > 0) env['CUDA_VISIBLE_DEVICES'] = String(devices[slot % devices.length]);
    return env;
  };
  /** The slot's worker, replaced by a fresh one when it retired or reached its job limit. */
  const workerFor = async (slot: number): Promise<WorkerProcess> => {
    const old = workers[slot];
    if (old && !old.retired && old.jobsRun < maxJobs) return old;
    if (old) {
      await old.stop(`ran ${old.jobsRun} jobs, its limit`);
      if (reuse) options.log?.(`worker ${old.pid} retired (${old.retired}); starting a fresh one`);
    }
    const fresh = new WorkerProcess({
      module: options.workerModule,
      args: options.workerArgs,
      env: workerEnv(slot),
      running,
    });
    workers[slot] = fresh;
    return fresh;
  };
  const runOne = async (job: JobSpec, attempt: number, slot: number): Promise<JobResult> => {
    const start = Date.now() / 1000;
    sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'RUNNING', { start, end: -1 }));
    options.log?.(
      `experiment ${job.experimentId}: ${job.resume || attempt > 0 ? 'resuming' : 'training'}${attempt > 0 ? ` (retry ${attempt})` : ''} in a worker process`,
    );
    const request: WorkerRequest = {
      type: 'run',
      job: { ...job, resume: job.resume || attempt > 0 },
      gridSearchId,
      numEpochs: options.numEpochs,
      numBatchesPerEpoch: options.numBatchesPerEpoch,
      backend: options.backend,
      seed: options.seed,
      store: options.store,
      configDir: options.configDir,
      plugins: options.plugins,
      reuse,
    };
    const outcome = await (
      await workerFor(slot)
    ).run(
      request,
      (e) => sink.emit(e),
      (t) => sink.flush(t),
    );
    const end = Date.now() / 1000;
    if (outcome.result) {
      sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'DONE', { start, end }));
      return { ...outcome.result, seconds: end - start };
    }
    sink.emit(
      jobStatusEvent(gridSearchId, job.experimentId, 'DONE', {
        start,
        end,
        error: outcome.error,
        stacktrace: outcome.stack,
      }),
    );
    return {
      experimentId: job.experimentId,
      status: 'failed',
      error: outcome.error,
      lastEpoch: -1,
      stoppedEarly: false,
      seconds: end - start,
    };
  };

  const lane = async (slot: number) => {
    for (let next = queue.shift(); next && !options.signal?.aborted; next = queue.shift()) {
      const result = await runOne(next.job, next.attempt, slot);
      if (result.status === 'failed' && next.attempt < (options.maxRetries ?? 0) && !options.signal?.aborted) {
        options.log?.(
          `experiment ${next.job.experimentId}: failed (${result.error}); retrying from its last checkpoint`,
        );
        queue.push({ job: next.job, attempt: next.attempt + 1 });
      } else {
        results.set(next.job.experimentId, result);
        options.log?.(
          `experiment ${next.job.experimentId}: ${result.status === 'failed' ? `FAILED: ${result.error}` : result.status === 'skipped' ? 'already finished, skipped' : `done after epoch ${result.lastEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}`}`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, (_, slot) => lane(slot)));
  } finally {
    await Promise.all(workers.map((w) => w?.stop('the pool is done')));
  }
  return options.jobs.map((j) => results.get(j.experimentId)).filter((r): r is JobResult => r !== undefined);
}

export interface ForkJobOptions {
  module: string;
  args: string[];
  /** Extra environment of the worker (device and thread settings). */
  env?: Record<string, string> | undefined;
  request: WorkerRequest;
  onEvent: (event: MlgymEvent) => void;
  /** Stores the events received so far (the job waits for it before writing a checkpoint). */
  onFlush?: ((timeoutMs: number) => Promise<boolean>) | undefined;
  /** Running children, so a caller can stop them all. */
  running?: Set<ChildProcess>;
}

/** Runs one job in a fresh worker process that exits after it, and reports how it ended. */
export async function forkJob(options: ForkJobOptions): Promise<ForkedOutcome> {
  const worker = new WorkerProcess(options);
  try {
    return await worker.run({ ...options.request, reuse: false }, options.onEvent, options.onFlush);
  } finally {
    await worker.stop('ran its single job');
  }
}
