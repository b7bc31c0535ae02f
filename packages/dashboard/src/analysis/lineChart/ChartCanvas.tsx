import { useEffect, useImperativeHandle, useRef } from 'react';
import type { Ref, RefObject } from 'react';
import { Chart } from 'chart.js';
import type { ChartOptions } from 'chart.js';
import { useAppSelector } from '../../store/hooks';
import { loadingSnapshot } from '../../connection/connectionSlice';
import { chartDrawn, perfHooks } from '../../shared/perfHooks';
import { debugSwitches } from '../../shared/debugSwitches';
import type { ChartLive } from './chartOptions';
import { tooltipLines } from './chartOptions';
import { cancelDraw, requestDraw, wakeDrawQueue } from './drawQueue';
import { experimentColor } from '../experimentColor';
import type { Bounds } from './lineLayer';
import { experimentScene, groupScene } from './chartScene';
import type { BandKind } from '../grouping/aggregatePoints';
import type { ExperimentGroup } from '../grouping/groupExperiments';
import type { GroupLine } from '../grouping/groupLines';
import { groupLinesOf } from '../grouping/groupLinesOf';
import { groupTooltipLines } from '../grouping/groupTooltip';
import { axisMap, createLinePlugin, sceneLine } from './linePlugin';
import type { Hovered, LinePlugin, LineScene } from './linePlugin';
import { useBest } from './useBest';
import { useInView } from './useInView';
import './chartSetup';

export interface ChartHandle {
  resetZoom(): void;
}

export interface ChartCanvasProps {
  seriesKey: string;
  /** Where the series lives: the scores (`series`, x = epoch) or the system metrics (`system`, x = wall time). */
  source?: 'series' | 'system';
  ids: readonly number[];
  hidden: ReadonlySet<number>;
  options: ChartOptions<'line'>;
  /** Exponential moving average weight of the lines, 0 (raw values) to 0.99. */
  smoothing: number;
  label: string;
  /** The id of an element describing the lines for screen readers, if any. */
  describedBy?: string;
  /** The tooltip reads the hyperparameters and the best value from here. */
  live: RefObject<ChartLive>;
  onLineClick: (experimentId: number) => void;
  handle?: Ref<ChartHandle>;
  /**
   * Beyond this many lines they are drawn as a density image with quantile bands (DenseLines), the best
   * and the `highlighted` ones as lines over it. @default Infinity (always lines)
   */
  densityFrom?: number;
  /** Drawn as lines over the density (the compare selection). */
  highlighted?: readonly number[];
  /**
   * Every experiment of the series, when `ids` is a filtered part of them: if they are more than
   * `densityFrom`, they are drawn as the density behind `ids`' lines (the filtered ones stand out).
   */
  context?: readonly number[];
  /** Draw these groups instead of `ids`: a line per group (its mean) over its band; null: one per experiment. */
  groups?: readonly ExperimentGroup[] | null;
  /** The band around a group's mean. @default 'std' */
  band?: BandKind;
  /** A line's colour by its id (experiment or group). @default experimentColor */
  colorOf?: (id: number) => string;
}

interface Bound {
  x: number;
  y: number;
}

const TOOLTIP_STYLE = {
  position: 'absolute',
  display: 'none',
  pointerEvents: 'none',
  background: 'rgba(0,0,0,0.8)',
  color: '#fff',
  font: '12px system-ui, sans-serif',
  padding: '6px 8px',
  borderRadius: 6,
  whiteSpace: 'pre',
  zIndex: 1,
} as const;

/** What a draw put on the canvas: every line, drawn or in the density, with its points (once each). */
function drawnCounts(scene: LineScene): Array<[number, number]> {
  const counts = new Map<number, number>();
  // a filter's context behind its lines is not what the chart shows
  if (!scene.density?.context) for (const l of scene.density?.lines ?? []) counts.set(l.id, l.line.count);
  for (const l of scene.lines) counts.set(l.id, l.line.count);
  return [...counts];
}

