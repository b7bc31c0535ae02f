import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import type { RunSummary } from '@mlgym/core';
import { repo } from './helpers.js';
import { gridCell, launchChromium, openPage, screenshot, startStack } from './mlboardHarness.js';
import type { Stack } from './mlboardHarness.js';

// MLboard over a real adaptive search (successive halving, 9 learning rates, rungs at 1 and 3 epochs), in
// Debian's Chromium: the Search page's ladder, the table's status of a stopped trial, the sweep coloured by rung.

const GS = 'search-e2e';
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

let storage: string;
let summary: RunSummary;
let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-board-search-'));
  storage = join(dir, 'store');
  const fixture = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
  const lrs = Array.from({ length: 9 }, (_, i) => Number((0.0005 * 1.6 ** i).toPrecision(3)));
  writeFileSync(
    join(dir, 'gs.yml'),
    fixture.replace('params: {lr: 0.01}', `params: {lr: {sweep: absolute, values: [${lrs.join(', ')}]}}`),
  );
  writeFileSync(
    join(dir, 'run.yml'),
    `run_configuration: {type: train, config: {num_epochs: 3, num_batches_per_epoch: 3, gs_config_path: gs.yml, search: {algorithm: successive_halving, metric: val/F1_SCORE_macro, mode: max}}}\n` +
      `environment: {type: main_process, config: {backend: wasm}}\nlogging: {event_storage_path: ${storage}}\n`,
  );
  summary = await runFromRunConfig(loadRunConfig(join(dir, 'run.yml')), { gridSearchId: GS });
  stack = await startStack(storage, { runId: GS });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await stack?.stop();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openPage(browser);
  contexts.push(context);
  const query = new URLSearchParams({
    run_id: GS,
    ws_endpoint: `http://127.0.0.1:${stack.ws.port}`,
    rest_endpoint: `http://127.0.0.1:${stack.rest.port}`,
  });
  await page.goto(`${stack.board.origin}${path}?${query}`);
  return { page, errors };
}

describe('MLboard over an adaptive search', () => {
  it('the Search page shows the ladder: rungs across, trials down, promoted and stopped, as the search decided', async () => {
    const { page, errors } = await open('/search');
    await poll(() =>
      page.getByRole('heading', { name: 'successive_halving on val/F1_SCORE_macro (max)' }).count(),
    ).toBe(1);
    await poll(() => page.getByTestId('search-summary').textContent()).toBe(
      '9 of 9 trials: 0 running, 3 completed, 6 stopped, 0 failed',
    );
    await poll(() => page.getByTestId('search-budget').textContent()).toBe(
      '15 epochs trained of at most 15; the full grid: 27',
    );
    const ladder = page.getByRole('table', { name: 'Ladder of bracket 0' });
    await poll(() => ladder.getByRole('columnheader').allTextContents()).toEqual([
      'Trial',
      'Rung 0 · 1 ep (9/9)',
      'Rung 1 · 3 ep (3/3)',
      'Status',
    ]);
    const rows = ladder.locator('tbody tr');
    await poll(() => rows.count()).toBe(9);
    // Best first: the three that completed, then the stopped ones by their rung-0 score.
    const trials = summary.search!.trials;
    const completed = trials
      .filter((t) => t.status === 'completed')
      .sort((a, b) => (b.score as number) - (a.score as number));
    const first = rows.first();
    await poll(() => first.locator('td').first().textContent()).toBe(`trial ${completed[0]!.trialId}`);
    await poll(() =>
      first.locator('td[data-state]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-state'))),
    ).toEqual(['promoted', 'completed']);
    const stopped = trials.find((t) => t.status === 'stopped')!;
    const row = ladder.locator(`tr[data-trial="${stopped.trialId}"]`);
    const cut = stopped.last!.cutoff!.toFixed(4);
    await poll(() => row.locator('td').last().textContent()).toBe(
      `stopped at epoch 1 (rung 0: ${(stopped.score as number).toFixed(4)} < cut-off ${cut})`,
    );
    await poll(() => row.locator('td[data-state="stopped"]').textContent()).toBe(
      `${(stopped.score as number).toFixed(4)} (cut-off ${cut})`,
    );
    await poll(() => page.getByTestId('search-best').textContent()).toContain(`trial ${summary.search!.best!.trialId}`);
    await screenshot(page, 'search-ladder');
    expect(errors).toEqual([]);
  }, 90_000);

  it("the table's status says where a stopped trial stopped, and why", async () => {
    const { page, errors } = await open('/dashboard');
    const stopped = summary.search!.trials.find((t) => t.status === 'stopped')!;
    const id = stopped.experimentIds[0]!;
    const status = await gridCell(page.locator(`[role="row"][row-id="${id}"]`), 'status');
    await poll(() => status.textContent()).toBe(
      `stopped at epoch 1 (rung 0: ${(stopped.score as number).toFixed(4)} < cut-off ${stopped.last!.cutoff!.toFixed(4)})`,
    );
    const done = summary.search!.trials.find((t) => t.status === 'completed')!;
    await poll(async () =>
      (await gridCell(page.locator(`[role="row"][row-id="${done.experimentIds[0]}"]`), 'status')).textContent(),
    ).toBe('COMPLETED');
    expect(errors).toEqual([]);
  }, 90_000);

  it('the sweep colours its lines by the rung each trial reached', async () => {
    const { page, errors } = await open('/sweep');
    const line = (id: number) => page.locator(`[data-experiment="${id}"]`);
    const done = summary.search!.trials.find((t) => t.status === 'completed')!.experimentIds[0]!;
    const stopped = summary.search!.trials.find((t) => t.status === 'stopped')!.experimentIds[0]!;
    await poll(() => line(done).count()).toBe(1);
    const before = await line(stopped).getAttribute('stroke');
    await page.getByRole('button', { name: 'Colour by rung reached' }).click();
    await poll(() => line(stopped).getAttribute('stroke')).toBe('#bdbdbd');
    await poll(() => line(done).getAttribute('stroke')).toBe('#90caf9');
    expect(before).not.toBe('#bdbdbd');
    await poll(() => page.getByLabel('Rung colours').textContent()).toBe('rung 0 (1 epochs)rung 1 (3 epochs)');
    expect(errors).toEqual([]);
  }, 90_000);
});
