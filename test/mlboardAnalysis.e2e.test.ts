import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repo } from './helpers.js';
import {
  ARTIFACTS,
  FIXTURE_GS,
  fixtureStorage,
  gridCell,
  launchChromium,
  openPage,
  startStack,
} from './mlboardHarness.js';
import type { Stack } from './mlboardHarness.js';

// MLboard's analysis (issue 25) in Debian's Chromium over a recorded 5-fold cross validation that
// `mlgym run` makes at the start: the grouped chart's mean and band against the fold scores in the
// log, the grouped table, the expression filter against a reference filter over the log, a located
// error, saved views and two grid searches on one page.

const run = promisify(execFile);
const EPOCHS = 8;
const FOLDS = 5;

/** What a person waits for (the machine may be busy: pages and their chunks load slowly). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

interface LoggedEvent {
  event_type: string;
  payload: Record<string, unknown> & { experiment_id: number };
}

/** One experiment of the run as its log tells it. */
interface Logged {
  id: number;
  combination: number;
  fold: number;
  lr: number;
  /** Per `split_tag`, the score of each epoch (index = epoch). */
  scores: Record<string, number[]>;
  done: boolean;
}

let storage: string;
let stack: Stack;
let browser: Browser;
let cvGs: string;
let logged: Logged[];
const contexts: BrowserContext[] = [];
const pageErrors = new Map<Page, string[]>();

/** Runs `mlgym run` on the CV fixture with 5 folds; copies the grid search it stores into the board's storage. */
async function cvRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-cv5-'));
  const fixtures = resolve(repo, 'test/fixtures/cv');
  writeFileSync(
    join(dir, 'run_config.yml'),
    `run_configuration:\n  type: train\n  config: {num_epochs: ${EPOCHS}, num_batches_per_epoch: 3, seed: 3, gs_config_path: ${join(fixtures, 'cv_gs_config.yml')}, validation_config_path: ${join(fixtures, 'cv5_config.yml')}}\n` +
      `environment: {type: main_process, config: {backend: cpu}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`,
  );
  const { stdout } = await run(process.execPath, [
    resolve(repo, 'apps/mlgym/dist/cli.js'),
    'run',
    '--config_path',
    join(dir, 'run_config.yml'),
  ]);
  const gs = /^grid search (\S+)$/m.exec(stdout)?.[1];
  if (!gs) throw new Error(`mlgym run printed no grid search:\n${stdout}`);
  cpSync(join(dir, 'store', gs), join(storage, gs), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  return gs;
}

