import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { freePort, repo } from './helpers.js';
import type { Stack } from './mlboardHarness.js';
import {
  BAD_GS,
  FIXTURE_GS,
  fixtureStorage,
  gridCell,
  gridColumnIds,
  launchChromium,
  openPage,
  screenshot,
  startStack,
  writeBadEvents,
} from './mlboardHarness.js';

interface Eval {
  experiment_id: number;
  epoch: number;
  metric_scores: Array<{ metric: string; split: string; score: number }>;
  loss_scores: Array<{ loss: string; split: string; score: number }>;
}

/** What the recorded run holds: per experiment, the last value of every series, and its swept lr / batch size. */
function expected() {
  const dir = resolve(repo, 'test/fixtures/mlboard', FIXTURE_GS);
  const latest = new Map<number, Map<string, { epoch: number; score: number }>>();
  for (const line of readFileSync(join(dir, 'event_storage.log'), 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { event_type: string; payload: Eval };
    if (e.event_type !== 'evaluation_result') continue;
    const p = e.payload;
    const byKey = latest.get(p.experiment_id) ?? new Map<string, { epoch: number; score: number }>();
    latest.set(p.experiment_id, byKey);
    for (const s of [
      ...p.metric_scores.map((m) => ({ ...m, tag: m.metric })),
      ...p.loss_scores.map((l) => ({ ...l, tag: l.loss })),
    ]) {
      const key = `${s.split}_${s.tag}`;
      if ((byKey.get(key)?.epoch ?? -1) <= p.epoch) byKey.set(key, { epoch: p.epoch, score: s.score });
    }
  }
  const configs = [0, 1, 2, 3].map((id) => {
    const c = JSON.parse(readFileSync(join(dir, String(id), 'experiment_config.json'), 'utf8')) as {
      optimizer: { config: { params: { lr: number } } };
      data_loaders: { config: { batch_size: number } };
    };
    return { lr: c.optimizer.config.params.lr, batchSize: c.data_loaders.config.batch_size };
  });
  return { latest, configs, keys: [...(latest.get(0)?.keys() ?? [])].sort((a, b) => a.localeCompare(b)) };
}

const shown = (v: number) => String(Number(v.toPrecision(4)));
/** Polls what the page shows until it matches (pages load lazily; the CI machine may be busy). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

async function chartLabels(page: Page): Promise<string[]> {
  return page.locator('canvas[role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** Experiment ids of the rows the grid shows, in display order (ag-grid may reuse row elements out of order). */
async function rowIds(page: Page): Promise<string[]> {
  const rows = await page
    .locator('[role="grid"] [role="row"][row-id]')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('aria-rowindex')), e.getAttribute('row-id') ?? ''] as const),
    );
  return rows.sort((a, b) => a[0] - b[0]).map((r) => r[1]);
}

/**
 * Picks `option` in an MUI select and waits until the select shows it. Under load a click can land while the
 * menu is still opening and be lost; then the menu is closed and the choice made again.
 */
