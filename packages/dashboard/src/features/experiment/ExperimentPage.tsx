import { Alert, Paper, Typography } from '@mui/material';
import { useSearchParams } from 'react-router-dom';
import { useAppSelector } from '../../app/hooks';
import { selectExperimentById } from '../table/tableSelectors';
import { displayStatus } from '../experiments/experimentView';

/** Placeholder: the experiment page (details, progress, configs, checkpoints) is issue 12. */
export function ExperimentPage() {
  const [params] = useSearchParams();
  const id = Number(params.get('experiment_id'));
  const row = useAppSelector((s) => selectExperimentById(s, id));
  if (!params.has('experiment_id') || !Number.isInteger(id)) {
    return <Alert severity="error">No experiment chosen: open this page with ?experiment_id=N.</Alert>;
  }
  return (
    <Paper sx={{ p: 3 }}>
      <Typography variant="h6" component="h2">
        Experiment {id}
      </Typography>
      <Typography>
        {row ? `Status: ${displayStatus(row)}` : 'No Data Available (experiment details might be loading…)'}
      </Typography>
      <Typography color="text.secondary" sx={{ mt: 1 }}>
        The full experiment page is coming.
      </Typography>
    </Paper>
  );
}

export default ExperimentPage;