/** The experiments of a grid search as its event log tells them. */
function readLog(gs: string): Logged[] {
  const events = readFileSync(join(storage, gs, 'event_storage.log'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LoggedEvent);
  const byId = new Map<number, Logged>();
  const get = (id: number) => {
    let e = byId.get(id);
    if (!e) byId.set(id, (e = { id, combination: -1, fold: -1, lr: NaN, scores: {}, done: false }));
    return e;
  };
  for (const { event_type, payload } of events) {
    const e = get(payload.experiment_id);
    if (event_type === 'experiment_config') {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stored config, navigated freely
      const config = payload['config'] as any;
      e.combination = config.cv_experiment_information?.config.hyper_paramater_combination_id ?? -1;
      e.fold = config.cv_experiment_information?.config.val_fold_id ?? -1;
      e.lr = config.optimizer.config.params.lr;
    } else if (event_type === 'evaluation_result') {
      const epoch = payload['epoch'] as number;
      for (const m of payload['metric_scores'] as Array<{ metric: string; split: string; score: number }>)
        (e.scores[`${m.split}_${m.metric}`] ??= [])[epoch] = m.score;
      for (const l of payload['loss_scores'] as Array<{ loss: string; split: string; score: number }>)
        (e.scores[`${l.split}_${l.loss}`] ??= [])[epoch] = l.score;
    } else if (event_type === 'job_status' && payload['status'] === 'DONE') e.done = true;
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Mean and population standard deviation (as `mlgym run`'s CV report). */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

/** Opens a page of the board on grid searches (the first is run_id; the others are added to it). */
async function open(path: string, gridSearches: string[] = [cvGs]): Promise<Page> {
  const { context, page, errors } = await openPage(browser);
  contexts.push(context);
  pageErrors.set(page, errors);
  const query = new URLSearchParams({
    ws_endpoint: `http://127.0.0.1:${stack.ws.port}`,
    rest_endpoint: `http://127.0.0.1:${stack.rest.port}`,
  });
  for (const gs of gridSearches) query.append('run_id', gs);
  await page.goto(`${stack.board.origin}${path}${path.includes('?') ? '&' : '?'}${query}`);
  return page;
}

/** What the viewport shows, once the connection's toast is gone (the README shows these). */
async function shot(page: Page, name: string) {
  const toast = page.getByRole('alert').filter({ hasText: 'Socket Connection Successful' });
  if (await toast.count()) await toast.getByRole('button', { name: /close/i }).click();
  await toast.waitFor({ state: 'detached' });
  await page.screenshot({ path: join(ARTIFACTS, 'analysis', `${name}.png`) });
}

beforeAll(async () => {
  storage = fixtureStorage();
  mkdirSync(join(ARTIFACTS, 'analysis'), { recursive: true });
  [cvGs, stack, browser] = await Promise.all([cvRun(), startStack(storage), launchChromium()]);
  logged = readLog(cvGs);
  expect(logged).toHaveLength(2 * FOLDS);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  rmSync(storage, { recursive: true, force: true });
});

/** A number as the board shows it (shared/cellFormat.ts's formatNumber: 4 significant digits). */
function shown(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

interface Stat {
  mean: number;
  std: number;
  min: number;
  max: number;
}

interface Axes {
  x: [number, number];
  y: [number, number, boolean];
}

/** A chart of the graphs page by its series key: its canvas, its tooltip and its axes' pixel maps. */
async function chart(page: Page, key: string) {
  const section = page.locator(`section[aria-label="Chart ${key}"]`);
  const canvas = section.locator('canvas[role="img"]');
  await canvas.scrollIntoViewIfNeeded();
  await poll(() => canvas.getAttribute('data-axes')).not.toBeNull();
  let axes = JSON.parse((await canvas.getAttribute('data-axes')) ?? '') as Axes;
  /** Reads the axes again (a band changes the range they show). */
  const refresh = async () => {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    axes = JSON.parse((await canvas.getAttribute('data-axes')) ?? '') as Axes;
  };
  const px = (epoch: number, value: number) => ({ x: axes.x[0] * epoch + axes.x[1], y: axes.y[0] * value + axes.y[1] });
  /** The tooltip's lines when the pointer is on a point (CSS pixels of the canvas). */
  const hover = async (at: { x: number; y: number }) => {
    await canvas.hover({ position: at });
    const tip = section.locator('[role="tooltip"]');
    await poll(() => tip.isVisible()).toBe(true);
    return ((await tip.textContent()) ?? '').split('\n');
  };
  /** The canvas pixel's colour at CSS pixels (x, y). */
  const pixel = (at: { x: number; y: number }) =>
    canvas.evaluate((c: HTMLCanvasElement, p) => {
      const dpr = window.devicePixelRatio;
      return [...(c.getContext('2d')?.getImageData(Math.round(p.x * dpr), Math.round(p.y * dpr), 1, 1).data ?? [])];
    }, at);
  /** The legend's colour of a line, as rgb. */
  const legendColor = async (label: string) => {
    const dot = section.getByRole('list', { name: 'Legend' }).getByRole('button', { name: label }).locator('span');
    const css = await dot.evaluate((e) => getComputedStyle(e).backgroundColor);
    return css.match(/\d+/g)?.slice(0, 3).map(Number) ?? [];
  };
  return { section, canvas, px, hover, pixel, refresh, legendColor };
}

/** The log's combinations: per combination its learning rate and folds. */
function combinations(): Array<{ combination: number; lr: number; members: Logged[] }> {
  const out = new Map<number, { combination: number; lr: number; members: Logged[] }>();
  for (const e of logged) {
    const c = out.get(e.combination) ?? { combination: e.combination, lr: e.lr, members: [] };
    c.members.push(e);
    out.set(e.combination, c);
  }
  return [...out.values()].sort(
    (a, b) => Math.min(...a.members.map((m) => m.id)) - Math.min(...b.members.map((m) => m.id)),
  );
}

/** Types into the expression box as a person does (the completions follow; Escape closes them). */
async function typeExpression(page: Page, text: string) {
  const box = page.getByRole('combobox', { name: 'Filter by expression' });
  await box.fill('');
  await box.pressSequentially(text, { delay: 5 });
  await page.keyboard.press('Escape');
}

const rowCount = (page: Page) => page.getByTestId('row-count').textContent();

describe('MLboard analysis in Chromium over a recorded 5-fold CV', { timeout: 120_000 }, () => {
  it("groups the folds of each combination by default: the chart's mean and band are the folds' mean and std in the log", async () => {
    const page = await open('/');
    const key = 'val_auroc';
    const c = await chart(page, key);
    await poll(() => c.canvas.getAttribute('data-bands')).toBe('2');
    const combos = combinations();
    expect(combos.map((x) => x.members.length)).toEqual([FOLDS, FOLDS]);
    // the legend names each group and its n
    expect(await c.section.getByRole('list', { name: 'Legend' }).getByRole('button').allTextContents()).toEqual(
      combos.map((x) => `lr=${x.lr} (n = ${FOLDS})`),
    );
    const stats = combos.map((x) =>
      Array.from({ length: EPOCHS }, (_, epoch) => {
        const values = x.members.map((m) => m.scores[key]![epoch]!);
        return { ...meanStd(values), min: Math.min(...values), max: Math.max(...values) };
      }),
    );
    // every point of every group, hovered where the axes put it: the tooltip says what the log says
    for (const [g, x] of combos.entries())
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        const s = stats[g]![epoch]!;
        expect(await c.hover(c.px(epoch, s.mean)), `lr=${x.lr} epoch ${epoch}`).toEqual([
          `Epoch: ${epoch}`,
          `${epoch === bestEpoch(stats, g) ? 'best mean: ' : ''}lr=${x.lr} (n = ${FOLDS})`,
          `mean ${shown(s.mean)} ± ${shown(s.std)}`,
          `min ${shown(s.min)} · max ${shown(s.max)}`,
        ]);
      }
    // the screen reader's description: each group at its last epoch
    const description = await page.locator(`#chart-desc-${key}`).textContent();
    for (const [g, x] of combos.entries()) {
      const s = stats[g]![EPOCHS - 1]!;
      expect(description).toContain(
        `lr=${x.lr}: ${FOLDS} experiments, epochs 0–${EPOCHS - 1}, at epoch ${EPOCHS - 1} mean ${shown(s.mean)} ± ${shown(s.std)} (min ${shown(s.min)}, max ${shown(s.max)})`,
      );
    }

    // The band is drawn from mean − std to mean + std (then from min to max): a pixel between a group's
    // mean and its band's upper edge has the group's colour, faint; one 6 pixels beyond the edge has
    // none (chosen where no other group's band or line is near).
    const colors = await Promise.all(combos.map((x) => c.legendColor(`lr=${x.lr} (n = ${FOLDS})`)));
    const tinted = (p: number[], rgb: number[]) =>
      p[3]! >= 35 && p[3]! <= 120 && rgb.every((v, i) => Math.abs(v - p[i]!) <= 45);
    const bandCheck = async (edges: (s: Stat) => [number, number]) => {
      await c.refresh();
      const probe = findProbe(c, stats, edges);
      expect(probe, 'an epoch where a band stands alone').not.toBeNull();
      const inside = await c.pixel(probe!.inside);
      expect(tinted(inside, colors[probe!.group]!), `inside: ${inside} vs ${colors[probe!.group]}`).toBe(true);
      const outside = await c.pixel(probe!.outside);
      // nothing but maybe a grid line (black at 10 %)
      expect(outside[3], `outside: ${outside}`).toBeLessThan(30);
      return probe!;
    };
    await bandCheck((s) => [s.mean - s.std, s.mean + s.std]);
    await page.getByRole('button', { name: 'min–max' }).click();
    await poll(() => new URL(page.url()).searchParams.get('band')).toBe('minmax');
    await bandCheck((s) => [s.min, s.max]);
    await page.getByRole('button', { name: 'no band' }).click();
    await poll(() => c.canvas.getAttribute('data-bands')).toBe('0');
    await c.refresh();
    const plain = findProbe(c, stats, (s) => [s.mean - s.std, s.mean + s.std]);
    expect(plain).not.toBeNull();
    expect((await c.pixel(plain!.inside))[3]).toBeLessThan(30);
    await page.getByRole('button', { name: '± std' }).click();
    await poll(() => c.canvas.getAttribute('data-bands')).toBe('2');
    // the URL carries the band (std is the default, so none is written)
    await poll(() => new URL(page.url()).searchParams.get('band')).toBeNull();
    // two validation charts side by side, a group's point hovered (the README shows it)
    await page.getByRole('textbox', { name: 'Filter charts' }).fill('^val_(F1|auroc)');
    await poll(() => page.locator('canvas[role="img"]').count()).toBe(2);
    await page.evaluate(() => window.scrollTo(0, 0));
    const shownChart = await chart(page, 'val_F1_SCORE_binary');
    const s4 = combos[1]!.members.map((m) => m.scores['val_F1_SCORE_binary']![4]!);
    await shownChart.hover(shownChart.px(4, meanStd(s4).mean));
    await shot(page, 'grouped-charts');
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('grouped table: a row per combination with n and mean ± std of the final fold scores, expandable to its folds', async () => {
    const page = await open('/dashboard');
    const combos = combinations();
    await poll(() => rowCount(page)).toBe(`2 groups of ${2 * FOLDS} of ${2 * FOLDS} experiments`);
    for (const x of combos) {
      const first = Math.min(...x.members.map((m) => m.id));
      const row = page.locator(`[role="row"][row-id="group-${first}"]`).first();
      await row.waitFor();
      expect(await (await gridCell(row, 'n')).textContent()).toBe(String(FOLDS));
      expect(await (await gridCell(row, 'experiment_id')).textContent()).toContain(`lr=${x.lr}`);
      for (const key of ['val_auroc', 'val_F1_SCORE_binary', 'val_cross_entropy_loss']) {
        const s = meanStd(x.members.map((m) => m.scores[key]!.at(-1)!));
        expect(await (await gridCell(row, key)).textContent(), `${key} of lr=${x.lr}`).toBe(
          `${shown(s.mean)} ± ${shown(s.std)}`,
        );
      }
    }
    // the first group lists its folds under it
    const x = combos[0]!;
    const first = Math.min(...x.members.map((m) => m.id));
    const head = page.locator(`[role="row"][row-id="group-${first}"]`).first();
    await (
      await gridCell(head, 'experiment_id')
    )
      .getByRole('button', { name: `List the ${FOLDS} experiments of lr=${x.lr}` })
      .click();
    await poll(() => tableRowIds(page)).toEqual([
      `group-${first}`,
      ...x.members.map((m) => String(m.id)),
      `group-${Math.min(...combos[1]!.members.map((m) => m.id))}`,
    ]);
    // each fold's own score, as the log has it
    for (const m of x.members) {
      const row = page.locator(`[role="row"][row-id="${m.id}"]`).first();
      expect(await (await gridCell(row, 'val_auroc')).textContent()).toBe(shown(m.scores['val_auroc']!.at(-1)!));
    }
    await page.evaluate(() => document.querySelector('.ag-body-horizontal-scroll-viewport')?.scrollTo({ left: 0 }));
    await page.getByTestId('row-count').click();
    await shot(page, 'grouped-table');
    // the open group's toggle says so (▾), and folds it again
    const toggle = (await gridCell(head, 'experiment_id')).getByRole('button', {
      name: `Fold the ${FOLDS} experiments of lr=${x.lr}`,
    });
    expect([await toggle.getAttribute('aria-expanded'), await toggle.textContent()]).toEqual(['true', `▾lr=${x.lr}`]);
    await toggle.click();
    await poll(() => tableRowIds(page)).toEqual(combos.map((c) => `group-${Math.min(...c.members.map((m) => m.id))}`));
    // ungrouped: today's view, one row per experiment
    await page.getByRole('switch', { name: 'Group experiments' }).click();
    await poll(() => rowCount(page)).toBe(`${2 * FOLDS} of ${2 * FOLDS} experiments`);
    await poll(() => new URL(page.url()).searchParams.get('group')).toBe('none');
    expect(pageErrors.get(page)).toEqual([]);
  });

  it("the expression filter's matches are a reference filter's over the log, on the table, the charts and the sweep", async () => {
    const text = 'lr < 0.005 and val/auroc > 0.64 and status != failed';
    const want = logged
      .filter((e) => e.lr < 0.005 && e.scores['val_auroc']!.at(-1)! > 0.64 && e.done)
      .map((e) => String(e.id));
    expect(want.length, 'the reference keeps some folds and leaves others').toBeGreaterThan(0);
    expect(want.length).toBeLessThan(logged.length);
    const page = await open('/dashboard?group=none');
    await poll(() => rowCount(page)).toBe(`${logged.length} of ${logged.length} experiments`);
    await typeExpression(page, text);
    await poll(() => page.getByTestId('expression-status').textContent()).toBe(
      `${want.length} of ${logged.length} experiments match`,
    );
    await poll(() => tableRowIds(page)).toEqual(want);
    // the URL carries it: a reload shows the same
    await poll(() => new URL(page.url()).searchParams.get('q')).toBe(text);
    await page.reload();
    await poll(() => tableRowIds(page)).toEqual(want);
    // the charts draw the same experiments
    await go(page, '/');
    const c = await chart(page, 'val_auroc');
    await poll(() => c.canvas.getAttribute('data-lines')).toBe(String(want.length));
    // grouped, the one combination left has the folds that pass
    await page.getByRole('switch', { name: 'Group experiments' }).click();
    await poll(() => c.section.getByRole('list', { name: 'Legend' }).getByRole('button').allTextContents()).toEqual([
      `lr=0.001 (n = ${want.length})`,
    ]);
    await go(page, '/sweep');
    await poll(() => page.getByTestId('sweep-count').textContent()).toBe(
      `${want.length} of ${logged.length} experiments pass the filters`,
    );
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('an invalid expression says where and why, with a did-you-mean, and filters nothing; completions follow the cursor', async () => {
    const page = await open('/dashboard?group=none');
    await poll(() => rowCount(page)).toBe(`${logged.length} of ${logged.length} experiments`);
    const box = page.getByRole('combobox', { name: 'Filter by expression' });
    await box.click();
    await box.pressSequentially('val/a', { delay: 5 });
    const options = page.getByRole('listbox', { name: 'Completions' }).getByRole('option');
    await poll(() => options.allTextContents()).toEqual(['val/accuracyscore', 'val/aurocscore']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await poll(() => box.inputValue()).toBe('val/auroc ');
    await poll(() => options.first().textContent()).toBe('==equals');
    await typeExpression(page, 'optimizer.lrr < 0.01 and status != failed');
    const status = page.getByTestId('expression-status');
    await poll(() => status.textContent()).toBe(
      'column 1: unknown key "optimizer.lrr" (expected a config key, a score (split/metric), status, id, epoch, grid_search or tag). Did you mean "optimizer.lr"?',
    );
    expect(await page.getByTestId('expression-error-mark').locator('span').textContent()).toBe('optimizer.lrr');
    expect(await rowCount(page)).toBe(`${logged.length} of ${logged.length} experiments`);
    await typeExpression(page, 'status == runing');
    await poll(() => status.textContent()).toBe(
      'column 11: unknown status "runing" (expected one of completed, running, failed, initializing, interrupted, stopped, promoted, unknown). Did you mean "running"?',
    );
    await shot(page, 'expression-error');
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('saves a view under a name and picks it again, after a reload too', async () => {
    const page = await open('/');
    await page.getByRole('button', { name: 'min–max' }).click();
    await typeExpression(page, 'status == completed');
    await page.getByRole('button', { name: /^Views/ }).click();
    await page.getByRole('menuitem', { name: 'Save this view…' }).click();
    await page.getByRole('dialog', { name: 'Save this view' }).getByRole('textbox', { name: 'Name' }).fill('folds');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // something else
    await page.getByRole('switch', { name: 'Group experiments' }).click();
    await typeExpression(page, '');
    await poll(() => new URL(page.url()).searchParams.get('group')).toBe('none');
    await page.reload();
    await page.getByRole('button', { name: 'Views (1)' }).click();
    await page.getByRole('menuitem', { name: 'View folds' }).click();
    await poll(() => new URL(page.url()).searchParams.get('q')).toBe('status == completed');
    expect(new URL(page.url()).searchParams.get('band')).toBe('minmax');
    expect(new URL(page.url()).searchParams.get('group')).toBeNull();
    await poll(() => page.locator('canvas[role="img"][data-bands="2"]').count()).toBeGreaterThan(0);
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('two grid searches side by side: keyed apart, a grid search column, grouped and coloured by grid search', async () => {
    const page = await open('/dashboard?group=none', [cvGs, FIXTURE_GS]);
    const other = readLog(FIXTURE_GS);
    const total = logged.length + other.length;
    await poll(() => rowCount(page)).toBe(`${total} of ${total} experiments`);
    expect(new URL(page.url()).searchParams.getAll('run_id')).toEqual([cvGs, FIXTURE_GS]);
    const second = page.locator(`[role="row"][row-id="${2 ** 32 + 1}"]`).first();
    await second.waitFor();
    expect(await (await gridCell(second, 'grid_search')).textContent()).toBe(FIXTURE_GS);
    expect(await (await gridCell(second, 'experiment_id')).textContent()).toBe('1');
    // grouped by grid search: one group each
    await page.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: /^grid search/ }).click();
    await page.keyboard.press('Escape');
    await poll(() => rowCount(page)).toBe(`2 groups of ${total} of ${total} experiments`);
    await go(page, '/');
    await page.getByRole('switch', { name: 'Colour by grid search' }).click();
    // the scores both grid searches have
    await page.getByRole('textbox', { name: 'Filter charts' }).fill('^val_(accuracy|auroc)$');
    await poll(() => page.locator('canvas[role="img"]').count()).toBe(2);
    const legend = page.locator('section[aria-label^="Chart val_"]').first().getByRole('list', { name: 'Legend' });
    await poll(() => legend.getByRole('button').allTextContents()).toEqual([
      `${cvGs} (n = ${logged.length})`,
      `${FIXTURE_GS} (n = ${other.length})`,
    ]);
    await shot(page, 'two-grid-searches');
    expect(pageErrors.get(page)).toEqual([]);
  });
});

/** The epoch of a group's best mean if it is the chart's best (the star), else -1. */
function bestEpoch(stats: Array<Array<{ mean: number }>>, group: number): number {
  let best = { group: -1, epoch: -1, value: -Infinity };
  for (const [g, s] of stats.entries())
    for (const [epoch, { mean }] of s.entries()) if (mean > best.value) best = { group: g, epoch, value: mean };
  return best.group === group ? best.epoch : -1;
}

/**
 * Two pixels for a group's band (its edges from `edges`): one inside, between its mean and its upper
 * edge, and one 6 pixels beyond that edge, where no other group's band or mean line is within 4 pixels.
 */
function findProbe(
  c: { px: (epoch: number, value: number) => { x: number; y: number } },
  stats: Stat[][],
  edges: (s: Stat) => [number, number],
): { group: number; inside: { x: number; y: number }; outside: { x: number; y: number } } | null {
  for (let epoch = 1; epoch < EPOCHS - 1; epoch++)
    for (const [g, s] of stats.entries()) {
      const st = s[epoch]!;
      const mean = c.px(epoch, st.mean);
      const upper = c.px(epoch, edges(st)[1]);
      if (mean.y - upper.y < 10) continue;
      const inside = { x: mean.x, y: (mean.y + upper.y) / 2 };
      const outside = { x: mean.x, y: upper.y - 6 };
      const clear = stats.every((o, h) => {
        if (h === g) return true;
        const os = o[epoch]!;
        const [lo, hi] = edges(os).map((v) => c.px(epoch, v).y) as [number, number];
        const line = c.px(epoch, os.mean).y;
        return [inside.y, outside.y].every((y) => (y < hi - 4 || y > lo + 4) && Math.abs(y - line) > 4);
      });
      if (clear) return { group: g, inside, outside };
    }
  return null;
}

/** The ids of the rows the table shows, in order (ag-grid renders pinned parts as extra rows with the same id). */
async function tableRowIds(page: Page): Promise<string[]> {
  const ids = await page.locator('[role="row"][row-id]').evaluateAll((rows) =>
    rows
      .map((r) => ({ id: r.getAttribute('row-id') ?? '', index: Number(r.getAttribute('aria-rowindex')) }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.id),
  );
  return [...new Set(ids)];
}

/** Navigates inside the app (the store and its connection stay), as a click on a link does. */
async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    const url = new URL(window.location.href);
    history.pushState({}, '', `${p}${url.search}`);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}
