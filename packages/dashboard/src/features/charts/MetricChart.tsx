import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Box, Button, IconButton, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import SendIcon from '@mui/icons-material/Send';
import type { Chart, ChartData, ChartDataset, ChartOptions, LegendItem, Plugin, TooltipItem } from 'chart.js';
import { Line } from 'react-chartjs-2';
import { useNavigate } from 'react-router-dom';
import { debugSwitches } from '../../app/debugSwitches';
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
import './chartSetup';

/** `pointCount`: points in the line before decimation (chart.js swaps `data` for the decimated points). */
type LineDataset = ChartDataset<'line', XY[]> & { experimentId?: number; pointCount?: number };
const BEST_LABEL = 'best';
const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** One `<split>_<metric or loss>` chart: one line per experiment, x = epoch. */
export const MetricChart = memo(function MetricChart({ seriesKey }: { seriesKey: string }) {
  const series = useAppSelector((s) => s.series.byKey[seriesKey]);
  const lineFilter = useAppSelector(selectLineFilter);
  const smoothing = useAppSelector((s) => s.charts.smoothing);
  const logScale = useAppSelector((s) => s.charts.logScale);
  const hyper = useAppSelector(selectHyperParameters);
  const navigate = useNavigate();
  const chartRef = useRef<Chart<'line', XY[]> | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [target, setTarget] = useState('');

  const ids = useMemo(
    () => (series ? series.experimentIds.filter((id) => lineFilter === null || lineFilter.has(id)) : []),
    [series, lineFilter],
  );
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

  // Tooltip and legend callbacks read the latest values through refs: options stay stable.
  const live = useRef({ hyper, ids, hidden, best });
  live.current = { hyper, ids, hidden, best };
  const goTo = useCallback((id: number) => navigate(`/experiment?experiment_id=${id}`), [navigate]);
  // Tells benchmarks and tests what each draw put on the canvas (see app/perfHooks.ts).
  const plugins = useMemo<Plugin<'line'>[]>(
    () => [
      {
        id: 'mlboardDrawn',
        afterDraw: (chart) => {
          const counts: Array<[number, number]> = [];
          chart.data.datasets.forEach((d, i) => {
            const { experimentId, pointCount } = d as Pick<LineDataset, 'experimentId' | 'pointCount'>;
            if (experimentId !== undefined && chart.isDatasetVisible(i)) counts.push([experimentId, pointCount ?? 0]);
          });
          chartDrawn(chart.canvas, seriesKey, counts);
        },
      },
    ],
    [seriesKey],
  );

  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'Epochs' }, ticks: { precision: 0 } },
        y: { type: logScale ? 'logarithmic' : 'linear' },
      },
      plugins: {
        decimation: { enabled: debugSwitches.decimation, algorithm: 'min-max' },
        legend: {
          labels: {
            usePointStyle: true,
            pointStyle: 'circle',
            filter: (item: LegendItem) => item.text !== BEST_LABEL,
          },
          onClick: (_e, item) => {
            const id = Number(item.text.replace('experiment_', ''));
            const { hidden: h, ids: all } = live.current;
            setHidden(legendClick(h, all, id));
          },
          onHover: (e) => {
            const canvas = e.native?.target as HTMLElement | undefined;
            if (canvas) canvas.style.cursor = 'pointer';
          },
          onLeave: (e) => {
            const canvas = e.native?.target as HTMLElement | undefined;
            if (canvas) canvas.style.cursor = 'default';
          },
        },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => `Epoch: ${items[0]?.parsed.x ?? ''}`,
            label: (item: TooltipItem<'line'>) => {
              const ds = item.dataset as LineDataset;
              const prefix = ds.label === BEST_LABEL ? `best: experiment_${live.current.best?.experimentId}` : ds.label;
              return `${prefix}: ${formatNumber(item.parsed.y)}`;
            },
            afterLabel: (item: TooltipItem<'line'>) => {
              const id = (item.dataset as LineDataset).experimentId;
              if (id === undefined) return '';
              const { hyper: hp } = live.current;
              const values = hp.values[id] ?? {};
              return hp.columns.map((c) => `  ${c.label} = ${formatNumber(values[c.id])}`);
            },
          },
        },
        zoom: {
          zoom: {
            drag: { enabled: true, backgroundColor: 'rgba(25,118,210,0.15)' },
            wheel: { enabled: true, modifierKey: 'ctrl' },
            mode: 'xy',
          },
          pan: { enabled: true, mode: 'xy', modifierKey: 'shift' },
        },
      },
      onClick: (event, _elements, chart) => {
        const native = event.native;
        if (!native) return;
        const hit = chart.getElementsAtEventForMode(native, 'nearest', { intersect: true }, true)[0];
        const id = hit ? (chart.data.datasets[hit.datasetIndex] as LineDataset | undefined)?.experimentId : undefined;
        if (id !== undefined) goTo(id);
      },
    }),
    [logScale, goTo],
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
      <Box sx={{ position: 'relative', height: 320 }}>
        <Line
          ref={chartRef}
          data={data}
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
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="body2">Take me to experiment page:</Typography>
        <TextField
          select
          size="small"
          label="Experiment Id"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          sx={{ minWidth: 140 }}
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
    </Paper>
  );
});
