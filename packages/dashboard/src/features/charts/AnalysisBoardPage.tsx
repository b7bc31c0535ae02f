import { Typography } from '@mui/material';
import { useAppSelector } from '../../app/hooks';

export function AnalysisBoardPage() {
  const keys = useAppSelector((s) => s.series.keys);
  return <Typography>{keys.length ? keys.join(', ') : '--- No Data To Visualize ---'}</Typography>;
}
