import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Box, Button, Paper, Stack, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useAppSelector } from '../../store/hooks';
import { isolateBidi } from '../../shared/isolateBidi';
import { useWhenIdle } from '../../shared/useWhenIdle';
import { selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import { formatNumber } from '../../shared/cellFormat';
import type { Best } from '../../analysis/lineChart/bestExperiment';
import { chartTitle } from './chartData';
import { selectLineFilter } from './chartSelectors';
import { legendClick } from './legendClick';
import { LEGEND_MAX_LINES, chartOptions } from '../../analysis/lineChart/chartOptions';
import type { ChartLive } from '../../analysis/lineChart/chartOptions';
import { ChartCanvas } from '../../analysis/lineChart/ChartCanvas';
import { ChartLegend } from './ChartLegend';
import type { ChartHandle } from '../../analysis/lineChart/ChartCanvas';
import { ExperimentPicker } from './ExperimentPicker';
import { useBest } from '../../analysis/lineChart/useBest';

const NO_IDS: readonly number[] = [];

/** The screen reader's description of the lines: points and epochs per experiment. */
const ChartDescription = memo(function ChartDescription(props: {
  seriesKey: string;
  ids: readonly number[];
  id: string;
}) {
  const series = useAppSelector((s) => s.series.byKey[props.seriesKey]);
  const text = props.ids
    .map((id) => {
      const p = series?.byExperiment[id];
      const n = p?.epochs.length ?? 0;
      let missing = 0;
      for (const v of p?.values ?? []) if (v === null) missing++;
      const gaps = missing ? ` (${missing} not a number)` : '';
      return `experiment_${id}: ${n} point${n === 1 ? '' : 's'}${gaps}${n ? `, epochs ${p?.epochs[0]}–${p?.epochs[n - 1]}` : ''}`;
    })
    .join('; ');
  return (
    // hidden: a description is read through aria-describedby all the same, and a page of charts
    // no longer lays out and shapes their text at every new point
    <div id={props.id} hidden>
      {text}
    </div>
  );
});

/** "★ Best (highest): experiment_7 = 0.9 at epoch 12". */
const BestText = memo(function BestText(props: { seriesKey: string; ids: readonly number[] }) {
  const series = useAppSelector((s) => s.series.byKey[props.seriesKey]);
  const best = useBest(series, props.ids);
  return (
    <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} data-testid="best">
      {best
        ? `★ Best (${series?.kind === 'loss' ? 'lowest' : 'highest'}): experiment_${best.experimentId} = ${formatNumber(best.value)} at epoch ${best.epoch}`
        : 'No values yet'}
    </Typography>
  );
});

export interface MetricChartProps {
  seriesKey: string;
  /** Draw only these experiments (e.g. one experiment's page). @default all that pass the table's filters */
  experiments?: readonly number[];
  /** The "Take me to experiment page" picker under the chart. @default true */
  showPicker?: boolean;
}

/**
 * One `<split>_<metric or loss>` chart: one line per experiment, x = epoch. This component renders
 * again only when its lines or settings change; new points reach the canvas, the description and
 * the best value through their own small subscribers.
 */
export const MetricChart = memo(function MetricChart({ seriesKey, experiments, showPicker = true }: MetricChartProps) {
  const experimentIds = useAppSelector((s) => s.series.byKey[seriesKey]?.experimentIds);
  const lineFilter = useAppSelector(selectLineFilter);
  const logScale = useAppSelector((s) => s.charts.logScale);
  const smoothing = useAppSelector((s) => s.charts.smoothing);
  const hyper = useAppSelector(selectHyperParameters);
  const navigate = useNavigate();
  const chartRef = useRef<ChartHandle | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  // the picker comes once the page has drawn: its select costs as much to make as the chart's lines
  const pickerReady = useWhenIdle();

  const ids = useMemo(() => {
    if (!experimentIds) return NO_IDS;
    if (experiments) return experimentIds.filter((id) => experiments.includes(id));
    return experimentIds.filter((id) => lineFilter === null || lineFilter.has(id));
  }, [experimentIds, lineFilter, experiments]);

  // The tooltip and the legend's click read the latest values through a ref: options stay stable.
  const live = useRef<ChartLive>({ hyper, ids, best: null as Best | null });
  live.current.hyper = hyper;
  live.current.ids = ids;
  const goTo = useCallback((id: number) => navigate(`/experiment?experiment_id=${id}`), [navigate]);
  const onLegendClick = useCallback((id: number) => setHidden((h) => legendClick(h, live.current.ids, id)), []);
  const legend = ids.length <= LEGEND_MAX_LINES;
  const options = useMemo(() => chartOptions({ logScale }), [logScale]);
  if (!experimentIds) return null;
  const lines = ids.length;
  const descriptionId = `chart-desc-${seriesKey}`;
  return (
    <Paper
      // a chart's new text and points never change the layout around it
      sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 1, contain: 'layout paint' }}
      component="section"
      aria-label={`Chart ${isolateBidi(seriesKey)}`}
    >
      <Typography component="h2" sx={{ fontWeight: 700, fontSize: 20, textAlign: 'center' }}>
        {isolateBidi(chartTitle(seriesKey))}
      </Typography>
      {legend && <ChartLegend ids={ids} hidden={hidden} onClick={onLegendClick} />}
      <Box sx={{ position: 'relative', height: 320, contain: 'strict' }}>
        <ChartCanvas
          seriesKey={seriesKey}
          ids={ids}
          hidden={hidden}
          options={options}
          smoothing={smoothing}
          live={live}
          onLineClick={goTo}
          handle={chartRef}
          label={`${isolateBidi(seriesKey)}: ${lines} experiment${lines === 1 ? '' : 's'} (${ids.join(', ')})`}
          describedBy={descriptionId}
        />
      </Box>
      <ChartDescription seriesKey={seriesKey} ids={ids} id={descriptionId} />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <BestText seriesKey={seriesKey} ids={ids} />
        <Button size="small" onClick={() => chartRef.current?.resetZoom()}>
          Reset zoom
        </Button>
      </Stack>
      {showPicker && (
        // the picker's height from the start: nothing moves when it appears
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', minHeight: 40 }}>
          <Typography variant="body2">Take me to experiment page:</Typography>
          {pickerReady && <ExperimentPicker ids={ids} onGo={goTo} />}
        </Stack>
      )}
    </Paper>
  );
});
