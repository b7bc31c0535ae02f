import { Paper, Typography } from '@mui/material';
import { useSearchParams } from 'react-router-dom';

/** Placeholder: the model card page is issue 12. */
export function ModelCardPage() {
  const [params] = useSearchParams();
  return (
    <Paper sx={{ p: 3 }}>
      <Typography variant="h6" component="h2">
        Model card of experiment {params.get('experiment_id') ?? '?'}
      </Typography>
      <Typography color="text.secondary">The model card is coming.</Typography>
    </Paper>
  );
}

export default ModelCardPage;
