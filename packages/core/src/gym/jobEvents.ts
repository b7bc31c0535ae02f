import { JOB_TYPE_CALC } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
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
