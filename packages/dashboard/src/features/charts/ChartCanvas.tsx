import { useEffect, useImperativeHandle, useRef } from 'react';
import type { Ref, RefObject } from 'react';
import { Chart } from 'chart.js';
import type { ChartOptions, Plugin } from 'chart.js';
import { useAppSelector } from '../../app/hooks';
import { chartDrawn } from '../../app/perfHooks';
import type { XY } from './chartData';
import type { ChartLive, LineDataset } from './chartOptions';
import { cancelDraw, requestDraw, wakeDrawQueue } from './drawQueue';
import { newBestDataset, syncLines } from './lineSync';
import type { Line } from './lineSync';
import { useBest } from './useBest';
import { useInView } from './useInView';
import './chartSetup';

export interface ChartHandle {
  resetZoom(): void;
}

export interface ChartCanvasProps {
  seriesKey: string;
  ids: readonly number[];
  hidden: ReadonlySet<number>;
  options: ChartOptions<'line'>;
  label: string;
  describedBy: string;
  /** The tooltip reads the best value from here. */
  live: RefObject<ChartLive>;
  handle?: Ref<ChartHandle>;
}

/**
 * The canvas of one metric chart. The chart.js instance is made once and updated in place: a new
 * point is appended to its line's data and the redraw waits for the page's draw queue (one per
 * frame at most, charts on screen first). React re-renders only this small component on new data.
 */
export function ChartCanvas(props: ChartCanvasProps) {
  const { seriesKey, ids, hidden, options, label, describedBy, live, handle } = props;
  const series = useAppSelector((s) => s.series.byKey[seriesKey]);
  const smoothing = useAppSelector((s) => s.charts.smoothing);
  const best = useBest(series, ids);
  live.current.best = best;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const chartRef = useRef<Chart<'line', XY[]> | null>(null);
  const inView = useInView(canvasRef);
  const visible = useRef(inView);
  visible.current = inView;
  const lines = useRef(new Map<number, Line>());
  const bestDataset = useRef<LineDataset>(newBestDataset());
  const owner = useRef({});
  const initialOptions = useRef(options);

  useImperativeHandle(handle, () => ({ resetZoom: () => chartRef.current?.resetZoom() }), []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    // Tells benchmarks and tests what each draw put on the canvas (see app/perfHooks.ts).
    const drawnPlugin: Plugin<'line'> = {
      id: 'mlboardDrawn',
      afterDraw: (chart) => {
        const counts: Array<[number, number]> = [];
        chart.data.datasets.forEach((d, i) => {
          const { experimentId, pointCount } = d as LineDataset;
          if (experimentId !== undefined && chart.isDatasetVisible(i)) counts.push([experimentId, pointCount ?? 0]);
        });
        chartDrawn(chart.canvas, seriesKey, counts);
      },
    };
    // made with the real options: defaults (aspect ratio, animation) would resize and animate it first
    const chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: initialOptions.current,
      plugins: [drawnPlugin],
    });
    chartRef.current = chart;
    const o = owner.current;
    return () => {
      cancelDraw(o);
      chart.destroy();
      chartRef.current = null;
    };
  }, [seriesKey]);

  // Every change only asks for a redraw; the queue decides when (the latest state is drawn).
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !series) return;
    const input = { byExperiment: series.byExperiment, ids, smoothing, hidden, best };
    requestDraw(
      owner.current,
      () => {
        if (chartRef.current !== chart) return;
        chart.options = options;
        chart.data.datasets = syncLines(lines.current, input, bestDataset.current);
        chart.update('none');
      },
      () => visible.current,
    );
  }, [series, ids, smoothing, hidden, best, options]);

  // scrolled into view: its pending redraw (if any) no longer waits for the off-screen pace
  useEffect(() => {
    if (inView) wakeDrawQueue();
  }, [inView]);

  return <canvas ref={canvasRef} role="img" aria-label={label} aria-describedby={describedBy} />;
}
