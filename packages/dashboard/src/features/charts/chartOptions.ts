import type { ChartDataset, ChartOptions, LegendItem, TooltipItem } from 'chart.js';
import type { RefObject } from 'react';
import type { HyperParameters } from '../experiments/hyperParameters';
import { formatNumber } from '../table/cellFormat';
import type { Best } from './bestExperiment';
import type { XY } from './chartData';
import { debugSwitches } from '../../app/debugSwitches';

/** `pointCount`: points in the line before decimation (chart.js swaps `data` for the decimated points). */
export type LineDataset = ChartDataset<'line', XY[]> & { experimentId?: number; pointCount?: number };
/** The star dataset that marks the best value; not an experiment, so not in the legend. */
export const BEST_LABEL = 'best';

/** What the callbacks read when they run (kept in a ref so the options object stays the same). */
export interface ChartLive {
  hyper: HyperParameters;
  best: Best | null;
}

/**
 * Above this many lines the legend is left out: 100 or 1,000 entries would cover the plot and
 * re-laying them out is a large part of each redraw; the tooltip names a line's experiment.
 */
export const LEGEND_MAX_LINES = 25;

export interface ChartOptionsArgs {
  logScale: boolean;
  /** Whether to show the legend (charts of up to LEGEND_MAX_LINES lines). */
  legend: boolean;
  live: RefObject<ChartLive>;
  onLegendClick: (experimentId: number) => void;
  onLineClick: (experimentId: number) => void;
}

/** chart.js options of a metric chart: decimation, the original's legend, tooltips, zoom and pan. */
export function chartOptions({
  logScale,
  legend,
  live,
  onLegendClick,
  onLineClick,
}: ChartOptionsArgs): ChartOptions<'line'> {
  return {
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
        display: legend,
        labels: {
          usePointStyle: true,
          pointStyle: 'circle',
          filter: (item: LegendItem) => item.text !== BEST_LABEL,
        },
        onClick: (_e, item) => onLegendClick(Number(item.text.replace('experiment_', ''))),
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
      if (id !== undefined) onLineClick(id);
    },
  };
}
