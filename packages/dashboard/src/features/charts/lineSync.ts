import type { ColumnarPoints } from '../series/upsertPoints';
import type { Best } from './bestExperiment';
import { toXY } from './chartData';
import type { XY } from './chartData';
import { BEST_LABEL } from './chartOptions';
import type { LineDataset } from './chartOptions';
import { experimentColor } from './experimentColor';

/** One experiment's line as the chart holds it: its dataset and the points it was built from. */
interface Line {
  dataset: LineDataset;
  /** The points the dataset's data reflects (the store's snapshot). */
  source: ColumnarPoints | undefined;
  smoothing: number;
  /** The undecimated points (chart.js swaps `dataset.data` for decimated ones while drawing). */
  raw: XY[];
}

export interface LineInput {
  byExperiment: Readonly<Record<number, ColumnarPoints>>;
  ids: readonly number[];
  smoothing: number;
  hidden: ReadonlySet<number>;
  best: Best | null;
}

/** Whether `next` is `prev` with points appended (same epochs and values up to prev's end). */
function extends_(prev: ColumnarPoints, next: ColumnarPoints): boolean {
  const n = prev.epochs.length;
  if (next.epochs.length < n) return false;
  for (let i = 0; i < n; i++) {
    if (prev.epochs[i] !== next.epochs[i] || prev.values[i] !== next.values[i]) return false;
  }
  return true;
}

function newLine(id: number): Line {
  const color = experimentColor(id);
  const raw: XY[] = [];
  return {
    raw,
    source: undefined,
    smoothing: 0,
    dataset: {
      label: `experiment_${id}`,
      experimentId: id,
      pointCount: 0,
      data: raw,
      borderColor: color,
      backgroundColor: color,
      // 1 px: Skia strokes it as a hairline, 4-7× faster to rasterise than 1.5 px (100 lines × 200 points:
      // 6-18 ms against 40-80 ms per draw in headless Chromium)
      borderWidth: 1,
      pointRadius: 0,
      pointHoverRadius: 4,
      pointHitRadius: 8,
      spanGaps: true,
    },
  };
}

/** Brings a line's points up to `points`: appends when the store only appended, else rebuilds. */
function syncPoints(line: Line, points: ColumnarPoints | undefined, smoothing: number): void {
  if (line.source === points && line.smoothing === smoothing) return;
  if (points && line.source && smoothing === 0 && line.smoothing === 0 && extends_(line.source, points)) {
    for (let i = line.source.epochs.length; i < points.epochs.length; i++) {
      const y = points.values[i];
      if (y !== null && y !== undefined) line.raw.push({ x: points.epochs[i] as number, y });
    }
  } else {
    line.raw = points ? toXY(points, smoothing) : [];
  }
  line.source = points;
  line.smoothing = smoothing;
}

/**
 * Updates a chart's datasets in place: each experiment keeps its dataset object (chart.js keeps its
 * elements by dataset), new points are appended to its data, and only changed lines are rebuilt.
 * Returns the datasets to draw, lines first, then the star on the best value.
 */
export function syncLines(lines: Map<number, Line>, input: LineInput, bestDataset: LineDataset): LineDataset[] {
  const { byExperiment, ids, smoothing, hidden, best } = input;
  const keep = new Set(ids);
  for (const id of lines.keys()) if (!keep.has(id)) lines.delete(id);
  const out: LineDataset[] = [];
  for (const id of ids) {
    let line = lines.get(id);
    if (!line) lines.set(id, (line = newLine(id)));
    syncPoints(line, byExperiment[id], smoothing);
    const d = line.dataset;
    d.data = line.raw; // through chart.js's setter when the line is decimated
    d.pointCount = line.raw.length;
    // a line of one point would be invisible
    d.pointRadius = line.raw.length === 1 ? 3 : 0;
    d.borderWidth = best?.experimentId === id ? 3 : 1;
    d.hidden = hidden.has(id);
    out.push(d);
  }
  if (best && !hidden.has(best.experimentId)) {
    const color = experimentColor(best.experimentId);
    Object.assign(bestDataset, {
      data: [{ x: best.epoch, y: best.value }],
      borderColor: color,
      backgroundColor: color,
    });
    out.push(bestDataset);
  }
  return out;
}

export type { Line };

/** The star dataset that marks the best value (one per chart, reused). */
export function newBestDataset(): LineDataset {
  return {
    label: BEST_LABEL,
    data: [],
    showLine: false,
    pointStyle: 'star',
    pointRadius: 9,
    pointHoverRadius: 11,
    borderWidth: 2,
  };
}
