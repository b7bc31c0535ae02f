import type { ExperimentRow } from '../../connection/events/dataUpdate';
import { searchStatus } from '../search/searchStatus';

/**
 * What the table shows as an experiment's state: failed when its job reported an error, interrupted with the
 * epochs it finished, an adaptive search's word about its trial (`stopped at epoch 3 (rung 1: …)`).
 */
export function displayStatus(row: ExperimentRow): string {
  if (row.error) return 'FAILED';
  if (row.job_status === 'INTERRUPTED') return `INTERRUPTED after ${(row.interrupted_epoch ?? -1) + 1} epochs`;
  const search = searchStatus(row);
  if (search) return search;
  switch (row.job_status) {
    case 'DONE':
      return 'COMPLETED';
    case 'INIT':
      return 'INITIALIZING';
    case 'RUNNING':
      return 'RUNNING';
    default:
      return row.model_status ? 'RUNNING' : 'UNKNOWN';
  }
}

/** Share of the epochs done, 0–1; a finished job is at 1 (the original's 0-based count never got there). */
export function epochProgress(row: ExperimentRow): number | null {
  if (row.job_status === 'DONE' && !row.error) return 1;
  if (!row.num_epochs || row.current_epoch === undefined) return null;
  // Training reports 0-based batch indices; evaluation of an epoch follows its training.
  const inEpoch =
    row.model_status === 'train' && row.num_batches ? ((row.current_batch ?? 0) + 1) / row.num_batches : 1;
  return Math.min(1, Math.max(0, (row.current_epoch + inEpoch) / row.num_epochs));
}

/** Share of the current split's batches done, 0–1 (training counts batches from 0, evaluation from 1). */
export function batchProgress(row: ExperimentRow): number | null {
  if (row.job_status === 'DONE' && !row.error) return 1;
  if (!row.num_batches || row.current_batch === undefined) return null;
  const done = row.model_status === 'train' ? row.current_batch + 1 : row.current_batch;
  return Math.min(1, done / row.num_batches);
}

/** Seconds between start and end, or null while running (times are in seconds; -1 = not yet). */
export function durationSeconds(row: ExperimentRow): number | null {
  const start = row.starting_time;
  const end = row.finishing_time;
  if (start === undefined || end === undefined || start < 0 || end < 0) return null;
  return Math.max(0, end - start);
}
