import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The queue keeps module state (one queue per page): a fresh module per test.
async function freshQueue() {
  vi.resetModules();
  return import('./drawQueue');
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
