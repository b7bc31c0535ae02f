/**
 * One queue of chart redraws for the whole page, run in animation frames. A chart asks for a redraw
 * as often as data arrives; the queue keeps only its latest request and decides when:
 * - a frame runs redraws until its budget is spent (at least one), charts on screen first;
 * - a chart on screen redraws at most every MIN_INTERVAL_MS, and redraws of charts already drawn
 *   take at most DRAW_SHARE of the page's time (a budget refilled as time passes), so however fast
 *   data comes the page stays responsive and redraws simply get rarer;
 * - a chart off screen redraws at most every OFFSCREEN_INTERVAL_MS, and only in frames that have
 *   nothing on screen to draw (it is complete again as soon as it scrolls into view).
 * A burst of data therefore costs a few short frames instead of one long task, and the page never
 * falls behind: it has at most one pending redraw per chart.
 */

import { perfHooks } from '../../shared/perfHooks';

/**
 * Redraws one frame may run. Large enough that the charts on screen that one data post touched draw
 * in the same frame: each frame that changes a canvas costs the page a commit and a composite, so
 * one longer frame was cheaper than the same draws spread over several.
 */
const FRAME_BUDGET_MS = 40;
/**
 * A frame's budget for the redraws of a catch-up (see catchUp): when the history has just been
 * applied, the charts drew one per frame, and each frame's commit and composite came on top.
 */
const CATCH_UP_FRAME_BUDGET_MS = 150;
const MIN_INTERVAL_MS = 100;
const OFFSCREEN_INTERVAL_MS = 2000;
const DRAW_SHARE = 0.4;
/** The most drawing time saved up while nothing needed drawing. */
const MAX_SAVED_MS = 60;

interface Job {
  draw: () => void;
  visible: () => boolean;
}

const jobs = new Map<object, Job>();
/** When each chart last drew (none: never drawn). */
const history = new WeakMap<object, number>();
let frameRequested = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Infinity;
let saved = MAX_SAVED_MS;
let refilledAt = 0;

function refill(now: number): void {
  saved = Math.min(MAX_SAVED_MS, saved + (now - refilledAt) * DRAW_SHARE);
  refilledAt = now;
}

const nextFrame = (run: () => void) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : setTimeout(run, 16);

/** Charts whose next redraw runs as soon as frames allow, as a first draw does (see catchUp). */
const urgent = new WeakSet<object>();
/** Until then, a chart that asks for a redraw joins `urgent`. */
let catchUpUntil = 0;

/** When a chart may redraw next (its first draw, or an urgent one: at once). */
function dueAt(owner: object, visible: boolean): number {
  const lastAt = history.get(owner);
  if (lastAt === undefined || urgent.has(owner)) return 0;
  const paced = lastAt + (visible ? MIN_INTERVAL_MS : OFFSCREEN_INTERVAL_MS);
  // a redraw waits for the budget too; a chart's first draw does not (until then it shows nothing)
  return saved > 0 ? paced : Math.max(paced, refilledAt - saved / DRAW_SHARE);
}

function run(owner: object, job: Job): void {
  jobs.delete(owner);
  const wasUrgent = urgent.delete(owner);
  const start = performance.now();
  job.draw();
  const end = performance.now();
  if (history.has(owner) && !wasUrgent) saved -= end - start;
  history.set(owner, end);
  const hooks = perfHooks();
  hooks.drawMs += end - start;
  hooks.queuedDraws++;
}

function runFrame(): void {
  frameRequested = false;
  const start = performance.now();
  refill(start);
  const onScreen: Array<[object, Job]> = [];
  const offScreen: Array<[object, Job]> = [];
  for (const entry of jobs) {
    const visible = entry[1].visible();
    if (dueAt(entry[0], visible) <= start) (visible ? onScreen : offScreen).push(entry);
  }
  const spent = (owner: object) =>
    performance.now() - start > (urgent.has(owner) ? CATCH_UP_FRAME_BUDGET_MS : FRAME_BUDGET_MS);
  for (const [owner, job] of onScreen) {
    if (spent(owner)) break;
    if (saved <= 0 && history.has(owner) && !urgent.has(owner)) continue;
    run(owner, job);
  }
  // off-screen charts only in a frame with nothing on screen left to draw
  if (onScreen.every(([owner]) => !jobs.has(owner))) {
    for (const [owner, job] of offScreen) {
      if (spent(owner)) break;
      if (saved <= 0 && history.has(owner) && !urgent.has(owner)) continue;
      run(owner, job);
    }
  }
  if (!jobs.size) return;
  const now = performance.now();
  let wait = Infinity;
  for (const [owner, job] of jobs) wait = Math.min(wait, dueAt(owner, job.visible()) - now);
  schedule(Math.max(1, wait));
}

function schedule(waitMs = 0): void {
  if (frameRequested) return;
  if (waitMs <= 0) {
    clearTimeout(timer);
    timerAt = Infinity;
    frameRequested = true;
    nextFrame(runFrame);
    return;
  }
  const at = performance.now() + waitMs;
  if (at >= timerAt) return;
  clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(() => {
    timerAt = Infinity;
    schedule();
  }, waitMs);
}

/** Asks for `draw` to run in a coming frame; a later request of the same owner replaces it. */
export function requestDraw(owner: object, draw: () => void, visible: () => boolean): void {
  jobs.set(owner, { draw, visible });
  if (performance.now() < catchUpUntil) urgent.add(owner);
  refill(performance.now());
  schedule(dueAt(owner, visible()) - performance.now());
}

/** Looks at the pending redraws again now (a chart came into view and moves ahead). */
export function wakeDrawQueue(): void {
  if (jobs.size) schedule();
}

/**
 * The stored history has just been applied: every chart with a pending redraw, and every chart that
 * asks for one in the next `ms`, redraws once as soon as frames allow, unpaced and outside the redraw
 * budget, as its first draw would. The budget keeps a live page responsive; at the end of a page
 * load it only made a person wait for the last charts.
 */
export function catchUp(ms = 500): void {
  catchUpUntil = performance.now() + ms;
  for (const owner of jobs.keys()) urgent.add(owner);
  if (jobs.size) schedule();
}

/** Forgets a pending redraw (the chart went away). */
export function cancelDraw(owner: object): void {
  jobs.delete(owner);
}
