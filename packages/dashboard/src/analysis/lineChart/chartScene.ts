import type { Series } from '../series/seriesSlice';
import type { GroupBest, GroupLine, LineColumns } from '../grouping/groupLines';
import { bestGroupMean } from '../grouping/groupLines';
import type { Best } from './bestExperiment';
import { ema } from './ema';
import { boundsOf, prepareLine } from './lineLayer';
import { layOut } from './chartLayers';
import type { Bounds, DrawnLine } from './lineLayer';
import type { DrawnBand, LineScene } from './linePlugin';

/** A colour at `alpha` opacity (the colours are `hsl(…)` or `#rrggbb`). */
export function translucent(color: string, alpha: number): string {
  const hsl = /^hsl\((.*)\)$/.exec(color);
  if (hsl) return `hsla(${hsl[1]}, ${alpha})`;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex)
    return `rgba(${parseInt(hex[1] as string, 16)}, ${parseInt(hex[2] as string, 16)}, ${parseInt(hex[3] as string, 16)}, ${alpha})`;
  return color;
}

/** How opaque a band is: two overlapping bands still show the lines and each other. */
export const BAND_ALPHA = 0.18;

export interface SceneOptions {
  hidden: ReadonlySet<number>;
  smoothing: number;
  colorOf: (id: number) => string;
  /** Whether the y axis is logarithmic (only values above 0 count for its range). */
  log: boolean;
  decimate: boolean;
}

export interface BuiltScene {
  scene: LineScene;
  /** The box every point (and band) is in, for the axes; null when empty. */
  box: Bounds | null;
}

/** Where an ungrouped chart turns to a density (see chartLayers.ts). */
export interface DensityOptions {
  densityFrom: number;
  highlighted?: readonly number[] | undefined;
  context?: readonly number[] | undefined;
}

/**
 * One line per experiment (the ungrouped chart), the best experiment's thicker and starred; beyond
 * `densityFrom` lines, their density with the best and highlighted ones over it.
 */
export function experimentScene(
  series: Series,
  ids: readonly number[],
  best: Best | null,
  o: SceneOptions & DensityOptions,
): BuiltScene {
  const { hidden, smoothing, colorOf, densityFrom, highlighted, context } = o;
  const { lines, density } = layOut({
    series,
    ids,
    best,
    hidden,
    smoothing,
    colorOf,
    densityFrom,
    highlighted,
    context,
  });
  const shownBest = best && !o.hidden.has(best.experimentId) ? { ...best, color: o.colorOf(best.experimentId) } : null;
  const all = density ? [...density.lines, ...lines] : lines;
  return { scene: { lines, best: shownBest, decimate: o.decimate, density }, box: boundsOf(all, o.log) };
}

const smoothed = (c: LineColumns, smoothing: number) => (smoothing > 0 ? ema(c.values, smoothing) : c.values);

/** Widens `box` to hold a band's edges. */
function withBand(box: Bounds | null, band: DrawnBand['band'], log: boolean): Bounds | null {
  let out = box;
  for (const edge of [band.lower, band.upper])
    for (let i = 0; i < edge.length; i++) {
      const v = edge[i];
      if (v === null || v === undefined || !Number.isFinite(v) || (log && v <= 0)) continue;
      const x = band.xs[i] as number;
      out = out
        ? {
            xMin: Math.min(out.xMin, x),
            xMax: Math.max(out.xMax, x),
            yMin: Math.min(out.yMin, v),
            yMax: Math.max(out.yMax, v),
          }
        : { xMin: x, xMax: x, yMin: v, yMax: v };
    }
  return out;
}

/**
 * One line per group (its mean, smoothed as the lines are) over its band (± std or min–max), the best
 * mean starred and its line thicker. Hidden groups (the legend's) are left out.
 */
export function groupScene(
  lines: readonly GroupLine[],
  kind: 'metric' | 'loss',
  o: SceneOptions,
): BuiltScene & { best: GroupBest | null } {
  const shown = lines.filter((l) => !o.hidden.has(l.id));
  const best = bestGroupMean(shown, kind);
  const drawn: DrawnLine[] = [];
  const bands: DrawnBand[] = [];
  for (const g of shown) {
    const color = o.colorOf(g.id);
    drawn.push({ id: g.id, color, width: best?.groupId === g.id ? 3.5 : 2, line: prepareLine(g.mean, o.smoothing) });
    if (g.lower && g.upper)
      bands.push({
        id: g.id,
        color: translucent(color, BAND_ALPHA),
        band: { xs: g.mean.epochs, lower: smoothed(g.lower, o.smoothing), upper: smoothed(g.upper, o.smoothing) },
      });
  }
  let box = boundsOf(drawn, o.log);
  for (const b of bands) box = withBand(box, b.band, o.log);
  const starLine = best && drawn.find((l) => l.id === best.groupId);
  const star =
    best && starLine
      ? {
          experimentId: best.groupId,
          epoch: best.epoch,
          // the star sits on the drawn (smoothed) line
          value: (starLine.line.ys[best.index] as number | null) ?? best.value,
          color: starLine.color,
        }
      : null;
  return { scene: { lines: drawn, bands, best: star, decimate: o.decimate }, box, best };
}
