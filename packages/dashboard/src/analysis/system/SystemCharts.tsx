import { useMemo, useRef } from 'react';
import { Box, Paper, Typography } from '@mui/material';
import { SYSTEM_METRICS } from '@mlgym/protocol';
import { useAppSelector } from '../../store/hooks';
import { selectHyperParameters } from '../experiments/experimentSelectors';
import { ChartCanvas } from '../lineChart/ChartCanvas';
import type { ChartLive } from '../lineChart/chartOptions';
import { clockTime, metricOf, systemChartOptions, valueText } from './systemChartOptions';

const NO_LINES_HIDDEN: ReadonlySet<number> = new Set();

function SystemChart({
  metric,
  ids,
  onLineClick,
}: {
  metric: string;
  ids: readonly number[];
  onLineClick: (id: number) => void;
}) {
  const hyper = useAppSelector(selectHyperParameters);
  const options = useMemo(() => systemChartOptions(metric), [metric]);
  const live = useRef<ChartLive>({
    hyper,
    ids,
    best: null,
    xText: (x) => `Time: ${clockTime(x)}`,
    yText: valueText(metric),
  });
  live.current.hyper = hyper;
  live.current.ids = ids;
  const info = metricOf(metric);
  // units show on the axis (MB, %); counts and the load need none
  const title = info?.label ?? metric;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-system-metric={metric}>
      <Typography variant="subtitle2" component="h4" sx={{ fontWeight: 700 }}>
        {title}
      </Typography>
      <Box sx={{ height: 200, position: 'relative', contain: 'strict' }}>
        <ChartCanvas
          source="system"
          seriesKey={metric}
          ids={ids}
          hidden={NO_LINES_HIDDEN}
          options={options}
          smoothing={0}
          live={live}
          onLineClick={onLineClick}
          label={`${title} over time, ${ids.length} experiment${ids.length === 1 ? '' : 's'}`}
        />
      </Box>
    </Paper>
  );
}

/**
 * One chart per system metric (CPU, RSS, JS heap, tensors, load, free memory, GPU where reported) over wall time,
 * one line per experiment of `ids` in its usual colour. Says so when none of them has reported a sample.
 */
export function SystemCharts({ ids, onLineClick }: { ids: readonly number[]; onLineClick: (id: number) => void }) {
  const system = useAppSelector((s) => s.system);
  const metrics = SYSTEM_METRICS.map((m) => m.key).filter((k) =>
    ids.some((id) => (system.byKey[k]?.byExperiment[id]?.epochs.length ?? 0) > 0),
  );
  if (metrics.length === 0) {
    return (
      <Typography color="text.secondary" data-testid="no-system-metrics">
        No system metrics yet (experiments send a sample every logging.system_metrics_interval_s, default 10 s).
      </Typography>
    );
  }
  return (
    <Box
      data-testid="system-charts"
      sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr', xl: '1fr 1fr 1fr' } }}
    >
      {metrics.map((m) => (
        <SystemChart key={m} metric={m} ids={ids} onLineClick={onLineClick} />
      ))}
    </Box>
  );
}
