import type { Chart, Plugin, Scale } from 'chart.js';
import { drawPoint } from 'chart.js/helpers';
import type { Best } from './bestExperiment';
import { nearestPoint, toPixel, traceLine } from './lineLayer';
import type { AxisMap, DrawnLine, Nearest } from './lineLayer';
import { createDensityPainter } from './densityPaint';
import type { DensityScene } from './densityPaint';

type DensityPainter = ReturnType<typeof createDensityPainter>;
import { traceBand } from '../grouping/traceBand';
import type { BandColumns } from '../grouping/traceBand';

/** A group's band: filled between its edges, below every line. */
export interface DrawnBand {
  id: number;
  /** The fill (translucent). */
  color: string;
  band: BandColumns;
}

/** What the plugin draws; the chart's owner replaces it before each update. */
export interface LineScene {
  /** Lines to draw, in order (hidden ones left out); over the density, when there is one. */
  lines: DrawnLine[];
  /** Bands drawn under the lines (a grouped chart's spread around each mean). */
  bands?: DrawnBand[];
  best: (Best & { color: string }) | null;
  decimate: boolean;
  /** Lines drawn as a density image with quantile bands, under `lines` (absent: none). */
  density?: DensityScene | null;
}

/** The line of an experiment in the scene (drawn as a line or in the density), if it has one. */
export function sceneLine(scene: LineScene, id: number): DrawnLine | undefined {
  return scene.lines.find((l) => l.id === id) ?? scene.density?.lines.find((l) => l.id === id);
}

/** The nearest point of the scene's lines and of its density's lines (each one can be hovered and opened). */
function nearestInScene(
  scene: LineScene,
  m: { x: AxisMap; y: AxisMap },
  at: readonly [number, number],
  maxDistance?: number,
): Nearest | null {
  const line = nearestPoint(scene.lines, m, at, maxDistance);
  if (!scene.density) return line;
  const dense = nearestPoint(scene.density.lines, m, at, line ? line.distance : maxDistance);
  return dense ?? line;
}

/** A hovered point: a line's, or the best value's star (`star`). */
export type Hovered = Nearest & { star: boolean };

export interface LinePluginHooks {
  scene(): LineScene;
  /** The pointer came near a point, or left (null). Coordinates are the canvas's CSS pixels. */
  hover(hit: Hovered | null): void;
  click(experimentId: number): void;
  drawn(chart: Chart): void;
}

/** A click this close to a line's point opens its experiment (chart.js's pointHitRadius was 8). */
const HIT_RADIUS = 8;
const STAR_RADIUS = 9;

/** The pixel map of a chart.js scale: linear in the value, or in its log10 on a logarithmic scale. */
export function axisMap(scale: Scale): AxisMap {
  const log = scale.type === 'logarithmic';
  const lo = log ? Math.log10(scale.min) : scale.min;
  const hi = log ? Math.log10(scale.max) : scale.max;
  const p0 = scale.getPixelForValue(scale.min);
  const p1 = scale.getPixelForValue(scale.max);
  const a = hi === lo || !Number.isFinite(hi - lo) ? 0 : (p1 - p0) / (hi - lo);
  return { a, b: p0 - a * lo, log };
}

function maps(chart: Chart): { x: AxisMap; y: AxisMap; xLo: number; xHi: number } | null {
  const xs = chart.scales['x'];
  const ys = chart.scales['y'];
  if (!xs || !ys) return null;
  return { x: axisMap(xs), y: axisMap(ys), xLo: xs.min, xHi: xs.max };
}

