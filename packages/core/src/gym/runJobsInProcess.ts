import { announceJobs, jobStatusEvent } from './jobEvents.js';
import type { JobResult, RunJobsOptions } from './jobSpec.js';
import { runGymJob } from './runGymJob.js';

/**
 * Runs jobs one after another in this process (environment `main_process`), with the original's
 * lifecycle events: `experiment_config` and `job_status` INIT for every job up front, then RUNNING and
 * DONE (with error and stack trace when it failed). A failing experiment does not stop the others.
 */
export async function runJobsInProcess(options: RunJobsOptions): Promise<JobResult[]> {
  const { gridSearchId, sink } = options;
  announceJobs(sink, gridSearchId, options.jobs);
  const results: JobResult[] = [];
  for (const job of options.jobs) {
    if (options.signal?.aborted) break;
    const start = Date.now() / 1000;
    sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'RUNNING', { start, end: -1 }));
    options.log?.(`experiment ${job.experimentId}: ${job.resume ? 'resuming' : 'training'}`);
    try {
      const outcome = await runGymJob({
        config: job.config,
        gridSearchId,
        experimentId: job.experimentId,
        numEpochs: options.numEpochs,
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
      });
      options.onBackend?.(outcome.backend);
      const end = Date.now() / 1000;
      sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'DONE', { start, end }));
      results.push({
        experimentId: job.experimentId,
        status: outcome.alreadyComplete ? 'skipped' : 'done',
        lastEpoch: outcome.lastEpoch,
        stoppedEarly: outcome.stoppedEarly,
        final: outcome.history.at(-1)?.results,
        seconds: end - start,
      });
      options.log?.(
        `experiment ${job.experimentId}: ${outcome.alreadyComplete ? 'already finished, skipped' : `done after epoch ${outcome.lastEpoch}${outcome.stoppedEarly ? ' (stopped early)' : ''}`}`,
      );
    } catch (error) {
      const end = Date.now() / 1000;
      const err = error instanceof Error ? error : new Error(String(error));
      sink.emit(
        jobStatusEvent(gridSearchId, job.experimentId, 'DONE', {
          start,
          end,
          error: err.message,
          stacktrace: err.stack ?? null,
        }),
      );
      results.push({
        experimentId: job.experimentId,
        status: 'failed',
        error: err.message,
        lastEpoch: -1,
        stoppedEarly: false,
        seconds: end - start,
      });
      options.log?.(`experiment ${job.experimentId}: FAILED: ${err.message}`);
    }
  }
  return results;
}