async function choose(page: Page, select: Locator, option: string) {
  const listbox = page.getByRole('listbox');
  for (let attempt = 1; ; attempt++) {
    await select.click();
    await listbox.waitFor({ state: 'visible' });
    await listbox.getByRole('option', { name: option, exact: true }).click();
    const closed = await listbox.waitFor({ state: 'hidden', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (closed && (await select.innerText()).trim() === option) return;
    if (attempt === 3) throw new Error(`the select did not take "${option}" in 3 tries`);
    if (!closed) await page.keyboard.press('Escape');
    await listbox.waitFor({ state: 'hidden' });
  }
}

async function openFromDrawer(page: Page, item: 'Dashboard' | 'Graphs' | 'Settings') {
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.getByRole('navigation').getByRole('button', { name: item }).click();
}

describe('MLboard in Chromium over a recorded grid search', { timeout: 60_000 }, () => {
  const want = expected();
  let stack: Stack;
  let browser: Browser;
  // One person's session: the first tests continue on the same page, as someone clicking through would.
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const storage = fixtureStorage();
    writeBadEvents(storage);
    [stack, browser] = await Promise.all([startStack(storage, { runId: FIXTURE_GS }), launchChromium()]);
    ({ page, errors } = await openPage(browser));
  }, 60_000);
  // A test that fails with a dialog open must not block the next one.
  afterEach(async () => {
    if (!page) return;
    for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++) await page.keyboard.press('Escape');
  });
  afterAll(async () => {
    expect(errors).toEqual([]);
    await browser?.close();
    await stack?.stop();
  });

  it('the printed URL opens the charts at once: one chart per series, one line per experiment', async () => {
    expect(stack.board.url).toBe(
      `${stack.board.origin}/?rest_endpoint=http://127.0.0.1:${stack.rest.port}&ws_endpoint=http://127.0.0.1:${stack.ws.port}&run_id=${FIXTURE_GS}`,
    );
    // the snackbar shows for 3 s: watch for it from before the page opens
    const connected = page.getByText('Socket Connection Successful').waitFor({ timeout: 20_000 });
    await page.goto(stack.board.url);
    await connected;
    await poll(() => chartLabels(page)).toHaveLength(want.keys.length);
    expect(await chartLabels(page)).toEqual(want.keys.map((k) => `${k}: 4 experiments (0, 1, 2, 3)`));
    expect(await page.getByRole('dialog').count()).toBe(0);
    // the lines hold every epoch of the run, and each chart names its best experiment
    const described = await page.locator('canvas[role="img"]').first().getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe(
      [0, 1, 2, 3].map((id) => `experiment_${id}: 3 points, epochs 0–2`).join('; '),
    );
    await screenshot(page, 'analysisboard');
    // "take me to experiment page" under a chart
    const first = page.getByRole('region', { name: `Chart ${want.keys[0]}` });
    // a searchable list: part of the id, then the experiment
    const picker = first.getByRole('combobox', { name: 'Experiment Id' });
    await picker.fill('3');
    await page.getByRole('listbox').getByRole('option', { name: '3', exact: true }).click();
    await poll(() => picker.inputValue()).toBe('3');
    await first.getByRole('button', { name: 'Go to experiment' }).click();
    await page.getByRole('heading', { name: 'Experiment: 3' }).waitFor();
  });

  it('the pointer: a tooltip names the nearest point, the legend shows a line alone, a click on a line opens its experiment', async () => {
    await page.goto(stack.board.url);
    const key = 'val_accuracy';
    const chart = page.getByRole('region', { name: `Chart ${key}` });
    const canvas = chart.locator('canvas[role="img"]');
    await poll(() => canvas.getAttribute('data-points')).toBe('12');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    // near the right edge the nearest point is one of the last epoch's
    await page.mouse.move(box.x + box.width - 14, box.y + box.height * 0.4);
    const tip = chart.getByRole('tooltip');
    await tip.waitFor();
    const [title, value, ...hyper] = (await tip.textContent())!.split('\n');
    expect(title).toBe('Epoch: 2');
    const [, id, shownValue] = /^experiment_(\d+): (.+)$/.exec(value!)!;
    expect(shownValue).toBe(shown(want.latest.get(Number(id))!.get(key)!.score));
    expect(hyper.map((h) => h.trim())).toContain(`lr = ${shown(want.configs[Number(id)]!.lr)}`);
    await screenshot(page, 'tooltip');
    await page.mouse.move(box.x + box.width + 30, box.y - 30);
    await tip.waitFor({ state: 'hidden' });

    // the legend: one line alone, then all again (the original's behaviour)
    const legend = chart.getByRole('list', { name: 'Legend' });
    await legend.getByRole('button', { name: 'experiment_2' }).click();
    await poll(() => canvas.getAttribute('data-lines')).toBe('1');
    expect(await legend.getByRole('button', { name: 'experiment_0' }).getAttribute('aria-pressed')).toBe('false');
    await legend.getByRole('button', { name: 'experiment_2' }).click();
    await poll(() => canvas.getAttribute('data-lines')).toBe('4');

    // a click on a line's point opens that experiment
    await page.mouse.move(box.x + box.width - 14, box.y + box.height * 0.4);
    await tip.waitFor();
    const id2 = /experiment_(\d+)/.exec((await tip.textContent())!)![1];
    const [x, y] = [Number(await tip.getAttribute('data-x')), Number(await tip.getAttribute('data-y'))];
    await page.mouse.click(box.x + x, box.y + y);
    await page.getByRole('heading', { name: `Experiment: ${id2}` }).waitFor();
  });

  it('the table: one ARIA row per experiment with its status, swept hyper-parameters and last scores', async () => {
    await openFromDrawer(page, 'Dashboard');
    await poll(() => rowIds(page)).toEqual(['0', '1', '2', '3']);
    expect(await page.getByRole('grid').getAttribute('aria-rowcount')).toBe('5'); // header + 4 experiments
    for (const id of [0, 1, 2, 3]) {
      const row = page.locator(`[role="row"][row-id="${id}"]`);
      const text = async (colId: string) => (await gridCell(row, colId)).innerText();
      await poll(() => text('status')).toBe('COMPLETED');
      expect(await text('epoch_progress')).toBe('100 %');
      expect(await text('hp:optimizer.config.params.lr')).toBe(shown(want.configs[id]!.lr));
      expect(await text('hp:data_loaders.config.batch_size')).toBe(String(want.configs[id]!.batchSize));
      for (const key of want.keys) {
        expect(await text(key), `${key} of experiment ${id}`).toBe(shown(want.latest.get(id)!.get(key)!.score));
      }
    }
    await gridCell(page.locator('[role="row"][row-id="0"]'), 'experiment_id');
    expect(await page.getByRole('columnheader', { name: 'lr', exact: true }).count()).toBe(1);
    await screenshot(page, 'dashboard');
    // a row opens its experiment
    await (await gridCell(page.locator('[role="row"][row-id="1"]'), 'status')).click();
    await page.getByRole('heading', { name: 'Experiment: 1' }).waitFor();
    await openFromDrawer(page, 'Dashboard');
    await poll(() => rowIds(page)).toHaveLength(4);
    // and so does its open button (the last column)
    await gridCell(page.locator('[role="row"][row-id="2"]'), '__open');
    await page.getByRole('button', { name: 'Open experiment 2' }).click();
    await page.getByRole('heading', { name: 'Experiment: 2' }).waitFor();
    await openFromDrawer(page, 'Dashboard');
    await poll(() => rowIds(page)).toHaveLength(4);
  });

  it('filtering rows filters the chart lines too; charts filter by name; an invalid regex is a field error', async () => {
    const big = [0, 1, 2, 3].filter((id) => want.configs[id]!.batchSize === 64);
    expect(big.length).toBe(2);
    const quick = page.getByLabel('Filter rows');
    await quick.fill('(');
    await poll(() => page.getByText(/^Invalid regular expression/).count()).toBe(1);
    expect(await rowIds(page)).toHaveLength(4);
    await quick.fill('^64$');
    await poll(() => rowIds(page)).toEqual(big.map(String));
    expect(await page.getByTestId('row-count').innerText()).toBe('2 of 4 experiments');
    await openFromDrawer(page, 'Graphs');
    await poll(() => chartLabels(page)).toEqual(want.keys.map((k) => `${k}: 2 experiments (${big.join(', ')})`));
    const chartFilter = page.getByLabel('Filter charts');
    await chartFilter.fill('^val_');
    await poll(() => chartLabels(page)).toEqual(
      want.keys.filter((k) => k.startsWith('val_')).map((k) => `${k}: 2 experiments (${big.join(', ')})`),
    );
    await chartFilter.fill('[');
    await poll(() => page.getByText(/^Invalid regular expression/).count()).toBe(1);
    expect(await chartLabels(page)).toHaveLength(want.keys.length);
    await screenshot(page, 'analysisboard-filtered');
    await chartFilter.fill('');
    await openFromDrawer(page, 'Dashboard');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => rowIds(page)).toHaveLength(4);
  });

  it('a numeric range filter on a hyper-parameter, then CSV export of exactly the visible rows', async () => {
    const small = [0, 1, 2, 3].filter((id) => want.configs[id]!.lr <= 0.005);
    await page.getByRole('button', { name: 'Add filter' }).click();
    const dialog = page.getByRole('dialog');
    await choose(page, dialog.getByRole('combobox', { name: 'Column' }), 'lr');
    await dialog.getByRole('button', { name: 'Range' }).click();
    await dialog.getByLabel('At most').fill('0.005');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await poll(() => rowIds(page)).toEqual(small.map(String));
    expect(await page.getByText('lr ≤ 0.005', { exact: true }).count()).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`mlboard_${FIXTURE_GS}.csv`);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    const header = lines[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
    expect(header.slice(0, 6)).toEqual(['Experiment', 'Status', 'Epochs', 'Tags', 'batch_size', 'lr']);
    expect(lines).toHaveLength(1 + small.length);
    const col = (name: string) => header.indexOf(name);
    for (const [i, id] of small.entries()) {
      const cells = lines[i + 1]!.split(',').map((c) => c.replace(/^"|"$/g, ''));
      expect(cells[0]).toBe(String(id));
      expect(cells[1]).toBe('COMPLETED');
      expect(cells[col('val_accuracy')]).toBe(shown(want.latest.get(id)!.get('val_accuracy')!.score));
    }
    await screenshot(page, 'dashboard-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('the column choice survives new events and a reload', async () => {
    await poll(() => rowIds(page)).toHaveLength(4);
    expect(await gridColumnIds(page)).toContain('val_accuracy');
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'val_accuracy' }).click();
    await page.keyboard.press('Escape');
    await poll(() => gridColumnIds(page)).not.toContain('val_accuracy');
    await page.reload();
    await poll(() => rowIds(page)).toHaveLength(4);
    const columns = await gridColumnIds(page);
    expect(columns).toContain('val_cross_entropy_loss');
    expect(columns).not.toContain('val_accuracy');
  });

  it('without parameters: the popup lists the stored grid searches and connects to the one picked', async () => {
    await page.evaluate(() => localStorage.clear());
    await page.goto(stack.board.origin);
    const dialog = page.getByRole('dialog', { name: 'Enter Configurations' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Socket Connection Url').fill(`http://127.0.0.1:${stack.ws.port}/`);
    await dialog.getByLabel('Rest API Url').fill(`http://127.0.0.1:${stack.rest.port}`);
    const entry = dialog.getByRole('button', { name: new RegExp(`^${FIXTURE_GS}\\s*4 experiments`) });
    await entry.waitFor({ timeout: 10_000 });
    await screenshot(page, 'popup');
    await entry.click();
    expect(await dialog.getByLabel('Grid Search-id').inputValue()).toBe(FIXTURE_GS);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => chartLabels(page)).toHaveLength(want.keys.length);
    // the connection is now in the URL: a reload reconnects without the popup
    expect(new URL(page.url()).searchParams.get('ws_endpoint')).toBe(`http://127.0.0.1:${stack.ws.port}`);
    await page.reload();
    await poll(() => chartLabels(page)).toHaveLength(want.keys.length);
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('bad input: an unreachable endpoint and an unknown run id are explained; the page keeps working', async () => {
    const dead = await freePort();
    const base = `${stack.board.origin}/?rest_endpoint=http://127.0.0.1:${stack.rest.port}`;
    await page.goto(`${base}&ws_endpoint=http://127.0.0.1:${dead}&run_id=${FIXTURE_GS}`);
    await page.getByText('Cannot reach the websocket endpoint').waitFor({ timeout: 15_000 });
    await screenshot(page, 'unreachable');
    await page.goto(`${base}&ws_endpoint=http://127.0.0.1:${stack.ws.port}&run_id=no-such-run`);
    await page.getByText('Unknown grid search "no-such-run"').waitFor({ timeout: 15_000 });
    // The charts page loads lazily: wait for it rather than counting at once.
    await page.getByText('--- No Data To Visualize ---').waitFor({ timeout: 10_000 });
    expect(await page.getByText('--- No Data To Visualize ---').count()).toBe(1);
    await openFromDrawer(page, 'Dashboard');
    await page.getByText('0 of 0 experiments').waitFor();

    // a log with a null score, an unknown and a malformed event: warned about, the rest drawn
    await page.goto(`${base}&ws_endpoint=http://127.0.0.1:${stack.ws.port}&run_id=${BAD_GS}`);
    await page.getByText('2 events ignored (1 of unknown type, 1 malformed); 1 score not a number').waitFor();
    expect(await page.getByText(/event 2 has an unknown event_type "job_scheduled"/).count()).toBe(1);
    await poll(() => chartLabels(page)).toEqual([
      'val_cross_entropy_loss: 1 experiment (0)',
      'val_F1_SCORE_macro: 1 experiment (0)',
    ]);
    const gaps = await page.locator('canvas[role="img"]').nth(1).getAttribute('aria-describedby');
    expect(await page.locator(`[id="${gaps}"]`).textContent()).toBe(
      'experiment_0: 2 points (1 not a number), epochs 0–1',
    );
    await screenshot(page, 'bad-events');

    // an unreachable REST endpoint: the picker says so
    await page.evaluate(() => localStorage.clear());
    await page.goto(stack.board.origin);
    const dialog = page.getByRole('dialog', { name: 'Enter Configurations' });
    await dialog.getByLabel('Rest API Url').fill(`http://127.0.0.1:${dead}`);
    await dialog
      .getByText(`Cannot list grid searches at http://127.0.0.1:${dead}: the REST endpoint cannot be reached.`)
      .waitFor();
  });

  it('every page reloads (SPA fallback); unknown paths show the 404 page; the build is cached', async () => {
    await page.goto(stack.board.url.replace('/?', '/experiment?experiment_id=2&'));
    await page.getByRole('heading', { name: 'Experiment: 2' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('state').getByText('COMPLETED').waitFor(); // the experiment page of issue 12
    await screenshot(page, 'experiment');
    await openFromDrawer(page, 'Settings');
    expect(await page.getByLabel('Grid Search-id').inputValue()).toBe(FIXTURE_GS);
    await screenshot(page, 'settings');
    const drawer = page.getByRole('button', { name: 'Open menu' });
    await drawer.click();
    await page.getByText(/^Messages received: 298$/).waitFor();
    await page.getByText('Connected: Yes').waitFor();
    await screenshot(page, 'drawer');
    await page.keyboard.press('Escape');
    // Clear forgets the connection, in the page, the URL and the browser's storage
    await page.getByRole('button', { name: 'Clear' }).click();
    await poll(() => page.getByLabel('Grid Search-id').inputValue()).toBe('');
    await poll(() => new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('SettingConfigs'))).toBeNull();
    await page.goto(`${stack.board.origin}/no/such/page`);
    await page.getByText('Error 404! Page Not Found!').waitFor();
    expect(await page.getByRole('button', { name: 'Open menu' }).count()).toBe(0);
    await screenshot(page, 'not-found');
    const index = await fetch(`${stack.board.origin}/dashboard`, { headers: { 'accept-encoding': 'gzip' } });
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    const asset = await fetch(`${stack.board.origin}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
  });
});
