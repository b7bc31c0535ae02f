import type { Series } from '../series/seriesSlice';
import { experimentColor } from '../experimentColor';
import type { Best } from './bestExperiment';
import type { DensityScene } from './densityPaint';
import { prepareLine } from './lineLayer';
import type { DrawnLine } from './lineLayer';

/** Lines drawn over a density at most, of those highlighted (a compare selection of thousands stays a density). */
export const MAX_HIGHLIGHTED = 200;

/** The line-count setting's default: beyond this many lines a chart draws their density. */
export const DEFAULT_DENSITY_FROM = 300;

export interface LayOutArgs {
  series: Series;
  /** The experiments the chart shows (the table's filter applied). */
  ids: readonly number[];
  hidden: ReadonlySet<number>;
  smoothing: number;
  best: Best | null;
  /** Beyond this many lines, a density (Infinity: never). */
  densityFrom: number;
  /** Drawn as lines over a density (the compare selection). */
  highlighted?: readonly number[] | undefined;
  /** Every experiment of the series, when `ids` is a filtered part of them. */
  context?: readonly number[] | undefined;
  /** A line's colour by its experiment. @default experimentColor */
  colorOf?: ((id: number) => string) | undefined;
}

/**
 * What a chart draws: up to `densityFrom` lines, each line (as always; when a filter narrowed more
 * experiments than that down to them, those others as a density behind them); beyond it, the lines'
 * density with its bands, and over it as lines the best experiment and the highlighted ones (the hovered
 * one is the plugin's). Every point counts either way.
 */
export function layOut(a: LayOutArgs): { lines: DrawnLine[]; density: DensityScene | null } {
  const drawn = (id: number, width: number): DrawnLine | undefined => {
    const points = a.series.byExperiment[id];
    if (!points || a.hidden.has(id)) return undefined;
    return { id, color: (a.colorOf ?? experimentColor)(id), width, line: prepareLine(points, a.smoothing) };
  };
  const bestId = a.best?.experimentId;
  const each = (ids: readonly number[], width: (id: number) => number) =>
    ids.flatMap((id) => drawn(id, width(id)) ?? []);
  if (a.ids.length <= a.densityFrom) {
    const lines = each(a.ids, (id) => (id === bestId ? 3 : 1));
    const behind = a.context && a.context.length > a.densityFrom && a.context.length > a.ids.length ? a.context : null;
    return { lines, density: behind ? { lines: each(behind, () => 1), context: true } : null };
  }
  const shown = new Set(a.ids);
  const over = [
    ...(bestId !== undefined && shown.has(bestId) ? [bestId] : []),
    ...(a.highlighted ?? []).filter((id) => id !== bestId && shown.has(id)).slice(0, MAX_HIGHLIGHTED),
  ];
  return {
    lines: each(over, (id) => (id === bestId ? 3 : 2)),
    density: { lines: each(a.ids, () => 1) },
  };
}
