import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repo } from './helpers.js';
import { ARTIFACTS, FIXTURE_GS, fixtureStorage, launchChromium, openPage, startStack } from './mlboardHarness.js';
import type { Stack } from './mlboardHarness.js';

// Pages of MLboard part 2 (experiment, model card, settings, sweep, compare, CV report) in Debian's
// Chromium over the recorded grid searches: what a person sees is checked against the stored files.

/** A second grid search made from the fixture's experiments 0 and 1 only (the settings test switches to it). */
const SECOND_GS = '2026-12-02--05-00-00';
const FAILURE = 'MlgymError[TRAINING_FAILED]: loss became NaN at epoch 2';
const STACK = `${FAILURE}\n    at Trainer.trainEpoch (packages/core/src/gym/trainer.ts:120:11)\n    at runExperiment (packages/core/src/gym/runExperiment.ts:88:5)`;
/** A run of `mlgym run` made for the CV report tests: its grid search and what it printed. */
interface CliRun {
  gs: string;
  stdout: string;
}
let nested: CliRun;
let cv: CliRun;

/**
 * Runs `mlgym run` on a validation fixture of test/fixtures/cv (2 epochs of 3 batches on the cpu backend) and
 * copies the grid search it stores into the board's storage.
 */
async function cliRun(gsConfig: string, validationConfig: string): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-cv-run-'));
  const fixtures = resolve(repo, 'test/fixtures/cv');
  writeFileSync(
    join(dir, 'run_config.yml'),
    `run_configuration:\n  type: train\n  config: {num_epochs: 2, num_batches_per_epoch: 3, seed: 3, gs_config_path: ${join(fixtures, gsConfig)}, validation_config_path: ${join(fixtures, validationConfig)}}\n` +
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
  return { gs, stdout };
}

// Stored JSON read back by the test, navigated freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Waits for what a person would see (the machine may be busy: pages and their chunks load slowly). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

const run = promisify(execFile);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface StoredEvent {
  event_type: string;
  payload: Record<string, unknown> & { experiment_id: number };
}

let storage: string;
let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors = new Map<Page, string[]>();

function fixtureFile(...parts: Array<string | number>): string {
  return join(storage, FIXTURE_GS, ...parts.map(String));
}

function events(gs = FIXTURE_GS): StoredEvent[] {
  return readFileSync(join(storage, gs, 'event_storage.log'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StoredEvent);
}

/** The second grid search: the fixture's configs and experiments 0 and 1, their events renamed. */
function writeSecondGridSearch(): void {
  const second = join(storage, SECOND_GS);
  mkdirSync(second);
  for (const name of ['grid_search_config.yml', 'run_config.yml']) cpSync(fixtureFile(name), join(second, name));
  for (const exp of [0, 1]) cpSync(fixtureFile(exp), join(second, String(exp)), { recursive: true });
  const kept = events().filter((e) => e.payload.experiment_id === 0 || e.payload.experiment_id === 1);
  // Experiment 1 ends failed, as the trainer reports a failure: its last job status carries the error.
  const last = kept.findLast((e) => e.event_type === 'job_status' && e.payload.experiment_id === 1)!;
  Object.assign(last.payload, { error: FAILURE, stacktrace: STACK });
  const lines = kept.map((e) => JSON.stringify(e).replaceAll(FIXTURE_GS, SECOND_GS));
  writeFileSync(join(second, 'event_storage.log'), `${lines.join('\n')}\n`);
}

/** Opens a page of the board connected to a grid search (as the URL ml_board prints does). */
async function open(path: string, gs = FIXTURE_GS): Promise<Page> {
  const { context, page, errors } = await openPage(browser);
  contexts.push(context);
  pageErrors.set(page, errors);
  const query = new URLSearchParams({
    run_id: gs,
    ws_endpoint: `http://127.0.0.1:${stack.ws.port}`,
    rest_endpoint: `http://127.0.0.1:${stack.rest.port}`,
  });
  await page.goto(`${stack.board.origin}${path}${path.includes('?') ? '&' : '?'}${query}`);
  return page;
}

/** Navigates inside the app (the store and its connection stay), as a click on a link does. */
async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState({}, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** What the viewport shows (the README's tour uses these). */
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, 'pages', `${name}.png`) });

