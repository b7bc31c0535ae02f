/**
 * What a benchmark or an end-to-end test needs to know without guessing, kept on
 * `window.__mlboard`:
 * - `events`: events the page has applied (the worker's folded count, summed);
 * - `historyDoneAt`: `performance.now()` when the stored history was folded and applied;
 * - `draws`, `lastDrawAt`: chart draws so far and when the last one ended;
 * - `queuedDraws`, `drawMs`: chart updates run by the draw queue and the time they took;
 * - `linesOnly`: of those, the ones that drew only the lines over the axes of the chart's last full draw;
 * - `connectedAt`: when the socket worker first connected;
 * - `posts`: per data post of the socket worker `[receivedAt, applyMs, events]`;
 * - `timeline`: when the worker got the first history chunk and the history's end, and its folding time;
 *   `snapshot`: when the grid search's snapshot was read, how long fetching and reading it took, and the
 *   events it held (null when the history was folded from the start).
 * Each chart canvas also carries `data-lines` and `data-points` (lines and points in its data,
 * before decimation; a grouped chart's lines are its groups' means), `data-bands` (groups' bands) and
 * `data-axes` (`{x: [a, b], y: [a, b, log]}`: pixel = a × value + b, of log10(value) on a log axis),
 * `data-drawn-at` (`performance.now()` of its last draw), and every draw dispatches a `mlboard:drawn` window event whose detail is
 * `{ key, counts: [[experimentId, points], …] }`.
 */
export interface MlboardHooks {
  events: number;
  historyDoneAt: number | null;
  draws: number;
  lastDrawAt: number | null;
  queuedDraws: number;
  linesOnly: number;
  drawMs: number;
  connectedAt: number | null;
  posts: Array<[number, number, number]>;
  timeline: {
    firstChunk: number;
    historyReceived: number;
    workerFoldMs: number;
    snapshot?: { at: number; ms: number; events: number } | null;
  } | null;
}

const fresh = (): MlboardHooks => ({
  events: 0,
  historyDoneAt: null,
  draws: 0,
  lastDrawAt: null,
  queuedDraws: 0,
  linesOnly: 0,
  drawMs: 0,
  connectedAt: null,
  posts: [],
  timeline: null,
});

declare global {
  interface Window {
    __mlboard?: MlboardHooks;
  }
}

export function perfHooks(): MlboardHooks {
  if (typeof window === 'undefined') return fresh();
  return (window.__mlboard ??= fresh());
}

/** Records one chart draw on its canvas and on `window.__mlboard`. */
export function chartDrawn(
  canvas: HTMLCanvasElement,
  key: string,
  counts: Array<[number, number]>,
  extra: { bands?: number; axes?: { x: [number, number]; y: [number, number, boolean] } } = {},
): void {
  let points = 0;
  for (const c of counts) points += c[1];
  canvas.dataset['lines'] = String(counts.length);
  canvas.dataset['points'] = String(points);
  canvas.dataset['bands'] = String(extra.bands ?? 0);
  canvas.dataset['drawnAt'] = String(performance.now());
  if (extra.axes) canvas.dataset['axes'] = JSON.stringify(extra.axes);
  const hooks = perfHooks();
  hooks.draws++;
  hooks.lastDrawAt = performance.now();
  window.dispatchEvent(new CustomEvent('mlboard:drawn', { detail: { key, counts } }));
}
