import type { ChartOptions } from 'chart.js';
import type { HyperParameters } from '../experiments/hyperParameters';
import { isolateBidi } from '../../shared/isolateBidi';
import { formatNumber } from '../../shared/cellFormat';
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
  const shown = hyper.columns.slice(0, TOOLTIP_HYPER_LINES);
  const more = hyper.columns.length - shown.length;
  return [
    `Epoch: ${hit.epoch}`,
    `${name}: ${formatNumber(hit.value)}`,
    // names and values isolated: one holding U+202E must not reorder the rest of its line
    ...shown.map((c) => `  ${isolateBidi(c.label)} = ${isolateBidi(formatNumber(values[c.id]))}`),
    ...(more > 0 ? [`  … and ${more} more hyper-parameters`] : []),
  ];
}

/** Hyper-parameters a tooltip names at most (a config with thousands of swept keys made it taller than the page). */
const TOOLTIP_HYPER_LINES = 20;

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