/** Experiment ids the dashboard's ARIA grid shows (ag-grid renders pinned parts as extra rows with the same id). */
async function tableRows(page: Page): Promise<number[]> {
  const ids = await page
    .locator('[role="row"][row-id]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('row-id')));
  return [...new Set(ids.map(Number))].sort((a, b) => a - b);
}

beforeAll(async () => {
  storage = fixtureStorage();
  writeSecondGridSearch();
  mkdirSync(join(ARTIFACTS, 'pages'), { recursive: true });
  const runs = (async () => {
    // One after the other: each names its grid search after the second it started in.
    nested = await cliRun('nested_gs_config.yml', 'nested_cv_config.yml');
    cv = await cliRun('cv_gs_config.yml', 'cv_config.yml');
  })();
  [stack, browser] = await Promise.all([startStack(storage, { runId: FIXTURE_GS }), launchChromium(), runs]);
  expect(cv.gs).not.toBe(nested.gs);
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  rmSync(storage, { recursive: true, force: true });
});

describe('MLboard part 2 pages in Chromium', { timeout: 90_000 }, () => {
  it('experiment page: overview, times, progress, checkpoints, config and charts match the stored files', async () => {
    const page = await open('/experiment?experiment_id=1');
    await page.getByTestId('overview').waitFor();
    const field = (card: string, name: string) => page.getByTestId(card).locator(`[data-field="${name}"]`);
    const system = JSON.parse(readFileSync(fixtureFile(1, 'system_info.json'), 'utf8')) as Record<string, Json>;
    const jobs = events().filter((e) => e.event_type === 'job_status' && e.payload.experiment_id === 1);
    const last = jobs.at(-1)!.payload as Json as { starting_time: number; finishing_time: number; job_type: number };
    const local = (s: number) => new Date(s * 1000).toLocaleString('sv-SE', { hour12: false });
    await poll(() => field('overview', 'Experiment ID').textContent()).toBe('1');
    expect(await field('overview', 'Job Type').textContent()).toBe(String(last.job_type));
    // from system_info.json over REST: it may come after the events
    await poll(() => field('overview', 'Device').textContent()).toBe(
      `${system['tfjs_backend'].backend} on ${system['processor']} (${system['num_processor_cores']} cores)`,
    );
    expect(await field('times', 'Start').textContent()).toBe(local(last.starting_time));
    expect(await field('times', 'End').textContent()).toBe(local(last.finishing_time));
    expect(await field('state', 'Job Status').textContent()).toBe('COMPLETED');
    expect(
      await page.locator('[role="meter"]').evaluateAll((m) => m.map((x) => x.getAttribute('aria-valuenow'))),
    ).toEqual(['100', '100']);
    expect(await page.locator('[role="meter"]').evaluateAll((m) => m.map((x) => x.getAttribute('data-state')))).toEqual(
      ['complete', 'complete'],
    );

    // Checkpoints: every stored epoch, each file with its size and sha256.
    const epochs = readdirSync(fixtureFile(1)).filter((d) => /^\d+$/.test(d));
    await page
      .getByText(`stored epoch${epochs.length === 1 ? '' : 's'}: ${epochs.sort().reverse().join(', ')}`)
      .waitFor();
    const epoch = epochs[0]!;
    const files = readdirSync(fixtureFile(1, epoch))
      .filter((f) => !f.startsWith('.'))
      .sort();
    for (const f of files) {
      const bytes = readFileSync(fixtureFile(1, epoch, f));
      const row = page.locator(`tr[data-file="${f}"]`);
      await poll(() => row.locator('[data-field="sha256"]').textContent()).toContain(sha256(bytes));
      expect(await row.locator('[data-field="size"]').getAttribute('title')).toBe(`${bytes.length} bytes`);
    }
    // Downloading through the page saves the exact stored bytes under the file's own name.
    const stored = readFileSync(fixtureFile(1, epoch, 'model.ckpt'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download model.ckpt of epoch ${epoch}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('model.ckpt');
    const saved = readFileSync((await download.path())!);
    expect(sha256(saved)).toBe(sha256(stored));
    await page.getByText('verified after download').waitFor();

    // The config: swept leaves are those that differ between the stored experiment configs.
    const configs = [0, 1, 2, 3].map((i) => JSON.parse(readFileSync(fixtureFile(i, 'experiment_config.json'), 'utf8')));
    const lr = (c: Json) => c.optimizer.config.params.lr;
    const batch = (c: Json) => c.data_loaders.config.batch_size;
    expect(new Set(configs.map(lr)).size).toBeGreaterThan(1);
    const swept = await page
      .locator('[data-swept="true"]')
      .evaluateAll((e) => e.map((x) => x.getAttribute('data-path')));
    expect(swept.sort()).toEqual(['data_loaders.config.batch_size', 'optimizer.config.params.lr']);
    expect(await page.locator('[data-path="optimizer.config.params.lr"]').textContent()).toContain(
      String(lr(configs[1])),
    );
    expect(await page.locator('[data-path="data_loaders.config.batch_size"]').textContent()).toContain(
      String(batch(configs[1])),
    );

    // One chart per series the experiment reported, on real epochs.
    const keys = new Set<string>();
    for (const e of events())
      if (e.event_type === 'evaluation_result' && e.payload.experiment_id === 1) {
        const p = e.payload as unknown as {
          metric_scores: Array<{ split: string; metric: string }>;
          loss_scores: Array<{ split: string; loss: string }>;
        };
        for (const m of p.metric_scores) keys.add(`${m.split}_${m.metric}`);
        for (const l of p.loss_scores) keys.add(`${l.split}_${l.loss}`);
      }
    const labels = await page
      .getByTestId('experiment-charts')
      .locator('canvas[role="img"]')
      .evaluateAll((c) => c.map((x) => x.getAttribute('aria-label')));
    expect(labels.map((l) => l?.split(' of ')[0]).sort()).toEqual([...keys].sort());
    expect(labels.every((l) => l?.endsWith(': 3 epochs'))).toBe(true);
    await shot(page, 'experiment');

    // An experiment without events says so.
    await go(page, '/experiment?experiment_id=99');
    await page.getByTestId('experiment-missing').waitFor();
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('model card: every section, parameter counts from model_summary.json; the HTML download works offline', async () => {
    const page = await open('/modelcard?experiment_id=2');
    await page.getByTestId('pipeline-graph').waitFor();
    const summary = JSON.parse(readFileSync(fixtureFile(2, 'model_summary.json'), 'utf8')) as {
      trainable_params: number;
    };
    const config = JSON.parse(readFileSync(fixtureFile(2, 'experiment_config.json'), 'utf8')) as Record<string, Json>;
    const components = Object.keys(config).filter((k) => typeof config[k]?.component_type_key === 'string');
    await poll(() => page.getByRole('row', { name: /Trainable parameters/ }).textContent()).toBe(
      `Trainable parameters${summary.trainable_params}`,
    );
    expect(await page.locator('[data-testid="pipeline-graph"] [data-node]').count()).toBe(components.length);
    await page.locator('[data-node="optimizer"]').click();
    expect(await page.getByTestId('pipeline-node-config').textContent()).toContain(
      JSON.stringify(config['optimizer'].config.params.lr),
    );
    await page.locator('[data-section="results"] canvas').first().waitFor();
    const charts = await page.locator('[data-section="results"] canvas').count();
    await page
      .locator('[data-section="pipeline"]')
      .evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 80));
    await shot(page, 'modelcard');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Experiment_2_ModelCard.html');
    // Saved under its own name (.html), as a browser would: Chromium sniffs extension-less files as text.
    const file = join(ARTIFACTS, 'pages', download.suggestedFilename());
    await download.saveAs(file);

    // A fresh context with the network cut off.
    const offline = await browser.newContext({ offline: true, viewport: { width: 1400, height: 1000 } });
    contexts.push(offline);
    const requests: string[] = [];
    await offline.route(/^https?:/, (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const view = await offline.newPage();
    await view.goto(`file://${file}`);
    for (const title of [
      'Model Details',
      'Training',
      'Evaluation',
      'Dataset',
      'Pipeline Graph',
      'Results Visualizations',
      'Environment',
    ])
      expect(await view.getByRole('heading', { name: title, exact: true }).isVisible(), title).toBe(true);
    const images = await view.locator('[data-section="results"] img').evaluateAll((imgs) =>
      imgs.map((i) => ({
        ok: (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
        src: (i as HTMLImageElement).src.slice(0, 22),
      })),
    );
    expect(images).toHaveLength(charts);
    expect(images.every((i) => i.ok && i.src === 'data:image/png;base64,')).toBe(true);
    expect(await view.locator('svg [data-node]').count()).toBe(components.length);
    // The page's styles came along: cards are white on the grey page, as in the app.
    const background = await view
      .locator('[data-section="details"]')
      .evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(background).toBe('rgb(255, 255, 255)');
    expect(await view.getByText(String(summary.trainable_params)).first().isVisible()).toBe(true);
    expect(requests).toEqual([]);
    await view.screenshot({ path: join(ARTIFACTS, 'pages', 'modelcard-offline.png'), fullPage: true });
  });

  it('settings: shows the stored gs_config and run_config; changing the grid search reconnects to it; clear does not reconnect', async () => {
    const page = await open('/settings');
    const gsConfig = readFileSync(fixtureFile('grid_search_config.yml'), 'utf8');
    const runConfig = readFileSync(fixtureFile('run_config.yml'), 'utf8');
    await poll(() => page.getByLabel('grid_search_config.yml').textContent()).toBe(gsConfig);
    expect(await page.getByLabel('run_config.yml').textContent()).toBe(runConfig);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'run_config.yml' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('run_config.yml');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(runConfig);
    await page.getByTestId('connection-state').getByText('connected').waitFor();
    await shot(page, 'settings');

    // Pick the other grid search (2 experiments) and save: the page reconnects to it.
    await page.getByRole('button', { name: new RegExp(SECOND_GS) }).click();
    await page.getByRole('button', { name: /Save and connect/ }).click();
    await poll(() => page.getByTestId('connection-state').textContent()).toBe(`Grid search ${SECOND_GS}: connected.`);
    expect(new URL(page.url()).searchParams.get('run_id')).toBe(SECOND_GS);
    await go(page, '/dashboard');
    await poll(() => tableRows(page)).toEqual([0, 1]);

    // Clear: fields empty, no connection attempted, nothing reconnects on reload.
    await go(page, '/settings');
    await page.getByTestId('connection-state').getByText('connected').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await poll(() => page.getByTestId('connection-state').textContent()).toBe('Not connected.');
    expect(await page.getByLabel('Grid Search-id').inputValue()).toBe('');
    expect(new URL(page.url()).search).toBe('');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('connection-state').textContent()).toBe('Not connected.');
  });

  it('parallel coordinates: brushing an axis changes the table rows and the chart lines', async () => {
    const page = await open('/sweep');
    await page.getByTestId('parallel-coordinates').waitFor();
    await poll(() => page.getByTestId('sweep-count').textContent()).toBe('4 of 4 experiments pass the filters');
    const configs = [0, 1, 2, 3].map((i) => JSON.parse(readFileSync(fixtureFile(i, 'experiment_config.json'), 'utf8')));
    const lrs = configs.map((c) => c.optimizer.config.params.lr as number);
    const top = Math.max(...lrs);
    const expected = [0, 1, 2, 3].filter((i) => lrs[i] === top);
    // Drag over the top fifth of the learning-rate axis.
    const axis = page.locator('[data-axis="hp:optimizer.config.params.lr"]');
    const box = (await axis.boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.1, { steps: 3 });
    await page.mouse.move(x, box.y + box.height * 0.2, { steps: 3 });
    await page.mouse.up();
    await poll(() => page.getByTestId('sweep-count').textContent()).toBe(
      `${expected.length} of 4 experiments pass the filters`,
    );
    const highlighted = await page
      .locator('path[data-experiment][data-selected="true"]')
      .evaluateAll((p) => p.map((x) => Number(x.getAttribute('data-experiment'))));
    expect(highlighted.sort()).toEqual(expected);
    await shot(page, 'sweep');

    // The table and the charts filter by the brush (same store: in-app navigation).
    await page.getByRole('link', { name: 'Table' }).click();
    await poll(() => tableRows(page)).toEqual(expected);
    await go(page, '/analysisboard');
    const label = page.locator('canvas[aria-label^="val_accuracy:"]');
    await poll(() => label.getAttribute('aria-label')).toBe(
      `val_accuracy: ${expected.length} experiments (${expected.join(', ')})`,
    );
    // The brushed experiments go to the compare view in one click.
    await go(page, '/sweep');
    await page.getByRole('button', { name: 'Compare these' }).click();
    const heads = page.locator('table[aria-label="Compared configurations"] thead th');
    await poll(() => heads.allTextContents()).toEqual(['Key', ...expected.map((id) => `experiment ${id}`)]);
  });

  it('compare: rows ticked in the table open side by side, differing config keys marked, only their lines drawn', async () => {
    const page = await open('/dashboard');
    await poll(() => tableRows(page)).toEqual([0, 1, 2, 3]);
    for (const id of [0, 3]) await page.locator(`[role="row"][row-id="${id}"] input[type="checkbox"]`).first().check();
    // Ticking a box picks the experiment; it does not open its page.
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await page.getByRole('button', { name: 'Compare selected (2)' }).click();
    await page.getByRole('table', { name: 'Compared configurations' }).waitFor();
    expect(new URL(page.url()).searchParams.get('ids')).toBe('0,3');
    const c0 = JSON.parse(readFileSync(fixtureFile(0, 'experiment_config.json'), 'utf8'));
    const c3 = JSON.parse(readFileSync(fixtureFile(3, 'experiment_config.json'), 'utf8'));
    const leaves = (o: unknown, p = '', out = new Map<string, string>()) => {
      if (o && typeof o === 'object' && !Array.isArray(o))
        for (const [k, v] of Object.entries(o)) leaves(v, p ? `${p}.${k}` : k, out);
      else out.set(p, JSON.stringify(o));
      return out;
    };
    const [l0, l3] = [leaves(c0), leaves(c3)];
    const differing = [...new Set([...l0.keys(), ...l3.keys()])].filter((k) => l0.get(k) !== l3.get(k)).sort();
    expect(differing.length).toBeGreaterThan(0);
    // The configs arrive with the grid search's history.
    await poll(async () =>
      (
        await page.locator('tr[data-differs="true"]').evaluateAll((r) => r.map((x) => x.getAttribute('data-path')))
      ).sort(),
    ).toEqual(differing);
    await shot(page, 'compare');
    await page.getByLabel('Only differing keys').uncheck();
    expect(await page.locator('tr[data-differs="false"]').count()).toBe(
      new Set([...l0.keys(), ...l3.keys()]).size - differing.length,
    );
    await page.getByLabel('Only these in the table and charts').check();
    await page.getByRole('link', { name: 'Charts' }).click();
    const label = page.locator('canvas[aria-label^="val_accuracy:"]');
    await poll(() => label.getAttribute('aria-label')).toBe('val_accuracy: 2 experiments (0, 3)');
  });

  it('nested CV report: the configuration chosen per outer fold and mean (std) of the outer scores, as mlgym run printed them', async () => {
    const printed = nested.stdout;
    expect(printed).toMatch(/configurations selected by mean inner-fold test F1_SCORE_binary/);
    const folds = [
      ...printed.matchAll(/outer fold (\d+): configuration (\d+) \(inner mean ([\d.]+)\) → experiment (\d+)/g),
    ];
    const summary = [...printed.matchAll(/^ {4}(\S+): ([\d.]+) \(([\d.]+)\)$/gm)];
    expect(folds.length).toBe(2);
    expect(summary.length).toBe(4);
    const page = await open('/cv-report', nested.gs);
    await page.getByRole('table', { name: 'Outer folds' }).waitFor();
    expect(await page.getByText('best mean inner-fold test F1_SCORE_binary (highest)', { exact: false }).count()).toBe(
      1,
    );
    const header = await page.locator('table[aria-label="Outer folds"] thead th').allTextContents();
    for (const [, fold, combination, inner, experiment] of folds) {
      const row = page.locator(`tr[data-outer-fold="${fold}"] td`);
      await poll(async () => (await row.allTextContents())[3]).toBe(experiment);
      const cells = await row.allTextContents();
      expect(cells[1]).toMatch(new RegExp(`^${combination}: `));
      expect(cells[2]).toBe(inner);
    }
    const means = await page.locator('tr[data-summary] td').allTextContents();
    for (const [, tag, mean, std] of summary) {
      const column = header.indexOf(`test_${tag}`);
      expect(column, `column test_${tag}`).toBeGreaterThan(3);
      // The summary row spans the first four columns with one cell.
      expect(means[column - 3]).toBe(`${mean} (± ${std})`);
    }
    await shot(page, 'cv-report');
  });

  it('CV report: per configuration, each fold as mlgym run printed it, mean (± std) over the folds, the best marked', async () => {
    // What mlgym run printed: the final val scores of each experiment, to 4 decimals.
    const printed = new Map<number, Record<string, string>>();
    for (const [, id, scores] of cv.stdout.matchAll(/^ +(\d+) +done +\d+ +[\d.]+s +val: (.+)$/gm))
      printed.set(Number(id), Object.fromEntries(scores!.split(' ').map((kv) => kv.split('=') as [string, string])));
    expect([...printed.keys()]).toEqual([0, 1, 2, 3]);
    // Each experiment's configuration and fold (stored with its config) and its exact final val scores (the log).
    const info = (id: number) =>
      (JSON.parse(readFileSync(join(storage, cv.gs, String(id), 'experiment_config.json'), 'utf8')) as Json)
        .cv_experiment_information.config as { hyper_paramater_combination_id: number; val_fold_id: number };
    const final = new Map<number, Record<string, number>>();
    for (const e of events(cv.gs).filter((x) => x.event_type === 'evaluation_result')) {
      const scores: Record<string, number> = {};
      for (const m of e.payload['metric_scores'] as Array<{ metric: string; split: string; score: number }>)
        if (m.split === 'val') scores[m.metric] = m.score;
      for (const l of e.payload['loss_scores'] as Array<{ loss: string; split: string; score: number }>)
        if (l.split === 'val') scores[l.loss] = l.score;
      final.set(e.payload.experiment_id, scores);
    }
    const tags = Object.keys(printed.get(0)!);
    expect(tags).toEqual(['F1_SCORE_binary', 'accuracy', 'auroc', 'cross_entropy_loss']);
    for (const [id, scores] of printed)
      for (const tag of tags) expect(scores[tag], `${id} ${tag}`).toBe(final.get(id)![tag]!.toFixed(4));

    const page = await open('/cv-report', cv.gs);
    const table = page.getByRole('table', { name: 'Configurations' });
    await table.waitFor();
    const header = await table.locator('thead th').allTextContents();
    // Ranked by the evaluation config's first metric, as mlgym run's report is.
    expect(header.slice(0, 2)).toEqual(['Configuration', 'Folds (F1_SCORE_binary)']);
    const stat = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      return { mean, text: `${mean.toFixed(4)} (± ${std.toFixed(4)})` };
    };
    const ids = [...printed.keys()];
    const combinations = [...new Set(ids.map((id) => info(id).hyper_paramater_combination_id))].sort();
    expect(combinations).toEqual([0, 1]);
    const meanF1 = new Map<number, number>();
    for (const c of combinations) {
      const runs = ids.filter((id) => info(id).hyper_paramater_combination_id === c);
      runs.sort((a, b) => info(a).val_fold_id - info(b).val_fold_id);
      expect(runs.map((id) => info(id).val_fold_id)).toEqual([0, 1]);
      const row = page.locator(`tr[data-combination="${c}"] td`);
      const folds = runs.map((id) => `${info(id).val_fold_id}: ${printed.get(id)!['F1_SCORE_binary']}`).join(' · ');
      await poll(async () => (await row.allTextContents())[1]).toBe(folds);
      const cells = await row.allTextContents();
      for (const tag of tags) {
        const column = header.indexOf(`val_${tag}`);
        expect(column, `column val_${tag}`).toBeGreaterThan(1);
        expect(cells[column], `configuration ${c}, val_${tag}`).toBe(stat(runs.map((id) => final.get(id)![tag]!)).text);
      }
      meanF1.set(c, stat(runs.map((id) => final.get(id)!['F1_SCORE_binary']!)).mean);
    }
    const best = combinations.reduce((a, b) => (meanF1.get(b)! > meanF1.get(a)! ? b : a));
    for (const c of combinations) {
      const first = (await page.locator(`tr[data-combination="${c}"] td`).first().textContent()) ?? '';
      expect(first.endsWith(' (best)'), `configuration ${c}: ${first}`).toBe(c === best);
    }
    await shot(page, 'cv-report-plain');
    expect(pageErrors.get(page)).toEqual([]);
  });

  it('experiment page: a failed experiment shows its error, and its stack trace folded', async () => {
    const page = await open('/experiment?experiment_id=1', SECOND_GS);
    const status = page.getByTestId('state').locator('[data-field="Job Status"]');
    await poll(() => status.textContent()).toBe('FAILED');
    const error = page.getByTestId('experiment-error');
    expect(await error.getByText(FAILURE, { exact: true }).isVisible()).toBe(true);
    const trace = error.locator('pre');
    expect(await trace.isVisible()).toBe(false);
    await error.getByText('Stack trace').click();
    expect(await trace.isVisible()).toBe(true);
    expect(await trace.textContent()).toBe(STACK);
    // However far it got, a failed experiment's gauges are not the green of a completed one.
    expect(await page.locator('[role="meter"]').evaluateAll((m) => m.map((x) => x.getAttribute('data-state')))).toEqual(
      ['failed', 'failed'],
    );
    await shot(page, 'experiment-failed');
    expect(pageErrors.get(page)).toEqual([]);
  });
});
