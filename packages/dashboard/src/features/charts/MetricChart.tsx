import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Box, Button, IconButton, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import SendIcon from '@mui/icons-material/Send';
import type { Chart, ChartData, Plugin } from 'chart.js';
import { Line } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { useAppSelector } from '../../app/hooks';
import { chartDrawn } from '../../app/perfHooks';
import { selectHyperParameters } from '../table/tableSelectors';
import { formatNumber } from '../table/cellFormat';
import { bestExperiment } from './bestExperiment';
import { chartTitle, toXY } from './chartData';
import type { XY } from './chartData';
import { selectLineFilter } from './chartSelectors';
import { experimentColor } from './experimentColor';
import { legendClick } from './legendClick';
import { BEST_LABEL, chartOptions } from './chartOptions';
import type { LineDataset } from './chartOptions';
import { useDeferredDraw, useInView } from './useDeferredDraw';
import './chartSetup';

const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

export interface MetricChartProps {
  seriesKey: string;
  /** Draw only these experiments (e.g. one experiment's page). @default all that pass the table's filters */
  experiments?: readonly number[];
  /** The "Take me to experiment page" picker under the chart. @default true */
  showPicker?: boolean;
}

/** One `<split>_<metric or loss>` chart: one line per experiment, x = epoch. */
export const MetricChart = memo(function MetricChart({ seriesKey, experiments, showPicker = true }: MetricChartProps) {
  const series = useAppSelector((s) => s.series.byKey[seriesKey]);
  const lineFilter = useAppSelector(selectLineFilter);
  const smoothing = useAppSelector((s) => s.charts.smoothing);
  const logScale = useAppSelector((s) => s.charts.logScale);
  const hyper = useAppSelector(selectHyperParameters);
  const navigate = useNavigate();
  const chartRef = useRef<Chart<'line', XY[]> | null>(null);
  const boxRef = useRef<HTMLDivElement | null>(null);
  const inView = useInView(boxRef);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [target, setTarget] = useState('');

  const ids = useMemo(() => {
    if (!series) return [];
    if (experiments) return series.experimentIds.filter((id) => experiments.includes(id));
    return series.experimentIds.filter((id) => lineFilter === null || lineFilter.has(id));
  }, [series, lineFilter, experiments]);
  const best = useMemo(() => (series ? bestExperiment(series.kind, series.byExperiment, ids) : null), [series, ids]);

  const data = useMemo<ChartData<'line', XY[]>>(() => {
    const datasets: LineDataset[] = ids.map((id) => {
      const color = experimentColor(id);
      const isBest = best?.experimentId === id;
      const points = series?.byExperiment[id] ? toXY(series.byExperiment[id], smoothing) : [];
      return {
        label: `experiment_${id}`,
        experimentId: id,
        pointCount: points.length,
        data: points,
        borderColor: color,
        backgroundColor: color,
        borderWidth: isBest ? 3 : 1.5,
        // a line of one point would be invisible
        pointRadius: points.length === 1 ? 3 : 0,
        pointHoverRadius: 4,
        pointHitRadius: 8,
        spanGaps: true,
        hidden: hidden.has(id),
      };
    });
    if (best && !hidden.has(best.experimentId)) {
      datasets.push({
        label: BEST_LABEL,
        data: [{ x: best.epoch, y: best.value }],
        showLine: false,
        pointStyle: 'star',
        pointRadius: 9,
        pointHoverRadius: 11,
        borderWidth: 2,
        borderColor: experimentColor(best.experimentId),
        backgroundColor: experimentColor(best.experimentId),
      });
    }
    return { datasets };
  }, [ids, series, smoothing, hidden, best]);
  // Redrawing costs about a millisecond per thousand points: big charts redraw less often.
  const points = data.datasets.reduce((n, d) => n + d.data.length, 0);
  const drawn = useDeferredDraw(data, 150 + points / 40, !inView);

  // Tooltip and legend callbacks read the latest values through refs: options stay stable.
  const live = useRef({ hyper, ids, best });
  live.current = { hyper, ids, best };
  const goTo = useCallback((id: number) => navigate(`/experiment?experiment_id=${id}`), [navigate]);
  // Tells benchmarks and tests what each draw put on the canvas (see app/perfHooks.ts).
  const plugins = useMemo<Plugin<'line'>[]>(
    () => [
      {
        id: 'mlboardDrawn',
        afterDraw: (chart) => {
          const counts: Array<[number, number]> = [];
          chart.data.datasets.forEach((d, i) => {
            const { experimentId, pointCount } = d as LineDataset;
            if (experimentId !== undefined && chart.isDatasetVisible(i)) counts.push([experimentId, pointCount ?? 0]);
          });
          chartDrawn(chart.canvas, seriesKey, counts);
        },
      },
    ],
    [seriesKey],
  );

  const onLegendClick = useCallback((id: number) => setHidden((h) => legendClick(h, live.current.ids, id)), []);
  const options = useMemo(
    () => chartOptions({ logScale, live, onLegendClick, onLineClick: goTo }),
    [logScale, onLegendClick, goTo],
  );

  // Built once per change of its lines, not on every render (1,000 experiments make 1,000 entries).
  const description = useMemo(
    () =>
      ids
        .map((id) => {
          const p = series?.byExperiment[id];
          const n = p?.epochs.length ?? 0;
          const missing = p?.values.filter((v) => v === null).length ?? 0;
          const gaps = missing ? ` (${missing} not a number)` : '';
          return `experiment_${id}: ${n} point${n === 1 ? '' : 's'}${gaps}${n ? `, epochs ${p?.epochs[0]}–${p?.epochs[n - 1]}` : ''}`;
        })
        .join('; '),
    [ids, series],
  );
  const menuItems = useMemo(
    () =>
      ids.map((id) => (
        <MenuItem key={id} value={String(id)}>
          {id}
        </MenuItem>
      )),
    [ids],
  );

  if (!series) return null;
  const lines = ids.length;
  const descriptionId = `chart-desc-${seriesKey}`;
  return (
    <Paper
      sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 1 }}
      component="section"
      aria-label={`Chart ${seriesKey}`}
    >
      <Typography component="h2" sx={{ fontWeight: 700, fontSize: 20, textAlign: 'center' }}>
        {chartTitle(seriesKey)}
      </Typography>
      <Box sx={{ position: 'relative', height: 320 }} ref={boxRef}>
        <Line
          ref={chartRef}
          data={drawn}
          options={options}
          plugins={plugins}
          role="img"
          aria-label={`${seriesKey}: ${lines} experiment${lines === 1 ? '' : 's'} (${ids.join(', ')})`}
          aria-describedby={descriptionId}
          datasetIdKey="label"
        />
      </Box>
      <Box id={descriptionId} sx={VISUALLY_HIDDEN}>
        {description}
      </Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} data-testid="best">
          {best
            ? `★ Best (${series.kind === 'loss' ? 'lowest' : 'highest'}): experiment_${best.experimentId} = ${formatNumber(best.value)} at epoch ${best.epoch}`
            : 'No values yet'}
        </Typography>
        <Button size="small" onClick={() => chartRef.current?.resetZoom()}>
          Reset zoom
        </Button>
      </Stack>
      {showPicker && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography variant="body2">Take me to experiment page:</Typography>
          <TextField
            select
            size="small"
            label="Experiment Id"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            sx={{ minWidth: 170 }}
          >
            {menuItems}
          </TextField>
          <Tooltip title="Go to the Experiment Page">
            <span>
              <IconButton aria-label="Go to experiment" disabled={target === ''} onClick={() => goTo(Number(target))}>
                <SendIcon />
              </IconButton>
            </span>
          </Tooltip>
        </Stack>
      )}
    </Paper>
  );
});
