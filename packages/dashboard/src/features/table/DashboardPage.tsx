import { Typography } from '@mui/material';
import { useAppSelector } from '../../app/hooks';

export function DashboardPage() {
  const n = useAppSelector((s) => s.experiments.ids.length);
  return <Typography>{n} experiments</Typography>;
}
