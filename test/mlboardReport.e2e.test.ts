import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { repo, until } from './helpers.js';
import type { Stack } from './mlboardHarness.js';
import { FIXTURE_GS, fixtureStorage, launchChromium, openPage, screenshot, startStack } from './mlboardHarness.js';

/** Annotations and system metrics added to the recorded grid search, so the report carries them too. */
function annotate(storage: string): void {
  const lines: unknown[] = [];
  const at = 1_796_000_000;
  for (let id = 0; id < 4; id++) {
    lines.push({
      event_type: 'annotation',
      creation_ts: 1,
      payload: { grid_search_id: FIXTURE_GS, experiment_id: id, add_tags: [id % 2 ? 'lr-0.01' : 'lr-0.001'], time: at },
    });
    for (let s = 0; s < 5; s++) {
      lines.push({
        event_type: 'system_metrics',
        creation_ts: 2,
        payload: {
          grid_search_id: FIXTURE_GS,
          experiment_id: id,
          time: at + id * 60 + s * 10,
          cpu_percent: 90 + s + id,
          rss_bytes: 2.5e8 + s * 1e7 + id * 1e6,
          heap_used_bytes: 4e7,
          tensors: 30 + s,
          tensor_bytes: 1e6,
          backend: 'wasm',
          threads: 2,
          load_1m: 1.5,
          free_memory_bytes: 8e9,
        },
      });
    }
  }
  lines.push({
    event_type: 'annotation',
    creation_ts: 3,
    payload: {
      grid_search_id: FIXTURE_GS,
      experiment_id: null,
      add_tags: ['tabular'],
      note: 'Churn, **2 × 2** grid.',
      note_base: null,
      author: 'ann',
      time: at,
    },
  });
  const log = join(storage, FIXTURE_GS, 'event_storage.log');
  appendFileSync(log, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** The table as its Export CSV writes it: every row and column, as a person would compare them. */
async function tableCsv(page: Page): Promise<string> {
  await page.locator('[role="row"][row-id="3"]').first().waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  return readFileSync(await (await download).path(), 'utf8');
}

/** Every chart's lines and points (as drawn: `data-lines`, `data-points`), each scrolled into view until drawn. */
async function chartCounts(page: Page): Promise<Record<string, string>> {
  const canvases = page.locator('canvas[aria-label]');
  await canvases.first().waitFor();
  const counts: Record<string, string> = {};
  for (let i = 0; i < (await canvases.count()); i++) {
    const canvas = canvases.nth(i);
    await canvas.scrollIntoViewIfNeeded();
    await until(async () => (await canvas.getAttribute('data-points')) !== null, 15_000, 'a chart drawn');
    counts[(await canvas.getAttribute('aria-label')) ?? `chart ${i}`] =
      `${await canvas.getAttribute('data-lines')} lines, ${await canvas.getAttribute('data-points')} points`;
  }
  return counts;
}

/** What a page shows of the grid search: the table, the charts with the system charts on. */
async function whatItShows(page: Page, open: (path: string) => Promise<unknown>) {
  await open('/dashboard');
  const csv = await tableCsv(page);
  await open('/');
  await page.getByLabel('System charts').check();
  await page.getByTestId('system-charts').waitFor();
  const charts = await chartCounts(page);
  return { csv, charts };
}

describe('MLboard report: one file, the same as the live board, no network', { timeout: 240_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    const storage = fixtureStorage();
    annotate(storage);
    stack = await startStack(storage, { runId: FIXTURE_GS });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('ml_board export and Download report write a file that shows the live table rows and chart points from file://, requesting nothing', async () => {
    const live = await openPage(browser);
    const query = new URL(stack.board.url).search;
    const shown = await whatItShows(live.page, (path) => live.page.goto(`${stack.board.origin}${path}${query}`));
    expect(shown.csv.trim().split('\n')).toHaveLength(5); // the header and 4 experiments
    expect(shown.csv).toContain('lr-0.01');
    expect(Object.keys(shown.charts).some((k) => /RSS over time, 4 experiments/.test(k))).toBe(true);

    // the command line
    const dir = mkdtempSync(join(tmpdir(), 'mlboard-report-'));
    const exported = join(dir, 'exported.html');
    const cli = spawnSync(
      process.execPath,
      [
        resolve(repo, 'apps/ml_board/dist/cli.js'),
        'export',
        '--run_id',
        FIXTURE_GS,
        '--event_storage_path',
        stack.storage,
        '--out',
        exported,
      ],
      { encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/wrote .*exported\.html \(\d+\.\d MB\): 4 experiments/);

    // the board's button, on the page
    await live.page.goto(`${stack.board.origin}/dashboard${query}`);
    const download = live.page.waitForEvent('download');
    await live.page.getByRole('button', { name: 'Download report' }).click();
    const downloaded = join(dir, 'downloaded.html');
    await (await download).saveAs(downloaded);
    expect((await download).suggestedFilename()).toBe(`${FIXTURE_GS}.report.html`);
    expect(live.errors).toEqual([]);
    await live.context.close();

    for (const file of [exported, downloaded]) {
      expect(statSync(file).size).toBeLessThan(8 * 2 ** 20);
      // offline, and every request recorded: the file itself may be read, nothing else
      const report = await openPage(browser);
      await report.context.setOffline(true);
      const requests: string[] = [];
      report.page.on('request', (r) => requests.push(r.url()));
      const url = `file://${file}`;
      const got = await whatItShows(report.page, async (path) => {
        await report.page.goto(`${url}#${path}`);
        await report.page.getByTestId('report-info').waitFor();
      });
      expect(got.csv).toBe(shown.csv);
      expect(got.charts).toEqual(shown.charts);
      expect(
        requests.every((u) => u === url || u.startsWith(`${url}#`)),
        requests.join('\n'),
      ).toBe(true);
      expect(report.errors).toEqual([]);
      // read-only: no editor, no connection to choose
      await report.page.goto(`${url}#/experiment?experiment_id=1`);
      await report.page.getByTestId('experiment-annotations').waitFor();
      const panel = report.page.getByTestId('experiment-annotations');
      expect(await panel.getByRole('button').count()).toBe(0);
      expect(await panel.getByRole('combobox').count()).toBe(0);
      expect(await panel.locator('[data-tag]').allInnerTexts()).toEqual(['lr-0.01']);
      if (file === exported) await screenshot(report.page, 'report-experiment');
      await report.context.close();
    }
    writeFileSync(join(dir, 'live.csv'), shown.csv);
  });
});
