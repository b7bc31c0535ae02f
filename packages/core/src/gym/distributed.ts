import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DelayedError, Queue, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import { MlgymError } from '@mlgym/protocol';
import type { Backend } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import type { ChildProcess } from 'node:child_process';
import type { EventSink } from '../reporting/eventSink.js';
import { WebsocketReporter } from '../reporting/websocketReporter.js';
import { reportInterrupted } from './jobExecutor.js';
import type { JobExecutor } from './jobExecutor.js';
import { ANNOUNCE_FLUSH_MS, announceJobs, jobStatusEvent } from './jobEvents.js';
import { DEFAULT_MAX_JOBS_PER_WORKER, forkJob } from './processPool.js';
import type { WorkerRequest } from './processPool.js';
import { WorkerProcess } from './workerProcess.js';
import type { JobResult, JobSpec } from './jobSpec.js';

/** What a queued experiment carries: everything a worker on another machine needs. */
export interface DistributedJobData {
  gridSearchId: string;
  experimentId: number;
  config: Record<string, unknown>;
  numEpochs: number;
  numBatchesPerEpoch?: number | null | undefined;
  backend?: Backend | undefined;
  seed?: number | undefined;
  restEndpoint: string;
  websocketServers: string[];
  /** Absolute plugin modules; they must exist at the same paths on the worker machines. */
  plugins?: string[] | undefined;
  /** Run it in a reused worker process (`reuse_workers`, default true), which runs at most `maxJobsPerWorker` jobs. */
  reuseWorkers?: boolean | undefined;
  maxJobsPerWorker?: number | undefined;
  /** Seconds between system metrics samples (0: none). */
  systemMetricsIntervalS?: number | undefined;
}

export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

export const queueNameOf = (name?: string) => `mlgym-${name ?? 'experiments'}`;
/** A queued job's id: one per experiment, and per segment (its epochs) in an adaptive search. */
const jobIdOf = (gridSearchId: string, experimentId: number, numEpochs?: number) =>
  numEpochs === undefined ? `${gridSearchId}-${experimentId}` : `${gridSearchId}-${experimentId}-e${numEpochs}`;

export interface SubmitOptions {
  redisUrl: string;
  queueName?: string | undefined;
  gridSearchId: string;
  jobs: JobSpec[];
  data: Omit<DistributedJobData, 'experimentId' | 'config' | 'gridSearchId'>;
  maxRetries?: number | undefined;
  sink: EventSink;
  log?: (line: string) => void;
  signal?: AbortSignal | undefined;
  pollMs?: number;
}

/**
 * Puts every experiment on the BullMQ queue (job id = `<grid search>-<experiment>`, so submitting
 * again, or re-attaching, never duplicates a job) and waits until each has completed or failed.
 * The jobs live in Redis: stopping this process loses none, and `waitForGridSearch` re-attaches.
 */