/** Whether the axes already show all of `box` (they only grow while a run is live). */
function fitsAxes(chart: Chart<'line', Bound[]>, box: Bounds): boolean {
  const { x, y } = chart.scales;
  if (!x || !y || chart.data.datasets.length === 0) return false;
  return box.xMin >= x.min && box.xMax <= x.max && box.yMin >= y.min && box.yMax <= y.max;
}

/** Shows or hides the tooltip element beside a hovered point. */
function showTooltip(tip: HTMLElement, canvas: HTMLCanvasElement, hit: Hovered | null, text: string[]) {
  if (!hit) {
    tip.style.display = 'none';
    return;
  }
  tip.textContent = text.join('\n');
  tip.style.display = 'block';
  // the hovered point on the canvas (CSS pixels): where a click opens that line's experiment
  tip.dataset['x'] = String(hit.px);
  tip.dataset['y'] = String(hit.py);
  const width = tip.offsetWidth;
  const left = hit.px + 12 + width > canvas.clientWidth ? hit.px - 12 - width : hit.px + 12;
  tip.style.left = `${Math.max(0, left)}px`;
  const top = Math.min(hit.py - tip.offsetHeight / 2, canvas.clientHeight - tip.offsetHeight);
  tip.style.top = `${Math.max(0, top)}px`;
}

/**
 * The canvas of one metric chart. The chart.js instance (axes, legend, zoom) is made once and
 * updated in place; the lines are drawn by the line plugin from the store's columns. Redraws wait
 * for the page's draw queue (one per frame at most, charts on screen first). React re-renders only
 * this small component on new data.
 */
