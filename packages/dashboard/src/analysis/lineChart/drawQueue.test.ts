import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The queue keeps module state (one queue per page): a fresh module per test.
async function freshQueue() {
  vi.resetModules();
  return import('./drawQueue');
}

type Queue = Awaited<ReturnType<typeof freshQueue>>;

/**
 * `count` charts on screen, drawn once, whose draws each take `drawMs`; `at` records when each draw
 * starts, `redrawAll` asks every chart for a redraw.
 */
async function drawnCharts(requestDraw: Queue['requestDraw'], count: number, drawMs: number) {
  const charts = Array.from({ length: count }, () => ({}));
  const at: number[] = [];
  const draw = () => {
    at.push(performance.now());
    vi.advanceTimersByTime(drawMs);
  };
  const redrawAll = () => {
    for (const c of charts) requestDraw(c, draw, () => true);
  };
  redrawAll();
  await vi.advanceTimersByTimeAsync(2000);
  return { at, redrawAll };
}

describe('draw queue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws the latest request once, charts on screen before those off screen', async () => {
    const { requestDraw } = await freshQueue();
    const drawn: string[] = [];
    const onScreen = {};
    const offScreen = {};
    requestDraw(
      offScreen,
      () => drawn.push('off'),
      () => false,
    );
    requestDraw(
      onScreen,
      () => drawn.push('on v1'),
      () => true,
    );
    requestDraw(
      onScreen,
      () => drawn.push('on v2'),
      () => true,
    );
    await vi.advanceTimersByTimeAsync(20);
    expect(drawn).toEqual(['on v2', 'off']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(drawn).toEqual(['on v2', 'off']);
  });

  it('paces the redraws of a chart already drawn, so a stream of data cannot keep the page busy', async () => {
    const { requestDraw } = await freshQueue();
    const owner = {};
    let drawing = 0;
    const draw = () => {
      drawing += 100;
      vi.advanceTimersByTime(100); // a draw that takes 100 ms
    };
    requestDraw(owner, draw, () => true);
    await vi.advanceTimersByTimeAsync(20);
    expect(drawing).toBe(100);
    // a new point every 10 ms for 10 s
    const start = performance.now();
    drawing = 0;
    for (let t = 0; t < 10_000; t += 10) {
      requestDraw(owner, draw, () => true);
      await vi.advanceTimersByTimeAsync(10);
    }
    const share = drawing / (performance.now() - start);
    // the chart kept up (redrawn every few hundred ms) with at most 40 % of the time spent drawing
    expect(drawing).toBeGreaterThanOrEqual(1500);
    expect(share).toBeLessThanOrEqual(0.41);
    const before = drawing;
    await vi.advanceTimersByTimeAsync(5000);
    expect(drawing).toBe(before + 100); // the last request, once
    await vi.advanceTimersByTimeAsync(5000);
    expect(drawing).toBe(before + 100);
  });

  it('after catchUp every chart redraws at once, outside the budget; later redraws are paced again', async () => {
    const { catchUp, requestDraw } = await freshQueue();
    const { at, redrawAll } = await drawnCharts(requestDraw, 6, 100); // each draw takes 100 ms
    expect(at).toHaveLength(6); // first draws
    // the history's end: every chart has new data; paced, six 100 ms redraws would take 1.5 s
    at.length = 0;
    const start = performance.now();
    catchUp();
    redrawAll();
    await vi.advanceTimersByTimeAsync(700);
    expect(at).toHaveLength(6);
    expect(Math.max(...at) - start).toBeLessThan(700);
    // the catch-up is over: a burst of redraws is paced by the budget again
    at.length = 0;
    await vi.advanceTimersByTimeAsync(1000);
    const again = performance.now();
    redrawAll();
    await vi.advanceTimersByTimeAsync(600);
    expect(at.length).toBeLessThan(6);
    expect(at.every((t) => t >= again)).toBe(true);
  });

  it('a catch-up draws its charts back to back, not one per frame', async () => {
    const { catchUp, requestDraw } = await freshQueue();
    const { at, redrawAll } = await drawnCharts(requestDraw, 5, 30); // each draw takes 30 ms
    at.length = 0;
    catchUp();
    redrawAll();
    await vi.advanceTimersByTimeAsync(500);
    expect(at).toHaveLength(5);
    // one frame: each draw starts as the one before ends
    expect(at.slice(1).map((t, i) => t - (at[i] as number))).toEqual([30, 30, 30, 30]);
  });

  it('forgets a cancelled request', async () => {
    const { cancelDraw, requestDraw } = await freshQueue();
    const owner = {};
    const draw = vi.fn();
    requestDraw(owner, draw, () => true);
    cancelDraw(owner);
    await vi.advanceTimersByTimeAsync(100);
    expect(draw).not.toHaveBeenCalled();
  });
});
