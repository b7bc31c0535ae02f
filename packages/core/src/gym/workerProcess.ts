import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { MlgymEvent } from '@mlgym/protocol';
import type { JobResult } from './jobSpec.js';
import type { FlushedMessage, WorkerMessage, WorkerRequest } from './processPool.js';

interface Job {
  onEvent: (e: MlgymEvent) => void;
  onFlush?: ((timeoutMs: number) => Promise<boolean>) | undefined;
  outcome?: WorkerMessage;
}

export type ForkedOutcome =
  | { result: Omit<JobResult, 'seconds'>; error?: undefined; stack?: undefined }
  | { result?: undefined; error: string; stack: string | null; signal?: NodeJS.Signals | null | undefined };

export interface WorkerProcessOptions {
  /** A module that calls `runWorker()`, and its arguments. */
  module: string;
  args: string[];
  /** Extra environment of the worker (device and thread settings). */
  env?: Record<string, string> | undefined;
  /** Running children, so a caller can stop them all. */
  running?: Set<ChildProcess> | undefined;
}

/**
 * One worker process that runs jobs one after another (`reuse`) or a single job. It is `retired`
 * once it cannot take another job: it exited, failed a job, said why it must not go on (tensors
 * left behind, memory bound) or was stopped; a caller then starts a fresh one for its slot.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private current: Job | undefined;
  /** Why this worker takes no more jobs. */
  retired: string | undefined;
  jobsRun = 0;

  constructor(private readonly options: WorkerProcessOptions) {
    // The worker is a plain node process: the parent's execArgv (a test runner's loaders, say) stays behind.
    this.child = fork(options.module, options.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, ...options.env },
    });
    options.running?.add(this.child);
    this.child.stderr?.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    this.child.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') this.current?.onEvent(message.event);
      else if (message.type === 'flush') void this.answerFlush(message.id, message.timeoutMs);
      else if (this.current) this.current.outcome = message;
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        options.running?.delete(this.child);
        this.retired ??= `exited ${signal ? `with signal ${signal}` : `with code ${code}`}`;
        resolve({ code, signal });
      }),
    );
    // A send to a worker that just died fails; its exit reports the job.
    this.child.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The job's events are stored (or the wait timed out): tell the worker, which holds its checkpoint until then. */
  private async answerFlush(id: number, timeoutMs: number): Promise<void> {
    const ok = (await this.current?.onFlush?.(timeoutMs).catch(() => false)) ?? true;
    if (this.child.connected) this.child.send({ type: 'flushed', id, ok } satisfies FlushedMessage);
  }

  /**
   * Runs one job and reports how it ended, whether it finished, threw, exited or was killed. `onFlush` stores the
   * events received so far; without it a worker's flush is answered at once.
   */
  async run(
    request: WorkerRequest,
    onEvent: (event: MlgymEvent) => void,
    onFlush?: (timeoutMs: number) => Promise<boolean>,
  ): Promise<ForkedOutcome> {
    if (this.retired) throw new Error(`worker ${this.pid} is retired: ${this.retired}`);
    this.jobsRun += 1;
    const job: Job = { onEvent, onFlush };
    this.current = job;
    const answered = new Promise<void>((resolve) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'event' || m.type === 'flush') return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      void this.exited.then(() => resolve());
    });
    this.child.send(request);
    await answered;
    const outcome = job.outcome;
    this.current = undefined;
    if (outcome?.type === 'done' && request.reuse && outcome.retire === undefined) return { result: outcome.result };
    // The worker goes away after this job: wait for it, so a slot never holds two processes.
    if (outcome?.type === 'done') this.retired ??= outcome.retire ?? 'ran its single job';
    else if (outcome?.type === 'failed') this.retired ??= 'its job failed';
    const { code, signal } = await this.exited;
    if (outcome?.type === 'done') return { result: outcome.result };
    if (outcome?.type === 'failed') return { error: outcome.error, stack: outcome.stack ?? null };
    const last = this.stderr.trim().split('\n').at(-1);
    return {
      error: `worker process exited ${signal ? `with signal ${signal}` : `with code ${code}`}${last ? `: ${last}` : ''}`,
      stack: this.stderr || null,
      signal,
    };
  }

  /** Ends the worker between jobs (job limit reached, pool done). */
  async stop(reason: string): Promise<void> {
    this.retired ??= reason;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
