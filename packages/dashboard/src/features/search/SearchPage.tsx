import { useMemo } from 'react';
import { Alert, Box, Link, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import type { RootState } from '../../store/rootState';
import { useAppSelector } from '../../store/hooks';
import type { LadderCell } from '../../analysis/search/searchLadder';
import { searchLadder } from '../../analysis/search/searchLadder';
import type { SearchTrial } from '../../analysis/search/searchSlice';
import { trialsAdapter } from '../../analysis/search/searchSlice';

const selectTrials = trialsAdapter.getSelectors((s: RootState) => s.search).selectAll;
const num = (x: number | null | undefined) => (x === null || x === undefined ? 'NaN' : x.toFixed(4));

const CELL: Record<LadderCell['state'], { background: string; label: string }> = {
  promoted: { background: '#e8f5e9', label: 'promoted' },
  completed: { background: '#c8e6c9', label: 'completed' },
  stopped: { background: '#ffebee', label: 'stopped' },
  failed: { background: '#ffcdd2', label: 'failed' },
  running: { background: '#e3f2fd', label: 'running' },
  none: { background: 'transparent', label: '' },
};

/** A trial's state in words: `stopped at epoch 3 (rung 1: 0.8100 < cut-off 0.8600)`, `running to epoch 9`. */
export function trialText(t: SearchTrial): string {
  const last = t.rungs.at(-1);
  if (t.status === 'running') return `running to epoch ${t.next_epoch}`;
  if (!last) return t.status;
  if (t.status === 'stopped') {
    const op =
      last.score === null || last.cutoff === null
        ? ''
        : last.score < last.cutoff
          ? '<'
          : last.score > last.cutoff
            ? '>'
            : '=';
    const why = last.reason ?? `${num(last.score)}${last.cutoff === null ? '' : ` ${op} cut-off ${num(last.cutoff)}`}`;
    return `stopped at epoch ${last.epoch} (rung ${last.rung}: ${why})`;
  }
  if (t.status === 'failed') return `failed at epoch ${last.epoch}${last.reason ? `: ${last.reason}` : ''}`;
  return `completed (${last.epoch} epochs${last.reason ? `; ${last.reason}` : ''})`;
}

function Cell({ cell }: { cell: LadderCell }) {
  const look = CELL[cell.state];
  const text =
    cell.state === 'none'
      ? ''
      : cell.state === 'running'
        ? 'running…'
        : `${num(cell.rung.score)}${cell.state === 'stopped' && cell.rung.cutoff !== null ? ` (cut-off ${num(cell.rung.cutoff)})` : ''}`;
  return (
    <TableCell data-state={cell.state} title={look.label} sx={{ background: look.background, whiteSpace: 'nowrap' }}>
      {text}
    </TableCell>
  );
}

/** `/search`: an adaptive search's ladder (rungs × trials, promoted or stopped), live as the search runs. */
export function SearchPage() {
  const plan = useAppSelector((s) => s.search.plan);
  const trials = useAppSelector(selectTrials);
  const ladder = useMemo(() => searchLadder(plan, trials), [plan, trials]);
  if (!plan && trials.length === 0)
    return (
      <Alert severity="info">
        This grid search is not an adaptive search (its run config has no search section, or grid or random): every
        configuration trains to num_epochs.
      </Alert>
    );
  const count = (s: SearchTrial['status']) => trials.filter((t) => t.status === s).length;
  const folds = plan?.folds ?? 1;
  const trained = trials.reduce((n, t) => n + (t.rungs.at(-1)?.epoch ?? 0) * folds, 0);
  const mode = plan?.mode ?? 'max';
  const finished = trials.filter((t) => t.rungs.length > 0 && t.status !== 'failed');
  const deepest = Math.max(-1, ...finished.map((t) => t.rungs.at(-1)?.epoch ?? -1));
  const best = finished
    .filter((t) => t.rungs.at(-1)?.epoch === deepest && t.rungs.at(-1)?.score !== null)
    .sort((a, b) => {
      const [x, y] = [a.rungs.at(-1)?.score as number, b.rungs.at(-1)?.score as number];
      return mode === 'max' ? y - x : x - y;
    })[0];
  return (
    <Box>
      <Paper sx={{ p: 2, mb: 2 }}>
        <Typography variant="h6" component="h2">
          {plan ? `${plan.algorithm} on ${plan.metric} (${plan.mode})` : 'Adaptive search'}
        </Typography>
        <Typography variant="body2" data-testid="search-summary">
          {`${trials.length}${plan ? ` of ${plan.num_trials}` : ''} trials: ${count('running')} running, ${count('completed')} completed, ${count('stopped')} stopped, ${count('failed')} failed`}
        </Typography>
        <Typography variant="body2" color="text.secondary" data-testid="search-budget">
          {`${trained} epochs trained${plan?.budget_epochs !== null && plan?.budget_epochs !== undefined ? ` of at most ${plan.budget_epochs}` : ''}${plan ? `; the full grid: ${plan.grid_epochs}` : ''}${folds > 1 ? ` (${folds} folds per trial; scores are fold means)` : ''}`}
        </Typography>
        {best && (
          <Typography variant="body2" data-testid="search-best">
            {'Best so far: '}
            <Link component={RouterLink} to={`/experiment?experiment_id=${best.experiment_ids[0]}`}>
              {`trial ${best.trial_id}`}
            </Link>
            {` (experiment${best.experiment_ids.length > 1 ? 's' : ''} ${best.experiment_ids.join(', ')}): ${num(best.rungs.at(-1)?.score)} after ${best.rungs.at(-1)?.epoch} epochs`}
          </Typography>
        )}
      </Paper>
      {ladder.map((b) => (
        <Paper key={b.bracket} sx={{ p: 2, mb: 2, overflowX: 'auto' }}>
          {ladder.length > 1 && (
            <Typography variant="subtitle1" component="h3">
              {`Bracket ${b.bracket}`}
            </Typography>
          )}
          <Table size="small" aria-label={`Ladder of bracket ${b.bracket}`}>
            <TableHead>
              <TableRow>
                <TableCell>Trial</TableCell>
                {b.rungs.map((r) => (
                  <TableCell key={r.rung}>
                    {`Rung ${r.rung}${r.epochs === null ? '' : ` · ${r.epochs} ep`} (${r.reached}${r.planned === null ? '' : `/${r.planned}`})`}
                  </TableCell>
                ))}
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {b.rows.map(({ trial, cells }) => (
                <TableRow key={trial.trial_id} data-trial={trial.trial_id}>
                  <TableCell>
                    <Link component={RouterLink} to={`/experiment?experiment_id=${trial.experiment_ids[0]}`}>
                      {`trial ${trial.trial_id}`}
                    </Link>
                  </TableCell>
                  {cells.map((cell, i) => (
                    <Cell key={i} cell={cell} />
                  ))}
                  <TableCell>{trialText(trial)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      ))}
    </Box>
  );
}

export default SearchPage;
