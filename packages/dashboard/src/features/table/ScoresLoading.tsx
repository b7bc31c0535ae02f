import { Alert, LinearProgress } from '@mui/material';
import { useAppSelector } from '../../store/hooks';

/**
 * Says that the table's scores are not final yet: from the first rows until the stored history (the
 * snapshot and the events after it) has been applied, a row's scores may still change. Rows used to
 * appear seconds before their scores were final, with no sign.
 */
export function ScoresLoading() {
  const rows = useAppSelector((s) => s.experiments.ids.length);
  const historyDone = useAppSelector((s) => s.connection.historyDone);
  const applied = useAppSelector((s) => s.connection.lastEventId + 1);
  if (rows === 0 || historyDone) return null;
  return (
    <Alert severity="info" role="status" sx={{ mb: 1 }} data-testid="scores-loading">
      Scores are still loading ({applied.toLocaleString('en-US')} events applied so far): rows and their scores may
      change until the stored history has caught up.
      <LinearProgress sx={{ mt: 1 }} aria-label="Loading scores" />
    </Alert>
  );
}
