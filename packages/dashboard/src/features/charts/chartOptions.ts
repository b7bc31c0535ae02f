import type { ChartOptions } from 'chart.js';
import type { HyperParameters } from '../experiments/hyperParameters';
import { formatNumber } from '../table/cellFormat';
import type { Best } from './bestExperiment';

/** What the pointer's callbacks read when they run (kept in a ref so the options object stays the same). */
export interface ChartLive {
  hyper: HyperParameters;
  best: Best | null;
  /** The chart's lines (a legend click reads them). */
  ids: readonly number[];
}

/**
 * Above this many lines the legend is left out: 100 or 1,000 entries would crowd out the chart;
 * the tooltip names a line's experiment.
 */
export const LEGEND_MAX_LINES = 25;

export interface ChartOptionsArgs {
  logScale: boolean;
}

/** The tooltip's lines for a hovered point: epoch, experiment and value, then its hyperparameters. */
export function tooltipLines(
  hit: { experimentId: number; epoch: number; value: number; star: boolean },
  hyper: HyperParameters,
): string[] {
  const name = hit.star ? `best: experiment_${hit.experimentId}` : `experiment_${hit.experimentId}`;
  const values = hyper.values[hit.experimentId] ?? {};
  return [
    `Epoch: ${hit.epoch}`,
    `${name}: ${formatNumber(hit.value)}`,
    ...hyper.columns.map((c) => `  ${c.label} = ${formatNumber(values[c.id])}`),
  ];
}

/**
 * chart.js options of a metric chart: axes, zoom and pan. The lines, the tooltip and clicks on lines
 * are the line plugin's (see linePlugin.ts), the legend is HTML (ChartLegend.tsx).
 */
export function chartOptions({ logScale }: ChartOptionsArgs): ChartOptions<'line'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    events: ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'],
    scales: {
      x: { type: 'linear', title: { display: true, text: 'Epochs' }, ticks: { precision: 0 } },
      y: { type: logScale ? 'logarithmic' : 'linear' },
    },
    plugins: {
      tooltip: { enabled: false },
      legend: { display: false },
      zoom: {
        zoom: {
          drag: { enabled: true, backgroundColor: 'rgba(25,118,210,0.15)' },
          wheel: { enabled: true, modifierKey: 'ctrl' },
          mode: 'xy',
        },
        pan: { enabled: true, mode: 'xy', modifierKey: 'shift' },
      },
    },
  };
}
