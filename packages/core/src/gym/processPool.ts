import { cpus } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { MlgymEvent } from '@mlgym/protocol';
import { reportInterrupted } from './jobExecutor.js';
import type { JobExecutor } from './jobExecutor.js';
import { ANNOUNCE_FLUSH_MS, announceJobs, jobStatusEvent } from './jobEvents.js';
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
  /** Seconds between system metrics samples (0: none). */
  systemMetricsIntervalS?: number | undefined;
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
 * `runWorker`); without it, one fresh process per job (as the original's pool). A worker that throws or exits
 * ends its job DONE with the error and exit cause; one killed by a signal (a lost worker), or stopped with the
 * run, ends it `interrupted` (a warm start continues it); the other jobs go on; `maxRetries` re-runs a failed or
 * lost job from its last checkpoint. Unlike the original pool, a dead worker never hangs the run.
 */
export async function runJobsInPool(options: PoolOptions): Promise<JobResult[]> {
  announceJobs(options.sink, options.gridSearchId, options.jobs);
  await options.sink.flush(ANNOUNCE_FLUSH_MS);
  const pool = new ProcessPool({
    ...options,
    processCount: Math.max(1, Math.min(options.processCount, options.jobs.length)),
  });
  try {
    const results = await Promise.all(options.jobs.map((job) => pool.run(job)));
    return results.filter((r): r is JobResult => r !== undefined);
  } finally {
    await pool.close();
  }
}

interface Queued {
  job: JobSpec;
  attempt: number;
  settle: (result: JobResult | undefined) => void;
}

/** The pool behind `runJobsInPool`, taking jobs one at a time (an adaptive search's executor). */
export class ProcessPool implements JobExecutor {
  private readonly queue: Queued[] = [];
  private readonly running = new Set<ChildProcess>();
  private readonly workers: Array<WorkerProcess | undefined> = [];
  private readonly freeSlots: number[];
  private readonly options: Omit<PoolOptions, 'jobs'>;

  constructor(options: Omit<PoolOptions, 'jobs'>) {
    this.options = options;
    this.freeSlots = Array.from({ length: Math.max(1, options.processCount) }, (_, i) => i);
    options.signal?.addEventListener('abort', () => {
      for (const child of this.running) child.kill('SIGTERM');
      for (const q of this.queue.splice(0)) q.settle(undefined);
    });
  }

  async idle(): Promise<number> {
    return Math.max(0, this.freeSlots.length - this.queue.length);
  }

  run(job: JobSpec): Promise<JobResult | undefined> {
    if (this.options.signal?.aborted) return Promise.resolve(undefined);
    return new Promise((settle) => {
      this.queue.push({ job, attempt: 0, settle });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w?.stop('the pool is done')));
  }

  private pump(): void {
    while (this.freeSlots.length > 0 && this.queue.length > 0 && !this.options.signal?.aborted) {
      const slot = this.freeSlots.shift() as number;
      const next = this.queue.shift() as Queued;
      void this.runOne(next.job, next.attempt, slot).then((result) => {
        this.freeSlots.push(slot);
        this.freeSlots.sort((a, b) => a - b);
        const { log, maxRetries, signal } = this.options;
        const retry = (result.status === 'failed' || result.status === 'interrupted') && !signal?.aborted;
        if (retry && next.attempt < (maxRetries ?? 0)) {
          log?.(
            `experiment ${next.job.experimentId}: ${result.status} (${result.error}); retrying from its last checkpoint`,
          );
          this.queue.push({ ...next, attempt: next.attempt + 1 });
        } else {
          next.settle(result);
          log?.(
            `experiment ${next.job.experimentId}: ${result.status === 'failed' ? `FAILED: ${result.error}` : result.status === 'interrupted' ? `interrupted after ${result.lastEpoch + 1} epochs (${result.error})` : result.status === 'skipped' ? 'already finished, skipped' : `done after epoch ${result.lastEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}`}`,
          );
        }
        this.pump();
      });
    }
  }

  /**
   * Each worker gets a share of the cores for its thread pools (wasm's XNNPACK, tfjs-node's
   * TensorFlow) so the pool does not oversubscribe them, unless MLGYM_THREADS says how many, and,
   * with GPU ids, one device per lane.
   */
  private workerEnv(slot: number): Record<string, string> {
    const cores = Math.max(1, cpus().length);
    const lanes = Math.max(1, this.options.processCount);
    const threads = process.env['MLGYM_THREADS'] ?? String(Math.max(1, Math.floor(cores / lanes)));
    const env: Record<string, string> = {
      MLGYM_THREADS: threads,
      TF_NUM_INTRAOP_THREADS: threads,
      TF_NUM_INTEROP_THREADS: '1',
      OMP_NUM_THREADS: threads,
    };
    const devices = this.options.computationDeviceIds ?? [];
    if (devices.length > 0) env['CUDA_VISIBLE_DEVICES'] = String(devices[slot % devices.length]);
    return env;
  }

  /** The slot's worker, replaced by a fresh one when it retired or reached its job limit. */
  private async workerFor(slot: number): Promise<WorkerProcess> {
    const reuse = this.options.reuseWorkers ?? true;
    const maxJobs = this.options.maxJobsPerWorker ?? DEFAULT_MAX_JOBS_PER_WORKER;
    const old = this.workers[slot];
    if (old && !old.retired && old.jobsRun < maxJobs) return old;
    if (old) {
      await old.stop(`ran ${old.jobsRun} jobs, its limit`);
      if (reuse) this.options.log?.(`worker ${old.pid} retired (${old.retired}); starting a fresh one`);
    }
    const fresh = new WorkerProcess({
      module: this.options.workerModule,
      args: this.options.workerArgs,
      env: this.workerEnv(slot),
      running: this.running,
    });
    this.workers[slot] = fresh;
    return fresh;
  }

  private async runOne(job: JobSpec, attempt: number, slot: number): Promise<JobResult> {
    const { gridSearchId, sink, options } = {
      gridSearchId: this.options.gridSearchId,
      sink: this.options.sink,
      options: this.options,
    };
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
      reuse: options.reuseWorkers ?? true,
      systemMetricsIntervalS: options.systemMetricsIntervalS,
    };
    let reached = -1;
    const outcome = await (
      await this.workerFor(slot)
    ).run(
      request,
      (e) => {
        if (e.event_type === 'evaluation_result') reached = Math.max(reached, e.payload.epoch);
        sink.emit(e);
      },
      (t) => sink.flush(t),
    );
    const end = Date.now() / 1000;
    if (outcome.result) {
      sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'DONE', { start, end }));
      return { ...outcome.result, seconds: end - start };
    }
    if (options.signal?.aborted || outcome.signal) {
      // Stopped with the run, or its worker was killed (a lost worker): not the experiment's failure.
      const reason = options.signal?.aborted ? 'the run was stopped' : `its worker was lost (${outcome.error})`;
      reportInterrupted(sink, { gridSearchId, experimentId: job.experimentId }, reached, reason);
      return {
        experimentId: job.experimentId,
        status: 'interrupted',
        error: reason,
        lastEpoch: reached,
        stoppedEarly: false,
        seconds: end - start,
      };
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
  }
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
