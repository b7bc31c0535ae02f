import { Tooltip } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { isGroupRow } from '../../analysis/grouping/groupRows';
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

const OPEN_BUTTON = {
  display: 'inline-flex',
  padding: 5,
  border: 0,
  borderRadius: '50%',
  background: 'none',
  color: 'rgba(0,0,0,0.54)',
  cursor: 'pointer',
} as const;

/** MUI's OpenInNew icon path, drawn without the SvgIcon component. */
const OPEN_ICON =
  'M19 19H5V5h7V3H5c-1.11 0-2 .9-2 2v14c0 1.1.89 2 2 2h14c1.1 0 2-.9 2-2v-7h-2zM14 3v2h3.59l-9.83 9.83 1.41 1.41L19 6.41V10h2V3z';

/** The last column: a button that opens the row's experiment (a group's row has none). */
export function OpenCell({ data }: { data?: GridRow }) {
  const navigate = useNavigate();
  if (!data || isGroupRow(data)) return null;
  return (
    // a plain button and a native tooltip: MUI's IconButton (ripple, styles) and Tooltip per visible
    // row cost more than the rest of the row when a filter renders the rows again
    <button
      type="button"
      style={OPEN_BUTTON}
      title="Go to the Experiment Page"
      aria-label={`Open experiment ${data.experiment_id}`}
      onClick={(e) => {
        e.stopPropagation();
        navigate(`/experiment?experiment_id=${data.experiment_id}`);
      }}
    >
      <svg width={20} height={20} viewBox="0 0 24 24" aria-hidden fill="currentColor">
        <path d={OPEN_ICON} />
      </svg>
    </button>
  );
}
