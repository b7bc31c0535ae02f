import { Box, Typography } from '@mui/material';
import { useAppSelector } from '../store/hooks';

/** The original's drawer statistics: connected, messages, ping, throughput. */
export function StatisticsPanel() {
  const { status, messages, ping, throughput } = useAppSelector((s) => s.connection);
  const rows: Array<[string, string]> = [
    ['Connected', status === 'connected' ? 'Yes' : 'No'],
    ['Messages received', messages.toLocaleString('en-US')],
    ['Ping', ping >= 0 ? `${ping} ms` : '–'],
    ['Throughput', `${throughput.toLocaleString('en-US')} msg/s`],
  ];
  return (
    <Box component="section" aria-label="Statistics" sx={{ px: 2, py: 1 }}>
      <Typography variant="subtitle2" sx={{ fontWeight: 700, mb: 0.5 }}>
        Statistics
      </Typography>
      {rows.map(([k, v]) => (
        <Typography key={k} variant="body2" data-stat={k}>
          {k}: {v}
        </Typography>
      ))}
    </Box>
  );
}
