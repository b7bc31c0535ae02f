import { useCallback, useMemo } from 'react';
import { Box, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { SystemCharts } from '../../analysis/system/SystemCharts';
import { useAppSelector } from '../../store/hooks';
import { ChartToolbar } from './ChartToolbar';
import { AnalysisBar } from '../../analysis/view/AnalysisBar';
import { MetricChart } from './MetricChart';
import { LeftOutNotice } from '../../shared/LeftOutNotice';
import { BOARD_LIMITS } from '../../connection/events/dataUpdate';
import { MAX_CHARTS, selectChartsNotDrawn, selectDrawnChartKeys, selectLineFilter } from './chartSelectors';

/** The system metrics' charts of the experiments whose lines are drawn (the table's filters apply as to scores). */
function SystemSection() {
  const all = useAppSelector((s) => s.experiments.ids);
  const filter = useAppSelector(selectLineFilter);
  const ids = useMemo(() => (filter ? all.filter((id) => filter.has(id)) : all), [all, filter]);
  const navigate = useNavigate();
  const open = useCallback((id: number) => navigate(`/experiment?experiment_id=${id}`), [navigate]);
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        System
      </Typography>
      <SystemCharts ids={ids} onLineClick={open} />
    </Box>
  );
}

/** `/` and `/analysisboard`: one chart per series, two per row on wide screens. */
export function AnalysisBoardPage() {
  const keys = useAppSelector(selectDrawnChartKeys);
  const notDrawn = useAppSelector(selectChartsNotDrawn);
  const leftOut = useAppSelector((s) => s.connection.leftOut);
  const any = useAppSelector((s) => s.series.keys.length > 0);
  const showSystem = useAppSelector((s) => s.charts.showSystem);
  return (
    <>
      <AnalysisBar />
      <ChartToolbar />
      {showSystem && <SystemSection />}
      <LeftOutNotice
        testId="charts-not-drawn"
        title={`${notDrawn.length.toLocaleString('en-US')} more charts match: the board draws at most ${MAX_CHARTS}`}
        hint="Filter the charts by name to draw others. Not drawn:"
        names={notDrawn}
        total={notDrawn.length}
      />
      <LeftOutNotice
        testId="series-left-out"
        title={`This grid search has more than ${BOARD_LIMITS.series.toLocaleString('en-US')} series: ${leftOut.series.toLocaleString('en-US')}${leftOut.series >= 100 * BOARD_LIMITS.listedNames ? '+' : ''} more were left out (${leftOut.scores.toLocaleString('en-US')} scores)`}
        hint="The board keeps the first series of a grid search, so that a runaway publisher cannot take the page down. Left out:"
        names={leftOut.seriesNames}
        total={leftOut.series}
      />
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
