import { JOB_TYPE_CALC } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import type { EventSink } from '../reporting/eventSink.js';
import { creationTs } from '../reporting/eventSink.js';

/** A `job_status` event exactly as the original pool emits it. */
export function jobStatusEvent(
  gridSearchId: string,
  experimentId: number,
  status: 'INIT' | 'RUNNING' | 'DONE',
  times: { start: number; end: number; error?: string | null; stacktrace?: string | null },
): MlgymEvent {
  const { error = null, stacktrace = null } = times;
  return {
    event_type: 'job_status',
    creation_ts: creationTs(),
    payload: {
      job_id: `${gridSearchId}-${experimentId}`,
      job_type: JOB_TYPE_CALC,
      status,
      grid_search_id: gridSearchId,
      experiment_id: experimentId,
      starting_time: times.start,
      finishing_time: times.end,
      error,
      stacktrace,
    },
  };
}

/** Up front, as the original: one `experiment_config` and one `job_status` INIT per job. */
export function announceJobs(
  sink: EventSink,
  gridSearchId: string,
  jobs: ReadonlyArray<{ experimentId: number; config: Record<string, unknown> }>,
): void {
  for (const job of jobs) {
    sink.emit({
      event_type: 'experiment_config',
      creation_ts: creationTs(),
      payload: {
        grid_search_id: gridSearchId,
        experiment_id: job.experimentId,
        job_id: job.experimentId,
        config: job.config,
      },
    });
    sink.emit(jobStatusEvent(gridSearchId, job.experimentId, 'INIT', { start: -1, end: -1 }));
  }
}

/**
 * How long a run dispatching to other processes waits for its announcements to be stored: a worker's RUNNING
 * goes through a reporter of its own and could otherwise reach the log before the parent's INIT, which MLboard
 * would then show as the job's latest status. Bounded: an endpoint that is down costs the run this much once.
 */
export const ANNOUNCE_FLUSH_MS = 5_000;
