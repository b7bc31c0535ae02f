import { useMemo } from 'react';
import { Box, Paper, Typography } from '@mui/material';
import { Line } from 'react-chartjs-2';
import { useAppSelector } from '../../store/hooks';
import '../../analysis/lineChart/chartSetup';
import { experimentColor } from '../../analysis/experimentColor';
import type { Series } from '../../analysis/series/seriesSlice';

function SeriesChart({ series, experimentId }: { series: Series; experimentId: number }) {
  const points = series.byExperiment[experimentId];
  const data = useMemo(
    () => ({
      datasets: [
        {
          label: `experiment_${experimentId}`,
          // Real epochs on x (the original plotted indices).
          data: (points?.epochs ?? []).map((epoch, i) => ({ x: epoch, y: points?.values[i] ?? null })),
          borderColor: experimentColor(experimentId),
          backgroundColor: experimentColor(experimentId),
          pointRadius: 2,
          spanGaps: true,
        },
      ],
    }),
    [points, experimentId],
  );
  const count = points?.epochs.length ?? 0;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }}>
      <Typography variant="subtitle2" component="h4" sx={{ fontWeight: 700 }}>
        {series.key}
      </Typography>
      <Box sx={{ height: 220, position: 'relative' }}>
        <Line
          role="img"
          aria-label={`${series.key} of experiment ${experimentId}: ${count} epoch${count === 1 ? '' : 's'}`}
          data={data}
          options={{
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            parsing: false,
            normalized: true,
            scales: {
              x: { type: 'linear', title: { display: true, text: 'Epoch' }, ticks: { precision: 0, stepSize: 1 } },
              y: { type: 'linear' },
            },
            plugins: {
              legend: { display: false },
              tooltip: { callbacks: { title: (items) => `Epoch ${items[0]?.parsed.x ?? ''}` } },
            },
          }}
        />
      </Box>
    </Paper>
  );
}

/** One chart per `<split>_<metric or loss>` this experiment has points in. */
export function ExperimentCharts({ experimentId }: { experimentId: number }) {
  const series = useAppSelector((s) => s.series);
  const mine = series.keys.map((k) => series.byKey[k]).filter((s): s is Series => !!s?.byExperiment[experimentId]);
  if (mine.length === 0) return <Typography color="text.secondary">No scores reported yet.</Typography>;
  return (
    <Box
      data-testid="experiment-charts"
      sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr', xl: '1fr 1fr 1fr' } }}
    >
      {mine.map((s) => (
        <SeriesChart key={s.key} series={s} experimentId={experimentId} />
      ))}
    </Box>
  );
}
