import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { MlgymEvent } from '@mlgym/protocol';
import { announceJobs, jobStatusEvent } from './jobEvents.js';
import type { JobResult, JobSpec, RunJobsOptions } from './runGridSearch.js';

/** Where a worker finds the grid-search store (stores themselves cannot cross a process boundary). */
export type StoreDescriptor = { kind: 'local'; root: string } | { kind: 'http'; baseUrl: string };

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
}

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'event'; event: MlgymEvent }
  | { type: 'done'; result: Omit<JobResult, 'seconds'> }
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
}

/**
 * Runs jobs in up to `processCount` isolated worker processes, one fresh process per job (as the
 * original's pool), forwarding their events to the sink. A worker that throws, exits or is killed
 * ends its job DONE with the error and exit cause; the other jobs go on; `maxRetries` re-runs a
 * failed job from its last checkpoint. Unlike the original pool, a dead worker never hangs the run.
 */
export async function runJobsInPool(options: PoolOptions): Promise<JobResult[]> {
  const { gridSearchId, sink } = options;
  announceJobs(sink, gridSearchId, options.jobs);
  const queue = options.jobs.map((job) => ({ job, attempt: 0 }));
  const results = new Map<number, JobResult>();
  const running = new Set<ChildProcess>();
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
    };
    const forked = forkJob({
      module: options.workerModule,
      args: options.workerArgs,
      request,
      onEvent: (e) => sink.emit(e),
      running,
      env: workerEnv(slot),
    });
    const outcome = await forked;
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
  await Promise.all(Array.from({ length: lanes }, (_, slot) => lane(slot)));
  return options.jobs.map((j) => results.get(j.experimentId)).filter((r): r is JobResult => r !== undefined);
}

export interface ForkJobOptions {
  module: string;
  args: string[];
  /** Extra environment of the worker (device and thread settings). */
  env?: Record<string, string> | undefined;
  request: WorkerRequest;
  onEvent: (event: MlgymEvent) => void;
  /** Running children, so a caller can stop them all. */
  running?: Set<ChildProcess>;
}

export type ForkedOutcome =
  | { result: Omit<JobResult, 'seconds'>; error?: undefined; stack?: undefined }
  | { result?: undefined; error: string; stack: string | null };

/** Runs one job in a fresh worker process and reports how it ended, whether it finished, threw, exited or was killed. */
export function forkJob(options: ForkJobOptions): Promise<ForkedOutcome> {
  return new Promise((resolve) => {
    // The worker is a plain node process: the parent's execArgv (a test runner's loaders, say) stays behind.
    const child = fork(options.module, options.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, ...options.env },
    });
    options.running?.add(child);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    let outcome: WorkerMessage | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') options.onEvent(message.event);
      else outcome = message;
    });
    child.once('exit', (code, signal) => {
      options.running?.delete(child);
      if (outcome?.type === 'done') resolve({ result: outcome.result });
      else if (outcome?.type === 'failed') resolve({ error: outcome.error, stack: outcome.stack ?? null });
      else {
        const last = stderr.trim().split('\n').at(-1);
        resolve({
          error: `worker process exited ${signal ? `with signal ${signal}` : `with code ${code}`}${last ? `: ${last}` : ''}`,
          stack: stderr || null,
        });
      }
    });
    child.send(options.request);
  });
}
