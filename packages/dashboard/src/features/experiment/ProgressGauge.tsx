import { Box, Paper, Typography } from '@mui/material';
import { formatPercent } from '../../shared/timeFormat';

/**
 * A half-circle gauge (SVG, so it also appears in exported pages) with a rounded percentage: green when complete,
 * red for an experiment that failed (however far it got), blue while under way.
 */
export function ProgressGauge({
  title,
  detail,
  share,
  failed = false,
}: {
  title: string;
  detail: string;
  share: number | null;
  failed?: boolean;
}) {
  const clamped = share === null ? 0 : Math.min(1, Math.max(0, share));
  const r = 80;
  const length = Math.PI * r;
  return (
    <Paper variant="outlined" sx={{ p: 2, flex: 1, minWidth: 240 }}>
      <Typography color="text.secondary">
        {title}: <b>{detail}</b>
      </Typography>
      <Box sx={{ display: 'flex', justifyContent: 'center' }}>
        <svg
          width="220"
          height="130"
          viewBox="0 0 220 130"
          role="meter"
          aria-label={title}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={share === null ? undefined : Math.round(clamped * 100)}
          aria-valuetext={`${formatPercent(share)}${failed ? ' (failed)' : ''}`}
          data-state={failed ? 'failed' : clamped >= 1 ? 'complete' : 'running'}
        >
          <path d={`M 30 110 A ${r} ${r} 0 0 1 190 110`} fill="none" stroke="#e3e7ee" strokeWidth="22" />
          <path
            d={`M 30 110 A ${r} ${r} 0 0 1 190 110`}
            fill="none"
            stroke={failed ? '#d32f2f' : clamped >= 1 ? '#2e7d32' : '#1976d2'}
            strokeWidth="22"
            strokeDasharray={`${clamped * length} ${length}`}
          />
          <text x="110" y="104" textAnchor="middle" fontSize="30" fontWeight="700" fill="#1f2937">
            {formatPercent(share)}
          </text>
        </svg>
      </Box>
    </Paper>
  );
}
