import type { FitContext } from '../training/trainingCallback.js';
import { reportInterrupted } from './jobExecutor.js';
import type { JobExecutor } from './jobExecutor.js';
import { announceJobs, jobStatusEvent } from './jobEvents.js';
import type { JobResult, JobSpec, RunJobsOptions } from './jobSpec.js';
import { runGymJob } from './runGymJob.js';

/**
 * Runs jobs one after another in this process (environment `main_process`), with the original's
 * lifecycle events: `experiment_config` and `job_status` INIT for every job up front, then RUNNING and
 * DONE (with error and stack trace when it failed). A failing experiment does not stop the others.
 */
export async function runJobsInProcess(options: RunJobsOptions): Promise<JobResult[]> {
  announceJobs(options.sink, options.gridSearchId, options.jobs);
  const executor = new InProcessExecutor(options);
  const results: JobResult[] = [];
  for (const job of options.jobs) {
    const result = await executor.run(job);
    if (result) results.push(result);
  }
  return results;
}

/**
 * Jobs in this process, one at a time: RUNNING, then DONE (with the error when it failed), or `job_interrupted`
 * with the last finished epoch when the run was stopped (Ctrl-C) during it.
 */
export class InProcessExecutor implements JobExecutor {
  private queue: Promise<unknown> = Promise.resolve();
  private busy = 0;

  constructor(private readonly options: Omit<RunJobsOptions, 'jobs'>) {}

  async idle(): Promise<number> {
    return this.busy === 0 ? 1 : 0;
  }

  run(job: JobSpec): Promise<JobResult | undefined> {
    this.busy++;
    const result = this.queue.then(() => this.runNow(job)).finally(() => this.busy--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
  }

  private async runNow(job: JobSpec): Promise<JobResult | undefined> {
    const { options } = this;
    const { gridSearchId, sink } = options;
    if (options.signal?.aborted) return undefined;
    const start = Date.now() / 1000;
    sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'RUNNING', { start, end: -1 }));
    options.log?.(`experiment ${job.experimentId}: ${job.resume ? 'resuming' : 'training'}`);
    let reached = -1;
    const progress = { onEpochEnd: (ctx: FitContext) => void (reached = ctx.epoch) };
    try {
      const outcome = await runGymJob({
        config: job.config,
        gridSearchId,
        experimentId: job.experimentId,
        numEpochs: job.numEpochs ?? options.numEpochs,
        numBatchesPerEpoch: options.numBatchesPerEpoch,
        store: options.store,
        sink,
        backend: options.backend,
        seed: options.seed,
        resume: job.resume,
        registry: options.registry,
        source: options.plan?.gs.source,
        configDir: options.configDir,
        signal: options.signal,
        callbacks: [progress],
        systemMetricsIntervalS: options.systemMetricsIntervalS,
      });
      options.onBackend?.(outcome.backend);
      const end = Date.now() / 1000;
      sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'DONE', { start, end }));
      options.log?.(
        `experiment ${job.experimentId}: ${outcome.alreadyComplete ? 'already finished, skipped' : `done after epoch ${outcome.lastEpoch}${outcome.stoppedEarly ? ' (stopped early)' : ''}`}`,
      );
      return {
        experimentId: job.experimentId,
        status: outcome.alreadyComplete ? 'skipped' : 'done',
        lastEpoch: outcome.lastEpoch,
        stoppedEarly: outcome.stoppedEarly,
        final: outcome.final,
        seconds: end - start,
      };
    } catch (error) {
      const end = Date.now() / 1000;
      const err = error instanceof Error ? error : new Error(String(error));
      if (options.signal?.aborted) {
        reportInterrupted(sink, { gridSearchId, experimentId: job.experimentId }, reached, 'the run was stopped');
        options.log?.(`experiment ${job.experimentId}: interrupted after ${reached + 1} epochs`);
        return {
          experimentId: job.experimentId,
          status: 'interrupted',
          lastEpoch: reached,
          stoppedEarly: false,
          seconds: end - start,
        };
      }
      sink.emit(
        jobStatusEvent(gridSearchId, job.experimentId, 'DONE', {
          start,
          end,
          error: err.message,
          stacktrace: err.stack ?? null,
        }),
      );
      options.log?.(`experiment ${job.experimentId}: FAILED: ${err.message}`);
      return {
        experimentId: job.experimentId,
        status: 'failed',
        error: err.message,
        lastEpoch: -1,
        stoppedEarly: false,
        seconds: end - start,
      };
    }
  }
}
