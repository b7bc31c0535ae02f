import { BAND_QUANTILES, densityPixels, lineDensity, quantileBands } from './densityLayer';
import type { QuantileBands } from './densityLayer';
import { toPixel } from './lineLayer';
import type { AxisMap, DrawnLine, PreparedLine } from './lineLayer';

/** Lines a chart draws as a density image with quantile bands instead of one stroke each. */
export interface DensityScene {
  lines: DrawnLine[];
  /**
   * The density is of experiments a filter left out, behind the chart's own lines (which are then
   * its experiments); otherwise the density is the chart's experiments.
   */
  context?: boolean;
}

interface Area {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The density's cells are this many pixels wide (and one high). */
const CELL_WIDTH = 2;
const BAND_OUTER = 'rgba(8, 48, 107, 0.10)';
const BAND_INNER = 'rgba(8, 48, 107, 0.16)';
const MEDIAN = 'rgba(8, 48, 107, 0.95)';

/** Fills the band between two quantiles' values (indices into BAND_QUANTILES). */
function fillBand(
  ctx: CanvasRenderingContext2D,
  bands: QuantileBands,
  m: { x: AxisMap; y: AxisMap },
  { low, high, color }: { low: number; high: number; color: string },
) {
  const px = (x: number) => m.x.a * x + m.x.b;
  ctx.beginPath();
  bands.xs.forEach((x, j) => ctx.lineTo(px(x), toPixel(m.y, bands.values[high]![j]!)));
  for (let j = bands.xs.length - 1; j >= 0; j--) ctx.lineTo(px(bands.xs[j]!), toPixel(m.y, bands.values[low]![j]!));
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.fill();
}

/**
 * Paints a density scene under a chart's lines: the lines' density (DenseLines), their 5–95 % and
 * 25–75 % bands and their median. What it computed is kept while the lines and the axes stay the same,
 * so hovering (which redraws the chart) costs a copy of the image.
 */
export function createDensityPainter() {
  let key: unknown[] = [];
  let drawnLines: readonly PreparedLine[] = [];
  let image: HTMLCanvasElement | null = null;
  let bands: QuantileBands = { xs: [], values: [] };
  return function paint(
    ctx: CanvasRenderingContext2D,
    area: Area,
    m: { x: AxisMap; y: AxisMap },
    scene: DensityScene,
  ): void {
    const width = Math.max(1, Math.floor(area.width));
    const height = Math.max(1, Math.floor(area.height));
    const next = [m.x.a, m.x.b, m.y.a, m.y.b, m.y.log, width, height, area.left, area.top];
    // Prepared lines are the same objects while their points are (prepareLine keeps them): a new scene
    // of the same lines (a filter cleared, whose density was the context behind its lines) draws the
    // image it has instead of computing it again.
    const lines = scene.lines.map((l) => l.line);
    const same = lines.length === drawnLines.length && lines.every((l, i) => l === drawnLines[i]);
    if (!same || next.some((v, i) => v !== key[i]) || !image) {
      key = next;
      drawnLines = lines;
      // cells CELL_WIDTH pixels wide: half the work, and 50 epochs still span hundreds of them
      const columns = Math.ceil(width / CELL_WIDTH);
      const x = { a: m.x.a / CELL_WIDTH, b: (m.x.b - area.left) / CELL_WIDTH, log: false };
      const density = lineDensity(lines, { x, y: m.y, left: 0, top: area.top, width: columns, height });
      image ??= document.createElement('canvas');
      image.width = columns;
      image.height = height;
      image.getContext('2d')?.putImageData(new ImageData(densityPixels(density), columns, height), 0, 0);
      bands = quantileBands(lines);
    }
    ctx.drawImage(image, area.left, area.top, image.width * CELL_WIDTH, height);
    if (bands.xs.length === 0) return;
    const q = (p: number) => BAND_QUANTILES.indexOf(p as (typeof BAND_QUANTILES)[number]);
    fillBand(ctx, bands, m, { low: q(0.05), high: q(0.95), color: BAND_OUTER });
    fillBand(ctx, bands, m, { low: q(0.25), high: q(0.75), color: BAND_INNER });
    ctx.beginPath();
    bands.xs.forEach((x, j) => ctx.lineTo(m.x.a * x + m.x.b, toPixel(m.y, bands.values[q(0.5)]![j]!)));
    ctx.lineWidth = 2;
    ctx.strokeStyle = MEDIAN;
    ctx.setLineDash([6, 3]);
    ctx.stroke();
    ctx.setLineDash([]);
  };
}
