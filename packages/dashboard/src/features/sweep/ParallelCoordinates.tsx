import { isolateBidi } from '../../shared/isolateBidi';
import { useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { experimentColor } from '../../analysis/experimentColor';
import type { Axis, Brush, ParallelData } from '../../analysis/parallelData';
import { axisPosition, brushFromPositions } from '../../analysis/parallelData';

const WIDTH = 1000;
const HEIGHT = 420;
const TOP = 48;
const BOTTOM = 36;
const SIDE = 120;
const PLOT = HEIGHT - TOP - BOTTOM;

function label(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function ticks(axis: Axis): Array<{ p: number; text: string }> {
  if (axis.kind === 'categorical') return axis.categories.map((c) => ({ p: axisPosition(axis, c) ?? 0, text: c }));
  if (axis.min === axis.max) return [{ p: 0.5, text: label(axis.min) }];
  return [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const v = axis.log
      ? Math.exp(Math.log(axis.min) + p * (Math.log(axis.max) - Math.log(axis.min)))
      : axis.min + p * (axis.max - axis.min);
    return { p, text: label(v) };
  });
}

/** The span (positions 0–1) a stored brush covers on its axis. */
function brushSpan(axis: Axis, brush: Brush): [number, number] | null {
  if (brush.kind === 'set') {
    const ps = brush.values.map((v) => axisPosition(axis, v)).filter((p): p is number => p !== null);
    if (!ps.length) return null;
    const pad = axis.categories.length > 1 ? 0.5 / (axis.categories.length - 1) : 0.5;
    return [Math.max(0, Math.min(...ps) - pad / 2), Math.min(1, Math.max(...ps) + pad / 2)];
  }
  const lo = axisPosition(axis, brush.min);
  const hi = axisPosition(axis, brush.max);
  return lo === null || hi === null ? null : [lo, hi];
}

const yOf = (p: number) => TOP + (1 - p) * PLOT;

/**
 * Parallel coordinates in SVG: one vertical axis per swept hyper-parameter plus the metric, one
 * polyline per experiment. Dragging along an axis brushes it; a click on an axis clears its brush.
 */
export function ParallelCoordinates({
  data,
  brushes,
  selected,
  onBrush,
  colorOf = experimentColor,
}: {
  data: ParallelData;
  brushes: Record<string, Brush>;
  /** Experiments passing every filter (null: all). */
  selected: ReadonlySet<number> | null;
  onBrush: (axis: string, brush: Brush | null) => void;
  /** A line's colour (default: the experiment's colour everywhere). */
  colorOf?: (experimentId: number) => string;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ axis: string; from: number; to: number } | null>(null);
  const n = data.axes.length;
  const xOf = (i: number) => (n === 1 ? WIDTH / 2 : SIDE + (i * (WIDTH - 2 * SIDE)) / (n - 1));
  const position = (e: ReactPointerEvent) => {
    const m = svg.current?.getScreenCTM();
    if (!m) return 0;
    const y = (e.clientY - m.f) / m.d;
    return Math.min(1, Math.max(0, 1 - (y - TOP) / PLOT));
  };
  const finish = (axis: Axis) => {
    if (!drag || drag.axis !== axis.id) return;
    const moved = Math.abs(drag.to - drag.from) * PLOT >= 4;
    onBrush(axis.id, moved ? brushFromPositions(axis, drag.from, drag.to) : null);
    setDrag(null);
  };
  return (
    <svg
      ref={svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="img"
      aria-label={`Parallel coordinates: ${n} axes, ${data.lines.length} experiments`}
      data-testid="parallel-coordinates"
      style={{ fontFamily: 'system-ui, sans-serif', touchAction: 'none', userSelect: 'none', background: '#fff' }}
    >
      {data.lines.map((line) => {
        const inside = !selected || selected.has(line.experimentId);
        const segments: string[] = [];
        let path = '';
        data.axes.forEach((axis, i) => {
          const p = axisPosition(axis, line.values[axis.id] ?? null);
          if (p === null) {
            if (path) segments.push(path);
            path = '';
            return;
          }
          path += `${path ? 'L' : 'M'} ${xOf(i).toFixed(1)} ${yOf(p).toFixed(1)} `;
        });
        if (path) segments.push(path);
        return (
          <path
            key={line.experimentId}
            d={segments.join(' ')}
            fill="none"
            stroke={inside ? colorOf(line.experimentId) : '#d5d9df'}
            strokeWidth={inside ? 2 : 1}
            opacity={inside ? 0.9 : 0.6}
            data-experiment={line.experimentId}
            data-selected={inside}
          >
            <title>{`experiment ${line.experimentId}`}</title>
          </path>
        );
      })}
      {data.axes.map((axis, i) => {
        const x = xOf(i);
        const brush = brushes[axis.id];
        const span =
          drag?.axis === axis.id
            ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]
            : brush
              ? brushSpan(axis, brush)
              : null;
        return (
          <g key={axis.id}>
            <line x1={x} x2={x} y1={TOP} y2={TOP + PLOT} stroke="#455a64" strokeWidth="1.5" />
            <text x={x} y={TOP - 26} textAnchor="middle" fontSize="13" fontWeight="600" fill="#263238">
              <title>{isolateBidi(axis.label)}</title>
              {isolateBidi(axis.label.length > 26 ? `…${axis.label.slice(-25)}` : axis.label)}
            </text>
            {axis.log && (
              <text x={x} y={TOP - 12} textAnchor="middle" fontSize="10" fill="#78909c">
                log scale
              </text>
            )}
            {ticks(axis).map((t) => (
              <text key={t.text} x={x - 6} y={yOf(t.p) + 4} textAnchor="end" fontSize="10" fill="#546e7a">
                {t.text}
              </text>
            ))}
            {span && (
              <rect
                x={x - 9}
                width={18}
                y={yOf(span[1] as number)}
                height={Math.max(2, ((span[1] as number) - (span[0] as number)) * PLOT)}
                fill="rgba(25, 118, 210, 0.25)"
                stroke="#1976d2"
                data-brush={axis.id}
              />
            )}
            <rect
              x={x - 16}
              width={32}
              y={TOP - 4}
              height={PLOT + 8}
              fill="transparent"
              style={{ cursor: 'ns-resize' }}
              data-axis={axis.id}
              aria-label={`Brush ${isolateBidi(axis.label)}`}
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                const p = position(e);
                setDrag({ axis: axis.id, from: p, to: p });
              }}
              onPointerMove={(e) => drag?.axis === axis.id && setDrag({ ...drag, to: position(e) })}
              onPointerUp={() => finish(axis)}
              onPointerCancel={() => setDrag(null)}
            />
          </g>
        );
      })}
    </svg>
  );
}
