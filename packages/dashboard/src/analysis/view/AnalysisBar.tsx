import { Alert, Paper, Stack } from '@mui/material';
import { useAppSelector } from '../../store/hooks';
import { ExpressionFilter } from './ExpressionFilter';
import { GroupControls } from './GroupControls';
import { GridSearchesChooser } from './GridSearchesChooser';
import { SavedViews } from './SavedViews';

/**
 * What every analysis page shares above its own controls: the expression filter, grouping, other grid
 * searches beside the connected one (not in a report), and saved views (one state, analysis/analysisSlice;
 * the URL carries it). `grouping`: whether the page draws groups (the sweep page filters only).
 */
export function AnalysisBar({ grouping = true }: { grouping?: boolean }) {
  const problems = useAppSelector((s) => s.analysis.viewProblems);
  // a report carries one grid search and reaches no endpoint to list others
  const report = useAppSelector((s) => s.settings.report !== null);
  return (
    <Paper sx={{ p: 2, mb: 2 }} data-testid="analysis-bar">
      {problems.map((p) => (
        <Alert key={p} severity="warning" sx={{ mb: 1 }}>
          {p}
        </Alert>
      ))}
      <ExpressionFilter minWidth={0} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap', mt: 1 }}>
        {grouping && <GroupControls />}
        {!report && <GridSearchesChooser />}
        <SavedViews />
      </Stack>
    </Paper>
  );
}