export function ChartCanvas(props: ChartCanvasProps) {
  const { seriesKey, ids, hidden, options, smoothing, label, describedBy, live, handle, onLineClick } = props;
  const { densityFrom = Infinity, highlighted, context } = props;
  const { groups = null, band = 'std', colorOf = experimentColor } = props;
  const system = props.source === 'system';
  const series = useAppSelector((s) => (system ? s.system.byKey[seriesKey] : s.series.byKey[seriesKey]));
  // while a snapshot arrives in parts, nothing is drawn (a chart mounted meanwhile sees some of it)
  const loading = useAppSelector(loadingSnapshot);
  // a system metric has no best value to star
  const best = useBest(system ? undefined : series, ids);
  live.current.best = best;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const tipRef = useRef<HTMLDivElement | null>(null);
  const chartRef = useRef<Chart<'line', Bound[]> | null>(null);
  const linesRef = useRef<LinePlugin | null>(null);
  const inView = useInView(canvasRef);
  const visible = useRef(inView);
  visible.current = inView;
  const scene = useRef<LineScene>({ lines: [], best: null, decimate: debugSwitches.decimation });
  /** The group lines drawn (null: experiments): the tooltip reads their aggregates. */
  const drawnGroups = useRef<readonly GroupLine[] | null>(null);
  const owner = useRef({});
  /** What the last full update laid out: lines, legend choice, smoothing, options. */
  const laidOut = useRef<unknown[]>([]);
  const boundsDataset = useRef({
    data: [] as Bound[],
    showLine: false,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
  });
  const clickRef = useRef(onLineClick);
  clickRef.current = onLineClick;

  useImperativeHandle(handle, () => ({ resetZoom: () => chartRef.current?.resetZoom() }), []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    // The chart.js instance itself is made by the first draw, with its data: made empty here, each
    // chart laid out and drew its axes twice while the page loaded (a third of a 12-chart page's
    // main-thread time went to making charts).
    linesRef.current = createLinePlugin({
      scene: () => scene.current,
      hover: (hit) => {
        const tip = tipRef.current;
        if (!tip) return;
        const line = hit && sceneLine(scene.current, hit.id)?.line;
        const b = scene.current.best;
        const groupsDrawn = drawnGroups.current;
        if (groupsDrawn) {
          const g = hit && groupsDrawn.find((x) => x.id === hit.id);
          const index = hit?.star && b ? (g?.mean.epochs.indexOf(b.epoch) ?? -1) : (hit?.index ?? -1);
          const text = g && index >= 0 ? groupTooltipLines(g, index, line?.ys[index] ?? null, hit?.star ?? false) : [];
          return showTooltip(tip, canvas, text.length ? hit : null, text);
        }
        const point = hit?.star
          ? b && { experimentId: b.experimentId, epoch: b.epoch, value: b.value, star: true }
          : line &&
            hit && {
              experimentId: hit.id,
              epoch: line.xs[hit.index] as number,
              value: line.ys[hit.index] as number,
              star: false,
            };
        showTooltip(
          tip,
          canvas,
          point ? hit : null,
          point ? tooltipLines(point, live.current.hyper, live.current) : [],
        );
      },
      click: (id) => clickRef.current(id),
      // Tells benchmarks and tests what each draw put on the canvas (see app/perfHooks.ts).
      drawn: (chart) => {
        const { x, y } = chart.scales;
        const axes = x && y ? { x: axisMap(x), y: axisMap(y) } : null;
        chartDrawn(chart.canvas, system ? `system:${seriesKey}` : seriesKey, drawnCounts(scene.current), {
          bands: scene.current.bands?.length ?? 0,
          ...(axes ? { axes: { x: [axes.x.a, axes.x.b], y: [axes.y.a, axes.y.b, axes.y.log] } } : {}),
        });
      },
    });
    const o = owner.current;
    return () => {
      cancelDraw(o);
      chartRef.current?.destroy();
      chartRef.current = null;
      linesRef.current = null;
    };
  }, [seriesKey, live, system]);

  // Every change only asks for a redraw; the queue decides when (the latest state is drawn).
  useEffect(() => {
    if (!series || loading) return;
    requestDraw(
      owner.current,
      () => {
        const canvas = canvasRef.current;
        const plugin = linesRef.current;
        if (!canvas || !plugin) return;
        const o = {
          hidden,
          smoothing,
          colorOf,
          log: options.scales?.['y']?.type === 'logarithmic',
          decimate: debugSwitches.decimation,
        };
        const grouped = groups ? groupScene(groupLinesOf(series, groups, band), series.kind, o) : null;
        const built = grouped ?? experimentScene(series, ids, best, { ...o, densityFrom, highlighted, context });
        drawnGroups.current = groups ? groupLinesOf(series, groups, band) : null;
        scene.current = built.scene;
        // the scales come from one invisible dataset of two points: the corners of the lines' box
        const box = built.box;
        boundsDataset.current.data = box
          ? [
              { x: box.xMin, y: box.yMin },
              { x: box.xMax, y: box.yMax },
            ]
          : [];
        // New points inside the axes' range need no new layout: only the lines are drawn again.
        const layout = [ids, hidden, smoothing, options, densityFrom, highlighted, context, groups, band, colorOf];
        const same = laidOut.current.every((v, i) => v === layout[i]);
        laidOut.current = layout;
        const chart = chartRef.current;
        if (!chart) {
          // made with the real options: defaults (aspect ratio, animation) would resize and animate it first
          chartRef.current = new Chart<'line', Bound[]>(canvas, {
            type: 'line',
            data: { datasets: [boundsDataset.current] },
            options,
            plugins: [plugin.plugin],
          });
          return;
        }
        if (same && box && fitsAxes(chart, box) && plugin.redrawLines(chart)) {
          perfHooks().linesOnly++;
          return;
        }
        chart.options = options;
        chart.data.datasets = [boundsDataset.current];
        chart.update('none');
      },
      () => visible.current,
    );
  }, [
    series,
    ids,
    smoothing,
    hidden,
    best,
    options,
    densityFrom,
    highlighted,
    context,
    loading,
    groups,
    band,
    colorOf,
  ]);

  // scrolled into view: its pending redraw (if any) no longer waits for the off-screen pace
  useEffect(() => {
    if (inView) wakeDrawQueue();
  }, [inView]);

  return (
    <>
      <canvas ref={canvasRef} role="img" aria-label={label} aria-describedby={describedBy} />
      <div ref={tipRef} role="tooltip" style={TOOLTIP_STYLE} />
    </>
  );
}
