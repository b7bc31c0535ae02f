import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stack } from './mlboardHarness.js';
import { launchChromium, openPage, startStack } from './mlboardHarness.js';

// What is drawn for a grid search of 50 experiments × 50 epochs (the small case of `npm run bench:board`):
// the count of charts, lines per chart and points per line, read from the page's documented hooks.
const GS = 'scale-50x50';
const EXPERIMENTS = 50;
const EPOCHS = 50;
const SPLITS = ['train', 'val'];
const METRICS = ['accuracy', 'auroc'];
const KEYS = SPLITS.flatMap((s) => [...METRICS, 'cross_entropy_loss'].map((t) => `${s}_${t}`)).sort();

function writeLog(storage: string): void {
  const lines: string[] = [];
  const push = (event_type: string, payload: object) =>
    lines.push(JSON.stringify({ event_type, creation_ts: lines.length, payload }));
  const evaluation = (id: number, epoch: number, score: number) =>
    push('evaluation_result', {
      grid_search_id: GS,
      experiment_id: id,
      epoch,
      metric_scores: SPLITS.flatMap((split) => METRICS.map((metric) => ({ metric, split, score }))),
      loss_scores: SPLITS.map((split) => ({ loss: 'cross_entropy_loss', split, score: 1 - score })),
    });
  for (let id = 0; id < EXPERIMENTS; id++) {
    const config = { optimizer: { config: { params: { lr: [0.1, 0.01][id % 2] } } } };
    push('experiment_config', { grid_search_id: GS, experiment_id: id, job_id: id, config });
    for (let epoch = 0; epoch < EPOCHS; epoch++) evaluation(id, epoch, 0.5 + (id + epoch) / 1000);
  }
  // a warm-started experiment re-sends epochs it already had: values replaced, no extra points
  for (let epoch = 40; epoch < EPOCHS; epoch++) evaluation(7, epoch, 0.9);
  mkdirSync(join(storage, GS), { recursive: true });
  writeFileSync(join(storage, GS, 'event_storage.log'), lines.join('\n') + '\n');
}

describe('MLboard draws every point of a 50 × 50 grid search', { timeout: 90_000 }, () => {
  let storage: string;
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    storage = mkdtempSync(join(tmpdir(), 'mlboard-scale-'));
    writeLog(storage);
    [stack, browser] = await Promise.all([startStack(storage, { runId: GS }), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  it('one chart per series, one line per experiment, one point per epoch', async () => {
    const { page, errors } = await openPage(browser);
    // the last draw of each chart, as the page reports it (see packages/dashboard/src/shared/perfHooks.ts)
    await page.addInitScript(() => {
      const last: Record<string, Array<[number, number]>> = {};
      (window as unknown as { __lastDraw: typeof last }).__lastDraw = last;
      addEventListener('mlboard:drawn', (e) => {
        const { key, counts } = (e as CustomEvent<{ key: string; counts: Array<[number, number]> }>).detail;
        last[key] = counts;
      });
    });
    await page.goto(stack.board.url);
    await page.waitForFunction(
      ({ charts, points }) => {
        const canvases = [...document.querySelectorAll<HTMLCanvasElement>('canvas[role="img"]')];
        return canvases.length === charts && canvases.every((c) => c.dataset['points'] === String(points));
      },
      { charts: KEYS.length, points: EXPERIMENTS * EPOCHS },
      { timeout: 60_000, polling: 100 },
    );
    const canvases = await page
      .locator('canvas[role="img"]')
      .evaluateAll((els) =>
        els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', lines: e.getAttribute('data-lines') })),
      );
    expect(canvases.map((c) => c.label.split(':')[0]).sort()).toEqual(KEYS);
    for (const c of canvases) {
      expect(c.lines).toBe(String(EXPERIMENTS));
      expect(c.label).toContain(`${EXPERIMENTS} experiments`);
    }
    const draws = await page.evaluate(() => (window as unknown as { __lastDraw: object }).__lastDraw);
    const everyLine = Array.from({ length: EXPERIMENTS }, (_, id) => [id, EPOCHS]);
    expect(draws).toEqual(Object.fromEntries(KEYS.map((k) => [k, everyLine])));
    const hooks = await page.evaluate(
      () => (window as unknown as { __mlboard?: { events: number; historyDoneAt: number | null } }).__mlboard,
    );
    expect(hooks?.events).toBe(EXPERIMENTS * (EPOCHS + 1) + 10);
    expect(hooks?.historyDoneAt).toBeGreaterThan(0);
    // the re-sent epochs' values replaced the old ones: experiment 7's best is its re-sent 0.9
    await expect
      .poll(() => page.getByText(/★ Best \(highest\): experiment_7 = 0\.9 at epoch/).count(), { timeout: 10_000 })
      .toBe(SPLITS.length * METRICS.length);
    expect(errors).toEqual([]);
  });
});
