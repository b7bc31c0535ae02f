import type { ExperimentRow } from '../../connection/events/dataUpdate';

const num = (x: number | null | undefined) => (x === null || x === undefined ? 'NaN' : x.toFixed(4));

/** How a score compared with the cut-off it missed (the direction tells max from min). */
function missed(score: number | null | undefined, cutoff: number | null | undefined): string {
  if (cutoff === null || cutoff === undefined) return num(score);
  const op = score === null || score === undefined ? '≠' : score < cutoff ? '<' : score > cutoff ? '>' : '=';
  return `${num(score)} ${op} cut-off ${num(cutoff)}`;
}

/**
 * What an adaptive search says about a row's trial once its job is not running: `stopped at epoch 3 (rung 1:
 * 0.8100 < cut-off 0.8600)`, `PROMOTED to epoch 9` (waiting for a worker), `COMPLETED`; undefined when there is
 * no search or the search's word is not the last (the job runs again).
 */
export function searchStatus(row: ExperimentRow): string | undefined {
  if (row.search_decision === undefined || row.job_status === 'RUNNING' || row.job_status === 'INTERRUPTED')
    return undefined;
  switch (row.search_decision) {
    case 'stopped':
      return `stopped at epoch ${row.search_epoch} (rung ${row.search_rung}: ${row.search_reason ?? missed(row.search_score, row.search_cutoff)})`;
    case 'promoted':
      return `PROMOTED to epoch ${row.search_next_epoch}`;
    case 'completed':
      return row.search_reason ? `COMPLETED (${row.search_reason})` : 'COMPLETED';
    default:
      return undefined;
  }
}

/** The chip colour of a status by its first word (stopped trials are grey: they ended as planned). */
export function statusColor(status: string): string | undefined {
  const word = status.split(' ')[0]?.toUpperCase() ?? '';
  return { INTERRUPTED: '#ef6c00', STOPPED: '#6d4c41', PROMOTED: '#7b1fa2' }[word];
}