export async function submitAndWait(options: SubmitOptions): Promise<JobResult[]> {
  const queue = new Queue<DistributedJobData>(queueNameOf(options.queueName), {
    connection: redisConnection(options.redisUrl),
  });
  try {
    announceJobs(options.sink, options.gridSearchId, options.jobs);
    await options.sink.flush(ANNOUNCE_FLUSH_MS);
    await queue.addBulk(
      options.jobs.map((j) => ({
        name: 'experiment',
        data: { ...options.data, gridSearchId: options.gridSearchId, experimentId: j.experimentId, config: j.config },
        opts: {
          jobId: jobIdOf(options.gridSearchId, j.experimentId),
          attempts: (options.maxRetries ?? 0) + 1,
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    options.log?.(
      `${options.jobs.length} experiments queued on ${queueNameOf(options.queueName)}; waiting for workers (mlgym worker --redis_url ${options.redisUrl})`,
    );
    return await waitForJobs(
      queue,
      options.gridSearchId,
      options.jobs.map((j) => j.experimentId),
      { ...options, sink: options.sink },
    );
  } finally {
    await queue.close();
  }
}

async function waitForJobs(
  queue: Queue<DistributedJobData>,
  gridSearchId: string,
  ids: number[],
  options: { log?: (line: string) => void; signal?: AbortSignal | undefined; pollMs?: number; sink?: EventSink },
): Promise<JobResult[]> {
  const results = new Map<number, JobResult>();
  const stalls = new Map<number, number>();
  while (results.size < ids.length && !options.signal?.aborted) {
    for (const id of ids) {
      if (results.has(id)) continue;
      // The state first, then the job: a job read while active and completed just after would have no return value.
      const state = await queue.getJobState(jobIdOf(gridSearchId, id));
      const job = await queue.getJob(jobIdOf(gridSearchId, id));
      if (!job)
        throw MlgymError.fromIssue({
          code: 'NOT_FOUND',
          problem: `job ${jobIdOf(gridSearchId, id)} is not in the queue`,
        });
      const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
      if (options.sink && job.stalledCounter > (stalls.get(id) ?? 0)) {
        stalls.set(id, job.stalledCounter);
        if (waitsAgain(state)) reportLost(options.sink, gridSearchId, id, job);
      }
      if (state === 'completed') {
        results.set(id, { ...(job.returnvalue as Omit<JobResult, 'seconds'>), seconds });
        options.log?.(`experiment ${id}: done (${results.size}/${ids.length})`);
      } else if (state === 'failed') {
        results.set(id, {
          experimentId: id,
          status: 'failed',
          error: job.failedReason,
          lastEpoch: -1,
          stoppedEarly: false,
          seconds,
        });
        options.log?.(`experiment ${id}: FAILED: ${job.failedReason} (${results.size}/${ids.length})`);
      }
    }
    if (results.size < ids.length) await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
  return ids.map((id) => results.get(id)).filter((r): r is JobResult => r !== undefined);
}

/**
 * Whether a stalled job waits for a worker again: only then is its loss reported. Once another worker holds
 * it, its RUNNING says the job runs again and its events follow; a report from the dispatcher would race
 * them into the log (seen in the soak: after the new worker's DONE, dated before it). Finished, its DONE
 * must stay the last word.
 */
const waitsAgain = (state: string) => state === 'waiting' || state === 'delayed' || state === 'prioritized';

/** A job whose worker was lost (its lock expired): `interrupted` at the epoch it reported; another worker goes on. */
function reportLost(sink: EventSink, gridSearchId: string, experimentId: number, job: Job<DistributedJobData>): void {
  const progress = job.progress as { epoch?: number } | number | undefined;
  const epoch = typeof progress === 'object' && progress && typeof progress.epoch === 'number' ? progress.epoch : -1;
  reportInterrupted(
    sink,
    { gridSearchId, experimentId },
    epoch,
    'its worker was lost; another worker continues it from its last checkpoint',
  );
}

interface InFlight {
  experimentId: number;
  jobId: string;
  settle: (result: JobResult | undefined) => void;
  active: boolean;
  stalls: number;
}

export interface DistributedExecutorOptions extends Omit<SubmitOptions, 'jobs'> {
  pollMs?: number;
}

/**
 * Distributed workers as an executor: each job goes on the queue when the caller hands it over (an adaptive
 * search keeps about one job waiting per connected worker, so workers never idle and decisions come late).
 */
export class DistributedExecutor implements JobExecutor {
  private readonly queue: Queue<DistributedJobData>;
  private readonly inflight = new Map<string, InFlight>();
  private workers = 0;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: DistributedExecutorOptions) {
    this.queue = new Queue<DistributedJobData>(queueNameOf(options.queueName), {
      connection: redisConnection(options.redisUrl),
    });
    options.signal?.addEventListener('abort', () => {
      for (const f of this.inflight.values()) f.settle(undefined);
      this.inflight.clear();
    });
  }

  async idle(): Promise<number> {
    this.workers = await this.queue.getWorkersCount();
    const waiting = [...this.inflight.values()].filter((f) => !f.active).length;
    return Math.max(0, Math.max(1, this.workers) - waiting);
  }

  async run(job: JobSpec): Promise<JobResult | undefined> {
    if (this.options.signal?.aborted) return undefined;
    const jobId = jobIdOf(this.options.gridSearchId, job.experimentId, job.numEpochs);
    await this.queue.add(
      'experiment',
      {
        ...this.options.data,
        numEpochs: job.numEpochs ?? this.options.data.numEpochs,
        gridSearchId: this.options.gridSearchId,
        experimentId: job.experimentId,
        config: job.config,
      },
      { jobId, attempts: (this.options.maxRetries ?? 0) + 1, removeOnComplete: false, removeOnFail: false },
    );
    const result = new Promise<JobResult | undefined>((settle) =>
      this.inflight.set(jobId, { experimentId: job.experimentId, jobId, settle, active: false, stalls: 0 }),
    );
    this.polling ??= this.poll();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.polling;
    await this.queue.close();
  }

  private async poll(): Promise<void> {
    while (!this.closed && !this.options.signal?.aborted) {
      for (const f of [...this.inflight.values()]) {
        const state = await this.queue.getJobState(f.jobId);
        const job = await this.queue.getJob(f.jobId);
        if (!job) continue;
        f.active = state === 'active';
        if (job.stalledCounter > f.stalls) {
          f.stalls = job.stalledCounter;
          if (waitsAgain(state)) reportLost(this.options.sink, this.options.gridSearchId, f.experimentId, job);
        }
        const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
        if (state === 'completed') {
          this.inflight.delete(f.jobId);
          f.settle({ ...(job.returnvalue as Omit<JobResult, 'seconds'>), seconds });
        } else if (state === 'failed') {
          this.inflight.delete(f.jobId);
          f.settle({
            experimentId: f.experimentId,
            status: 'failed',
            error: job.failedReason,
            lastEpoch: -1,
            stoppedEarly: false,
            seconds,
          });
        }
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 300));
    }
  }
}

/** Re-attaches to a grid search whose jobs are in the queue and waits for them. */
export async function waitForGridSearch(
  redisUrl: string,
  gridSearchId: string,
  options: { queueName?: string; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<JobResult[]> {
  const queue = new Queue<DistributedJobData>(queueNameOf(options.queueName), {
    connection: redisConnection(redisUrl),
  });
  try {
    const jobs = (
      await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'])
    ).filter((j) => j?.data?.gridSearchId === gridSearchId);
    if (jobs.length === 0)
      throw MlgymError.fromIssue({
        code: 'NOT_FOUND',
        problem: `no jobs of grid search ${gridSearchId} in ${queueNameOf(options.queueName)}`,
      });
    if (jobs.some((j) => j.id !== jobIdOf(gridSearchId, j.data.experimentId)))
      throw MlgymError.fromIssue({
        code: 'BAD_REQUEST',
        keyPath: '--gridsearch_id',
        problem: `grid search ${gridSearchId} is an adaptive search: its decisions are taken in mlgym run, not in the queue`,
        hint: `Continue it with mlgym run --resume ${gridSearchId} --rest_endpoint <its REST endpoint>`,
      });
    return await waitForJobs(
      queue,
      gridSearchId,
      [...new Set(jobs.map((j) => j.data.experimentId))].sort((a, b) => a - b),
      options,
    );
  } finally {
    await queue.close();
  }
}

export interface DistributedWorkerOptions {
  redisUrl: string;
  queueName?: string | undefined;
  /** Experiments trained at once, each in its own process. @default 1 */
  concurrency?: number;
  /** How a job process is started (the CLI with `_worker`). */
  workerModule: string;
  workerArgs: string[];
  /** How long a job stays claimed without a heartbeat before another worker takes it over. @default 30000 */
  lockDurationMs?: number;
  /** This worker's token for the endpoints (ML_BOARD_AUTH_TOKEN; never carried in the queue). */
  authToken?: string | undefined;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Takes experiments off the queue until stopped. Each runs in a worker process (reused for job after
 * job unless the run says `reuse_workers: false`, see `runWorker`) that checkpoints over
 * the REST endpoint and resumes from the last checkpoint, so a job whose worker died (SIGKILL, lost
 * machine) continues on another worker once its lock expires; events go to the websocket servers.
 */
export async function runDistributedWorker(options: DistributedWorkerOptions): Promise<void> {
  const lockDuration = options.lockDurationMs ?? 30_000;
  // Idle reusable workers; at most `concurrency` exist, as BullMQ runs at most that many jobs at once.
  const idle: WorkerProcess[] = [];
  const running = new Set<ChildProcess>();
  const runInWorker = async (
    d: DistributedJobData,
    request: WorkerRequest,
    onEvent: (e: MlgymEvent) => void,
    onFlush: (timeoutMs: number) => Promise<boolean>,
  ) => {
    if (d.reuseWorkers === false)
      return forkJob({ module: options.workerModule, args: options.workerArgs, request, onEvent, onFlush, running });
    const limit = d.maxJobsPerWorker ?? DEFAULT_MAX_JOBS_PER_WORKER;
    let worker = idle.pop();
    if (worker && (worker.retired || worker.jobsRun >= limit)) {
      await worker.stop(`ran ${worker.jobsRun} jobs, its limit`);
      options.log?.(`worker ${worker.pid} retired (${worker.retired}); starting a fresh one`);
      worker = undefined;
    }
    worker ??= new WorkerProcess({ module: options.workerModule, args: options.workerArgs, running });
    try {
      return await worker.run({ ...request, reuse: true }, onEvent, onFlush);
    } finally {
      if (worker.retired) options.log?.(`worker ${worker.pid} retired (${worker.retired})`);
      else idle.push(worker);
    }
  };
  const processJob = async (job: Job<DistributedJobData>, token?: string) => {
    const d = job.data;
    const spoolDir = join(tmpdir(), 'mlgym-spool');
    const reporter = await WebsocketReporter.create({
      servers: d.websocketServers,
      spoolDir,
      warn: options.log,
      authToken: options.authToken,
    });
    const start = Date.now() / 1000;
    reporter.emit(jobStatusEvent(d.gridSearchId, d.experimentId, 'RUNNING', { start, end: -1 }));
    options.log?.(
      `experiment ${d.experimentId} of ${d.gridSearchId}: ${job.attemptsStarted > 1 || job.stalledCounter > 0 ? 'resuming' : 'starting'}`,
    );
    try {
      const outcome = await runInWorker(
        d,
        {
          type: 'run',
          job: { experimentId: d.experimentId, config: d.config, resume: true },
          gridSearchId: d.gridSearchId,
          numEpochs: d.numEpochs,
          numBatchesPerEpoch: d.numBatchesPerEpoch,
          backend: d.backend,
          seed: d.seed,
          store: { kind: 'http', baseUrl: d.restEndpoint },
          plugins: d.plugins,
          systemMetricsIntervalS: d.systemMetricsIntervalS,
        },
        (e) => {
          if (e.event_type === 'evaluation_result') void job.updateProgress({ epoch: e.payload.epoch }).catch(() => {});
          reporter.emit(e);
        },
        (t) => reporter.flush(t),
      );
      const end = Date.now() / 1000;
      if (!outcome.result && (outcome.signal || options.signal?.aborted)) {
        // This worker stopped (Ctrl-C) or lost its process: not the experiment's failure. Back on the queue, any
        // worker continues it from its last checkpoint.
        const progress = job.progress as { epoch?: number } | undefined;
        reportInterrupted(
          reporter,
          { gridSearchId: d.gridSearchId, experimentId: d.experimentId },
          typeof progress?.epoch === 'number' ? progress.epoch : -1,
          options.signal?.aborted ? 'its worker was stopped' : `its worker process was lost (${outcome.error})`,
        );
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      }
      reporter.emit(
        jobStatusEvent(d.gridSearchId, d.experimentId, 'DONE', {
          start,
          end,
          error: outcome.error ?? null,
          stacktrace: outcome.stack ?? null,
        }),
      );
      if (!outcome.result) throw new Error(outcome.error);
      options.log?.(`experiment ${d.experimentId} of ${d.gridSearchId}: done`);
      return outcome.result;
    } finally {
      await reporter.close(10_000);
    }
  };
  const worker = new Worker<DistributedJobData>(queueNameOf(options.queueName), processJob, {
    connection: redisConnection(options.redisUrl),
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    maxStalledCount: 5,
  });
  worker.on('error', (e) => options.log?.(`worker: ${e.message}`));
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve());
  });
  // Stop the jobs in hand (each goes back on the queue, interrupted) instead of finishing them first.
  for (const child of running) child.kill('SIGTERM');
  await worker.close();
  await Promise.all(idle.map((w) => w.stop('the worker is stopping')));
}
