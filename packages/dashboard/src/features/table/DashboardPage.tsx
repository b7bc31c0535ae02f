import { useRef } from 'react';
import { Button, Paper, Stack, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { useAppSelector } from '../../app/hooks';
import { ColumnChooser } from './ColumnChooser';
import type { ExperimentGridHandle } from './ExperimentGrid';
import { ExperimentGrid } from './ExperimentGrid';
import { TableFilterBar } from './TableFilterBar';
import { selectFilteredExperimentIds } from './tableSelectors';

/** `/dashboard`: one row per experiment. */
export function DashboardPage() {
  const total = useAppSelector((s) => s.experiments.ids.length);
  const filtered = useAppSelector(selectFilteredExperimentIds);
  const gridSearchId = useAppSelector((s) => s.settings.current.gridSearchId);
  const grid = useRef<ExperimentGridHandle>(null);
  const shown = filtered === null ? total : Math.min(filtered.size, total);
  return (
    <Paper sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap', mb: 1 }}>
        <TableFilterBar />
        <Typography variant="body2" sx={{ mt: 1.25 }} aria-live="polite" data-testid="row-count">
          {shown} of {total} experiments
        </Typography>
        <ColumnChooser />
        <Button
          startIcon={<DownloadIcon />}
          onClick={() => grid.current?.exportCsv(`mlboard_${gridSearchId || 'experiments'}.csv`)}
        >
          Export CSV
        </Button>
      </Stack>
      <ExperimentGrid ref={grid} />
    </Paper>
  );
}

export default DashboardPage;
