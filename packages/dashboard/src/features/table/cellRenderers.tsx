import { Box, Chip, LinearProgress, Tooltip, Typography } from '@mui/material';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { GridRow } from './rowFilter';

const STATUS_COLOR: Record<string, 'success' | 'primary' | 'error' | 'default'> = {
  COMPLETED: 'success',
  RUNNING: 'primary',
  FAILED: 'error',
};

export function StatusCell({ value, data }: CustomCellRendererProps<GridRow, string>) {
  const chip = (
    <Chip size="small" label={value ?? ''} color={STATUS_COLOR[value ?? ''] ?? 'default'} variant="outlined" />
  );
  const error = data?.['error'];
  return typeof error === 'string' && error ? <Tooltip title={error}>{chip}</Tooltip> : chip;
}

export function ProgressCell({ value }: CustomCellRendererProps<GridRow, number | null>) {
  if (typeof value !== 'number') return null;
  const percent = Math.round(value * 100);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, height: '100%' }}>
      <LinearProgress
        variant="determinate"
        value={percent}
        sx={{ flex: 1, height: 8, borderRadius: 4 }}
        aria-label={`${percent} %`}
      />
      <Typography variant="caption" sx={{ minWidth: 36, textAlign: 'right', lineHeight: 1 }}>
        {percent} %
      </Typography>
    </Box>
  );
}
