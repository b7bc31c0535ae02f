import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, Paper, Stack, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { isolateBidi } from '../../shared/isolateBidi';
import { useWhenIdle } from '../../shared/useWhenIdle';
import { selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import { selectExperimentNamer } from '../../analysis/experiments/gridSearchSelectors';
import type { Best } from '../../analysis/lineChart/bestExperiment';
import { experimentColor, gridSearchColor } from '../../analysis/experimentColor';
import { splitKey } from '../../connection/events/experimentKey';
import { groupExpanded } from '../../analysis/analysisSlice';
import { selectGroups } from '../../analysis/grouping/groupSelectors';
import { BestText, ChartDescription } from './ChartTexts';
import { chartTitle } from './chartData';
import { selectLineFilter } from './chartSelectors';
import { legendClick } from './legendClick';
import { LEGEND_MAX_LINES, chartOptions } from '../../analysis/lineChart/chartOptions';
import type { ChartLive } from '../../analysis/lineChart/chartOptions';
import { ChartCanvas } from '../../analysis/lineChart/ChartCanvas';
import { ChartLegend } from './ChartLegend';
import type { ChartHandle } from '../../analysis/lineChart/ChartCanvas';
import { ExperimentPicker } from './ExperimentPicker';

const NO_IDS: readonly number[] = [];

export interface MetricChartProps {
  seriesKey: string;
  /** Draw only these experiments (e.g. one experiment's page). @default all that pass the table's filters */
  experiments?: readonly number[];
  /** The "Take me to experiment page" picker under the chart. @default true */
  showPicker?: boolean;
}

/**
 * One `<split>_<metric or loss>` chart: one line per experiment, or per group its mean over a band
 * (± std or min–max), x = epoch. This component renders
 * again only when its lines or settings change; new points reach the canvas, the description and
 * the best value through their own small subscribers.
 */
export const MetricChart = memo(function MetricChart({ seriesKey, experiments, showPicker = true }: MetricChartProps) {
  const experimentIds = useAppSelector((s) => s.series.byKey[seriesKey]?.experimentIds);
  const lineFilter = useAppSelector(selectLineFilter);
  const logScale = useAppSelector((s) => s.charts.logScale);
  const smoothing = useAppSelector((s) => s.charts.smoothing);
  const densityFrom = useAppSelector((s) => s.charts.densityFrom);
  const compared = useAppSelector((s) => s.analysis.compared);
  const colorBy = useAppSelector((s) => s.charts.colorBy);
  const allGroups = useAppSelector(selectGroups);
  const band = useAppSelector((s) => s.analysis.band);
  const hyper = useAppSelector(selectHyperParameters);
  const name = useAppSelector(selectExperimentNamer);
  const navigate = useNavigate();
  const dispatch = useAppDispatch();
  const chartRef = useRef<ChartHandle | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  // the picker comes once the page has drawn: its select costs as much to make as the chart's lines
  const pickerReady = useWhenIdle();
  // an experiment's own page draws its lines, never groups
  const groups = experiments ? null : allGroups;

  const ids = useMemo(() => {
    if (!experimentIds) return NO_IDS;
    if (experiments) return experimentIds.filter((id) => experiments.includes(id));
    return experimentIds.filter((id) => lineFilter === null || lineFilter.has(id));
  }, [experimentIds, lineFilter, experiments]);

  /** The groups with a member on this chart (the legend's and the picker's). */
  const chartGroups = useMemo(() => {
    if (!groups) return null;
    const on = new Set(ids);
    return groups.filter((g) => g.members.some((m) => on.has(m)));
  }, [groups, ids]);
  const lineIds = useMemo(() => chartGroups?.map((g) => g.id) ?? ids, [chartGroups, ids]);
  // lines hidden in the legend are experiments or groups: grouping anew shows them all
  const grouped = chartGroups !== null;
  useEffect(() => setHidden(new Set()), [grouped]);

  const colorOf = useMemo(
    () => (colorBy === 'grid_search' ? (id: number) => gridSearchColor(splitKey(id).index) : experimentColor),
    [colorBy],
  );
  // The tooltip and the legend's click read the latest values through a ref: options stay stable.
  const live = useRef<ChartLive>({ hyper, ids: lineIds, best: null as Best | null });
  live.current.hyper = hyper;
  live.current.ids = lineIds;
  const groupsRef = useRef(chartGroups);
  groupsRef.current = chartGroups;
  const goTo = useCallback((id: number) => navigate(`/experiment?experiment_id=${id}`), [navigate]);
  // a group's line opens the table with the group's experiments listed under it
  const onLineClick = useCallback(
    (id: number) => {
      const group = groupsRef.current?.find((g) => g.id === id);
      if (!group) return goTo(id);
      dispatch(groupExpanded({ key: group.key, expanded: true }));
      navigate('/dashboard');
    },
    [dispatch, goTo, navigate],
  );
  const onLegendClick = useCallback((id: number) => setHidden((h) => legendClick(h, live.current.ids, id)), []);
  const legend = lineIds.length <= LEGEND_MAX_LINES;
  const entries = useMemo(
    () =>
      chartGroups
        ? chartGroups.map((g) => ({ id: g.id, label: `${g.label} (n = ${g.members.length})`, color: colorOf(g.id) }))
        : ids.map((id) => ({ id, label: name(id), color: colorOf(id) })),
    [chartGroups, ids, name, colorOf],
  );
  const options = useMemo(() => chartOptions({ logScale }), [logScale]);
  if (!experimentIds) return null;
  const lines = ids.length;
  const descriptionId = `chart-desc-${seriesKey}`;
  const what = chartGroups
    ? `${chartGroups.length} group${chartGroups.length === 1 ? '' : 's'} of ${lines} experiment${lines === 1 ? '' : 's'}`
    : lines > densityFrom
      ? `${lines} experiments (drawn as their density)`
      : `${lines} experiment${lines === 1 ? '' : 's'} (${ids.join(', ')})`;
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
      {legend && <ChartLegend entries={entries} hidden={hidden} onClick={onLegendClick} />}
      <Box sx={{ position: 'relative', height: 320, contain: 'strict' }}>
        <ChartCanvas
          seriesKey={seriesKey}
          ids={ids}
          hidden={hidden}
          options={options}
          smoothing={smoothing}
          live={live}
          onLineClick={onLineClick}
          handle={chartRef}
          label={`${isolateBidi(seriesKey)}: ${what}`}
          densityFrom={densityFrom}
          highlighted={compared}
          // a filter's lines stand out of the density of every experiment
          context={experiments === undefined && lineFilter !== null ? experimentIds : undefined}
          describedBy={descriptionId}
          groups={chartGroups}
          band={band}
          colorOf={colorOf}
        />
      </Box>
      <ChartDescription
        seriesKey={seriesKey}
        ids={ids}
        groups={chartGroups}
        band={band}
        id={descriptionId}
        summary={!chartGroups && ids.length > densityFrom}
      />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <BestText seriesKey={seriesKey} ids={ids} groups={chartGroups} band={band} />
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
