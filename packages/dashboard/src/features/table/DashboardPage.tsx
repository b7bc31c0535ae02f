import { useRef } from 'react';
import { Button, Paper, Stack, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import CompareIcon from '@mui/icons-material/CompareArrows';
import { useNavigate } from 'react-router-dom';
import { useAppSelector } from '../../store/hooks';
import { ColumnChooser } from './ColumnChooser';
import type { ExperimentGridHandle } from './ExperimentGrid';
import { ExperimentGrid } from './ExperimentGrid';
import { TableFilterBar } from './TableFilterBar';
import { ScoresLoading } from './ScoresLoading';
import { LeftOutNotice } from '../../shared/LeftOutNotice';
import { MAX_HYPER_PARAMETERS } from '../../analysis/experiments/hyperParameters';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import { MAX_COLUMNS_PER_GROUP, selectColumnsLeftOut } from '../../analysis/experimentTable';
import { AnalysisBar } from '../../analysis/view/AnalysisBar';
import { selectGroups } from '../../analysis/grouping/groupSelectors';

/** `/dashboard`: one row per experiment, or per group with its experiments under it. */
export function DashboardPage() {
  const total = useAppSelector((s) => s.experiments.ids.length);
  const filtered = useAppSelector(selectFilteredExperimentIds);
  const gridSearchId = useAppSelector((s) => s.settings.current.gridSearchId);
  const compared = useAppSelector((s) => s.analysis.compared);
  const leftOut = useAppSelector(selectColumnsLeftOut);
  const hyperOmitted = useAppSelector((s) => selectHyperParameters(s).omitted ?? 0);
  const navigate = useNavigate();
  const grid = useRef<ExperimentGridHandle>(null);
  const groups = useAppSelector(selectGroups);
  const shown = filtered === null ? total : Math.min(filtered.size, total);
  return (
    <>
      <AnalysisBar />
      <Paper sx={{ p: 2 }}>
        <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap', mb: 1 }}>
          <TableFilterBar />
          <Typography variant="body2" sx={{ mt: 1.25 }} aria-live="polite" data-testid="row-count">
            {groups ? `${groups.length} group${groups.length === 1 ? '' : 's'} of ` : ''}
            {shown} of {total} experiments
          </Typography>
          <ColumnChooser />
          <Button
            startIcon={<CompareIcon />}
            disabled={compared.length < 2}
            onClick={() => navigate(`/compare?ids=${compared.join(',')}`)}
          >
            Compare selected ({compared.length})
          </Button>
          <Button
            startIcon={<DownloadIcon />}
            onClick={() => grid.current?.exportCsv(`mlboard_${gridSearchId || 'experiments'}.csv`)}
          >
            Export CSV
          </Button>
        </Stack>
        <ScoresLoading />
        <LeftOutNotice
          testId="columns-left-out"
          title={`${leftOut.length.toLocaleString('en-US')} more columns: the table draws at most ${MAX_COLUMNS_PER_GROUP} hyper-parameters and ${MAX_COLUMNS_PER_GROUP} scores`}
          hint={`Hide columns (Columns) to make room for these${hyperOmitted ? `; ${hyperOmitted.toLocaleString('en-US')} more swept config keys beyond the first ${MAX_HYPER_PARAMETERS.toLocaleString('en-US')} are not kept` : ''}. Not drawn:`}
          names={leftOut.map((c) => c.label)}
          total={leftOut.length}
        />
        <ExperimentGrid ref={grid} />
      </Paper>
    </>
  );
}

export default DashboardPage;
