import { Tooltip } from '@mui/material';
import type { CustomCellRendererProps } from 'ag-grid-react';
import { statusColor } from '../../analysis/search/searchStatus';
import type { GridRow } from '../../analysis/rowFilter';

// Plain elements, not MUI components: a table of 1,000 experiments mounts these for every row
// scrolled or filtered into view, and each MUI chip or progress bar costs a style computation.

const STATUS_COLOR: Record<string, string> = {
  COMPLETED: '#2e7d32',
  RUNNING: '#1976d2',
  FAILED: '#d32f2f',
};

const chipStyle = (color: string) =>
  ({
    display: 'inline-flex',
    alignItems: 'center',
    height: 24,
    padding: '0 8px',
    borderRadius: 12,
    border: `1px solid ${color}`,
    color,
    fontSize: 13,
    lineHeight: 1,
  }) as const;

export function StatusCell({ value, data }: CustomCellRendererProps<GridRow, string>) {
  const color = STATUS_COLOR[value ?? ''] ?? statusColor(value ?? '') ?? '#616161';
  const chip = <span style={chipStyle(color)}>{value ?? ''}</span>;
  const error = data?.['error'];
  return typeof error === 'string' && error ? <Tooltip title={error}>{chip}</Tooltip> : chip;
}

const BAR = { flex: 1, height: 8, borderRadius: 4, background: '#bbdefb', overflow: 'hidden' } as const;
const LABEL = { minWidth: 36, textAlign: 'right', fontSize: 12, lineHeight: 1 } as const;

export function ProgressCell({ value }: CustomCellRendererProps<GridRow, number | null>) {
  if (typeof value !== 'number') return null;
  const percent = Math.round(value * 100);
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 8, height: '100%' }}>
      <div
        role="progressbar"
        aria-label={`${percent} %`}
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
        style={BAR}
      >
        <div style={{ width: `${percent}%`, height: '100%', background: '#1976d2' }} />
      </div>
      <span style={LABEL}>{percent} %</span>
    </div>
  );
}
