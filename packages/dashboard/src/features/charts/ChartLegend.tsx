import { memo } from 'react';
import { Box, ButtonBase } from '@mui/material';
import { isolateBidi } from '../../shared/isolateBidi';
/** One line of a chart as its legend names it. */
export interface LegendEntry {
  id: number;
  label: string;
  color: string;
}

export interface ChartLegendProps {
  entries: readonly LegendEntry[];
  hidden: ReadonlySet<number>;
  onClick: (id: number) => void;
}

/**
 * The chart's legend, as the original's: a coloured dot and `experiment_<id>` (or a group and its n)
 * per line; a click
 * shows that line alone, the next ones add lines (see legendClick.ts). It is HTML beside the
 * canvas, so a redraw of the lines does not lay it out again.
 */
export const ChartLegend = memo(function ChartLegend({ entries, hidden, onClick }: ChartLegendProps) {
  return (
    <Box
      component="ul"
      aria-label="Legend"
      sx={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'center', gap: '2px 10px', m: 0, p: 0 }}
    >
      {entries.map(({ id, label, color }) => {
        const off = hidden.has(id);
        return (
          <Box component="li" key={id} sx={{ listStyle: 'none' }}>
            <ButtonBase
              onClick={() => onClick(id)}
              aria-pressed={!off}
              sx={{
                fontSize: 12,
                color: '#666',
                gap: '4px',
                textDecoration: off ? 'line-through' : 'none',
                opacity: off ? 0.5 : 1,
              }}
            >
              <Box component="span" aria-hidden sx={{ width: 10, height: 10, borderRadius: '50%', bgcolor: color }} />
              {isolateBidi(label)}
            </ButtonBase>
          </Box>
        );
      })}
    </Box>
  );
});
