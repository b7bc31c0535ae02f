import { Box, Typography } from '@mui/material';
import { useAppSelector } from '../../app/hooks';
import { ChartToolbar } from './ChartToolbar';
import { MetricChart } from './MetricChart';
import { selectChartKeys } from './chartSelectors';

/** `/` and `/analysisboard`: one chart per series, two per row on wide screens. */
export function AnalysisBoardPage() {
  const keys = useAppSelector(selectChartKeys);
  const any = useAppSelector((s) => s.series.keys.length > 0);
  return (
    <>
      <ChartToolbar />
      {!any ? (
        <Typography sx={{ textAlign: 'center', mt: 6 }} color="text.secondary">
          --- No Data To Visualize ---
        </Typography>
      ) : (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' } }}>
          {keys.map((k) => (
            <MetricChart key={k} seriesKey={k} />
          ))}
        </Box>
      )}
    </>
  );
}

export default AnalysisBoardPage;
