import type { EventSink } from '../reporting/eventSink.js';
import { creationTs } from '../reporting/eventSink.js';
import type { JobResult, JobSpec } from './jobSpec.js';

/**
 * Where jobs run, one job at a time as the caller hands them over: this process, a pool of worker processes or
 * distributed workers. An adaptive search hands over a job only when a worker is free, so it decides as late as
 * it can.
 */
export interface JobExecutor {
  /** How many more jobs would start at once now. */
  idle(): Promise<number>;
  /** Runs a job to its end; undefined when it never started (the run was stopped first). */
  run(job: JobSpec): Promise<JobResult | undefined>;
  close(): Promise<void>;
}

/** `job_interrupted`: the job stopped before its end without failing; a warm start continues it. */
export function reportInterrupted(
  sink: EventSink,
  ids: { gridSearchId: string; experimentId: number },
  epoch: number,
  reason: string,
): void {
  sink.emit({
    event_type: 'job_interrupted',
    creation_ts: creationTs(),
    payload: {
      grid_search_id: ids.gridSearchId,
      experiment_id: ids.experimentId,
      job_id: `${ids.gridSearchId}-${ids.experimentId}`,
      epoch,
      reason,
      time: Date.now() / 1000,
    },
  });
}