function strokeLines(
  ctx: CanvasRenderingContext2D,
  lines: readonly DrawnLine[],
  m: NonNullable<ReturnType<typeof maps>>,
  { decimate, columns }: { decimate: boolean; columns: number },
) {
  // one path per colour and width: 1,000 lines share 144 colours
  const groups = new Map<string, DrawnLine[]>();
  const thick: DrawnLine[] = [];
  const dots: DrawnLine[] = [];
  for (const l of lines) {
    if (l.line.count === 1) dots.push(l);
    if (l.width !== 1) {
      thick.push(l);
      continue;
    }
    const group = groups.get(l.color);
    if (group) group.push(l);
    else groups.set(l.color, [l]);
  }
  const options = { ...m, decimate, columns };
  const stroke = (color: string, width: number, group: readonly DrawnLine[]) => {
    ctx.beginPath();
    for (const l of group) traceLine(ctx, l.line, options);
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    ctx.stroke();
  };
  ctx.lineJoin = 'round';
  for (const [color, group] of groups) stroke(color, 1, group);
  for (const l of thick) stroke(l.color, l.width, [l]);
  // a line of one point would be invisible
  for (const { color, line } of dots) {
    const i = line.ys.findIndex((v) => v !== null && v !== undefined);
    const px = m.x.a * (line.xs[i] as number) + m.x.b;
    const py = toPixel(m.y, line.ys[i] as number);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(px, py, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function fillBands(
  ctx: CanvasRenderingContext2D,
  bands: readonly DrawnBand[],
  m: NonNullable<ReturnType<typeof maps>>,
) {
  const at = { x: (epoch: number) => m.x.a * epoch + m.x.b, y: (v: number) => toPixel(m.y, v) };
  for (const { color, band } of bands) {
    ctx.beginPath();
    traceBand(ctx, band, at);
    ctx.fillStyle = color;
    ctx.fill();
  }
}

interface Marker {
  color: string;
  style: 'star' | 'circle';
  radius: number;
}

function marker(ctx: CanvasRenderingContext2D, { color, style, radius }: Marker, x: number, y: number) {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2;
  drawPoint(ctx, { pointStyle: style, radius, rotation: 0, borderWidth: 2 }, x, y);
  ctx.restore();
}

/** Draws the scene over what chart.js drew below the datasets (grid, axes). */
function drawScene(chart: Chart, scene: LineScene, hovered: Hovered | null, paintDensity: DensityPainter): void {
  const { ctx, chartArea } = chart;
  const m = maps(chart);
  if (!m) return;
  ctx.save();
  ctx.beginPath();
  // a line on the plot's edge (the last epoch, the highest value) is drawn whole, not halved
  ctx.rect(chartArea.left - 2, chartArea.top - 2, chartArea.width + 4, chartArea.height + 4);
  ctx.clip();
  if (scene.bands?.length) fillBands(ctx, scene.bands, m);
  if (scene.density) {
    paintDensity(ctx, chartArea, m, scene.density);
    // lines over a density get a white edge, so they stand out of it whatever their colour
    const edged = scene.lines.map((l) => ({ ...l, color: 'rgba(255,255,255,0.9)', width: l.width + 3 }));
    strokeLines(ctx, edged, m, { decimate: scene.decimate, columns: chartArea.width });
  }
  strokeLines(ctx, scene.lines, m, { decimate: scene.decimate, columns: chartArea.width });
  // a hovered line of the density is drawn over it, as a line
  const hoveredDense =
    hovered && !hovered.star && scene.density && !scene.lines.some((l) => l.id === hovered.id)
      ? scene.density.lines.find((l) => l.id === hovered.id)
      : undefined;
  if (hoveredDense) {
    const columns = chartArea.width;
    strokeLines(ctx, [{ ...hoveredDense, color: 'rgba(255,255,255,0.9)', width: 5 }], m, {
      decimate: scene.decimate,
      columns,
    });
    strokeLines(ctx, [{ ...hoveredDense, width: 2 }], m, { decimate: scene.decimate, columns });
  }
  ctx.restore();
  // markers are drawn whole where their point is on the plot
  const inside = (x: number, y: number) =>
    x >= chartArea.left - 0.5 && x <= chartArea.right + 0.5 && y >= chartArea.top - 0.5 && y <= chartArea.bottom + 0.5;
  if (scene.best) {
    const { best } = scene;
    const [x, y] = [m.x.a * best.epoch + m.x.b, toPixel(m.y, best.value)];
    if (inside(x, y)) marker(ctx, { color: best.color, style: 'star', radius: STAR_RADIUS }, x, y);
  }
  if (hovered && !hovered.star && inside(hovered.px, hovered.py)) {
    const line = sceneLine(scene, hovered.id);
    if (line) marker(ctx, { color: line.color, style: 'circle', radius: 4 }, hovered.px, hovered.py);
  }
}

export interface LinePlugin {
  plugin: Plugin<'line'>;
  /**
   * Draws the scene again over the axes of the last full draw, without chart.js: for new points
   * inside the axes' range (a live run's usual update). False when there is no such draw to reuse.
   */
  redrawLines(chart: Chart): boolean;
}

/**
 * Draws a metric chart's lines from typed columns under chart.js's axes, marks the best value with a
 * star, and answers the pointer: the nearest point (hover) and a click on a line.
 */
export function createLinePlugin(hooks: LinePluginHooks): LinePlugin {
  let hovered: Hovered | null = null;
  const paintDensity = createDensityPainter();
  /** The canvas as chart.js left it before the datasets: grid, ticks and labels of the last full draw. */
  let below: HTMLCanvasElement | null = null;
  let belowValid = false;
  const plugin: Plugin<'line'> = {
    id: 'mlboardLines',
    beforeUpdate() {
      belowValid = false;
    },
    resize() {
      belowValid = false;
    },
    beforeDatasetsDraw(chart) {
      const { canvas } = chart;
      below ??= document.createElement('canvas');
      if (below.width !== canvas.width || below.height !== canvas.height) {
        below.width = canvas.width;
        below.height = canvas.height;
      }
      const b = below.getContext('2d');
      if (b) {
        b.clearRect(0, 0, below.width, below.height);
        b.drawImage(canvas, 0, 0);
        belowValid = true;
      }
      drawScene(chart, hooks.scene(), hovered, paintDensity);
    },
    afterDraw(chart) {
      hooks.drawn(chart);
    },
    afterEvent(chart, args) {
      const { event } = args;
      if (event.x === null || event.y === null || event.type === 'mouseout' || !args.inChartArea) {
        if (hovered) {
          hovered = null;
          hooks.hover(null);
          args.changed = true;
        }
        return;
      }
      const m = maps(chart);
      if (!m) return;
      const scene = hooks.scene();
      if (event.type === 'click') {
        const hit = nearestInScene(scene, m, [event.x, event.y], HIT_RADIUS);
        if (hit) hooks.click(hit.id);
        return;
      }
      if (event.type !== 'mousemove') return;
      let hit: Hovered | null = null;
      const { best } = scene;
      if (best) {
        const px = m.x.a * best.epoch + m.x.b;
        const py = toPixel(m.y, best.value);
        const distance = Math.hypot(px - event.x, py - event.y);
        if (distance <= STAR_RADIUS) hit = { id: best.experimentId, index: -1, px, py, distance, star: true };
      }
      if (!hit) {
        const near = nearestInScene(scene, m, [event.x, event.y]);
        if (near) hit = { ...near, star: false };
      }
      const canvas = chart.canvas;
      canvas.style.cursor = hit && hit.distance <= HIT_RADIUS ? 'pointer' : 'default';
      if (hit?.id === hovered?.id && hit?.index === hovered?.index && hit?.star === hovered?.star) return;
      hovered = hit;
      hooks.hover(hit);
      args.changed = true;
    },
  };
  return {
    plugin,
    redrawLines(chart) {
      const { canvas, ctx } = chart;
      if (!below || !belowValid || below.width !== canvas.width || below.height !== canvas.height) return false;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(below, 0, 0);
      ctx.restore();
      drawScene(chart, hooks.scene(), hovered, paintDensity);
      hooks.drawn(chart);
      return true;
    },
  };
}
