import { useMemo, useRef } from 'react';
import { Box, Paper, Typography } from '@mui/material';
import { selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import { ChartCanvas } from '../../analysis/lineChart/ChartCanvas';
import { chartOptions } from '../../analysis/lineChart/chartOptions';
import type { ChartLive } from '../../analysis/lineChart/chartOptions';
import type { Series } from '../../analysis/series/seriesSlice';
import { isolateBidi } from '../../shared/isolateBidi';
import { useAppSelector } from '../../store/hooks';

const NO_LINES_HIDDEN: ReadonlySet<number> = new Set();
// a click on the line would open the page it is on
const stay = () => undefined;

/** One series of one experiment, drawn as the graphs page draws its lines (analysis/lineChart). */
function SeriesChart({ series, experimentId }: { series: Series; experimentId: number }) {
  const ids = useMemo(() => [experimentId], [experimentId]);
  const hyper = useAppSelector(selectHyperParameters);
  const options = useMemo(() => chartOptions({ logScale: false }), []);
  const live = useRef<ChartLive>({ hyper, ids, best: null });
  live.current.hyper = hyper;
  live.current.ids = ids;
  const count = series.byExperiment[experimentId]?.epochs.length ?? 0;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }}>
      <Typography variant="subtitle2" component="h4" sx={{ fontWeight: 700 }}>
        {isolateBidi(series.key)}
      </Typography>
      <Box sx={{ height: 220, position: 'relative', contain: 'strict' }}>
        <ChartCanvas
          seriesKey={series.key}
          ids={ids}
          hidden={NO_LINES_HIDDEN}
          options={options}
          smoothing={0}
          live={live}
          onLineClick={stay}
          label={`${isolateBidi(series.key)} of experiment ${experimentId}: ${count} epoch${count === 1 ? '' : 's'}`}
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
