import type { ChartOptions } from 'chart.js';
import { SYSTEM_METRICS } from '@mlgym/protocol';
import { formatBytes, formatNumber } from '../../shared/cellFormat';
import { chartOptions } from '../lineChart/chartOptions';

const pad = (n: number) => String(n).padStart(2, '0');

/** A sample's wall time (seconds since the epoch) as the clock showed it: 14:05:31. */
export function clockTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

type Metric = (typeof SYSTEM_METRICS)[number];

export const metricOf = (key: string): Metric | undefined => SYSTEM_METRICS.find((m) => m.key === key);

/** How a metric's values read: bytes as MB/GB, shares with %, the rest as numbers. */
export function valueText(key: string): (v: number) => string {
  const unit = metricOf(key)?.unit;
  if (unit === 'bytes') return formatBytes;
  if (unit === '%') return (v) => `${formatNumber(v)} %`;
  return formatNumber;
}

/** The scores' chart options with wall time along x (clock times) and the metric's unit along y. */
export function systemChartOptions(key: string): ChartOptions<'line'> {
  const base = chartOptions({ logScale: false });
  const y = valueText(key);
  return {
    ...base,
    scales: {
      x: { type: 'linear', title: { display: true, text: 'Time' }, ticks: { callback: (v) => clockTime(Number(v)) } },
      y: { type: 'linear', beginAtZero: true, ticks: { callback: (v) => y(Number(v)) } },
    },
  };
}
