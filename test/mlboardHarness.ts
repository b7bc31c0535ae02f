import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Started } from './helpers.js';
import { freePort, repo, startApp, stopped } from './helpers.js';

export const FIXTURE_GS = '2026-12-02--04-11-28';
export const ARTIFACTS = resolve(repo, 'test/artifacts');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A copy of the recorded grid search (the servers may write next to it; the fixture stays untouched). */
export function fixtureStorage(): string {
  const root = mkdtempSync(join(tmpdir(), 'mlboard-e2e-'));
  cpSync(resolve(repo, 'test/fixtures/mlboard'), root, { recursive: true });
  return root;
}

export interface Board {
  child: Started['child'];
  /** The `====> ACCESS MLBOARD VIA` URL. */
  url: string;
  origin: string;
  output: () => string;
}

/** Starts `ml_board` on a free port and waits for the URL it prints. */
export function startBoard(args: readonly string[]): Promise<Board> {
  const child = spawn(process.execPath, [resolve(repo, 'apps/ml_board/dist/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  return new Promise<Board>((done, fail) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const url = /====> ACCESS MLBOARD VIA (\S+)/.exec(text)?.[1];
      if (url) done({ child, url, origin: new URL(url).origin, output: () => text });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) => fail(new Error(`ml_board exited with ${code}: ${text}`)));
  });
}

export interface Stack {
  ws: Started;
  rest: Started;
  board: Board;
  storage: string;
  /** The websocket endpoint's arguments, to restart it as it was. */
  wsArgs: string[];
  /** The REST endpoint's arguments, to restart it as it was. */
  restArgs: string[];
  stop(): Promise<void>;
}

export interface StackOptions {
  runId?: string;
  wsPort?: number;
  restPort?: number;
  /** More arguments for both endpoints (e.g. `--auth_token T`), before those for one of them. */
  endpointArgs?: readonly string[];
  /** More arguments for the websocket endpoint only. */
  wsArgs?: readonly string[];
  /** More arguments for the REST endpoint only. */
  restArgs?: readonly string[];
}

/** The three processes a person runs, on free ports, the endpoints allowing the board's origin. */
export async function startStack(storage: string, opts: StackOptions = {}): Promise<Stack> {
  const boardPort = await freePort();
  const cors = ['--cors_allowed_origins', `http://127.0.0.1:${boardPort}`];
  const shared = opts.endpointArgs ?? [];
  const wsArgs = [
    '--port',
    String(opts.wsPort ?? 0),
    '--event_storage_path',
    storage,
    ...cors,
    ...shared,
    ...(opts.wsArgs ?? []),
  ];
  const restArgs = [
    '--port',
    String(opts.restPort ?? 0),
    '--event_storage_path',
    storage,
    ...cors,
    ...shared,
    ...(opts.restArgs ?? []),
  ];
  const [ws, rest] = await Promise.all([
    startApp('ml_board_ws_endpoint', wsArgs),
    startApp('ml_board_rest_endpoint', restArgs),
  ]);
  const board = await startBoard([
    '--ml_board_port',
    String(boardPort),
    '--ws_endpoint',
    `http://127.0.0.1:${ws.port}`,
    '--rest_endpoint',
    `http://127.0.0.1:${rest.port}`,
    ...(opts.runId ? ['--run_id', opts.runId] : []),
  ]);
  const stack: Stack = {
    ws,
    rest,
    board,
    storage,
    wsArgs,
    restArgs,
    async stop() {
      // Tests replace a service they restarted on the stack: stop what is there now.
      const all = [stack.board, stack.ws, stack.rest];
      for (const p of all) p.child.kill('SIGTERM');
      await Promise.all(all.map((p) => stopped(p.child)));
    },
  };
  return stack;
}

/**
 * Chromium as the e2e tests drive it. `fulfilledPages`: pages a test serves through `route.fulfill` (e.g.
 * with an added header) still reach the endpoints on loopback; Chromium's local network access checks
 * would otherwise count such a page as public and refuse it.
 */
export async function launchChromium({ fulfilledPages = false }: { fulfilledPages?: boolean } = {}): Promise<Browser> {
  const disabled = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];
  if (fulfilledPages) disabled.push('LocalNetworkAccessChecks');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // each new window's WebUI omnibox popup costs ~1.2 s of CPU in Chromium 156, page by page
      `--disable-features=${disabled.join(',')}`,
    ],
  });
}

/**
 * Console errors a browser logs for the network (a refused connection, an endpoint's 4xx): the pages
 * meet these on purpose (unreachable endpoints, reconnects) and explain them on the page.
 */
const NETWORK_CONSOLE_ERROR =
  /^(Failed to load resource|WebSocket connection to .* failed|Access to fetch at)|net::ERR_/;

/**
 * A fresh page (empty localStorage). `errors` collects uncaught page errors, errors a library logs to
 * the console (e.g. `AG Grid: error #200`, React's), Content-Security-Policy violations, and any request
 * that leaves this machine (the board must work with no network: no CDN, no web fonts).
 */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !NETWORK_CONSOLE_ERROR.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:', 'file:'].includes(url.protocol) && !['127.0.0.1', 'localhost'].includes(url.hostname)) {
      errors.push(`request to another machine: ${r.url()}`);
    }
  });
  return { context, page, errors };
}

/** A grid search whose log holds what a person may meet: a null score, an unknown and a malformed event. */
export const BAD_GS = 'bad-events';
export function writeBadEvents(storage: string): void {
  const dir = join(storage, BAD_GS);
  mkdirSync(dir, { recursive: true });
  const evaluation = (epoch: number, f1: number | null, loss: number) => ({
    event_type: 'evaluation_result',
    creation_ts: 2,
    payload: {
      grid_search_id: BAD_GS,
      experiment_id: 0,
      epoch,
      metric_scores: [{ metric: 'F1_SCORE_macro', split: 'val', score: f1 }],
      loss_scores: [{ loss: 'cross_entropy_loss', split: 'val', score: loss }],
    },
  });
  const lines = [
    {
      event_type: 'job_status',
      creation_ts: 1,
      payload: {
        grid_search_id: BAD_GS,
        experiment_id: 0,
        job_id: 0,
        job_type: 1,
        status: 'RUNNING',
        starting_time: 1_700_000_000,
        finishing_time: -1,
        error: null,
        stacktrace: null,
      },
    },
    evaluation(0, null, 0.5),
    { event_type: 'job_scheduled', creation_ts: 3, payload: { grid_search_id: BAD_GS } },
    { event_type: 'evaluation_result', creation_ts: 4, payload: { grid_search_id: BAD_GS, experiment_id: 'zero' } },
    evaluation(1, 0.7, 0.4),
  ];
  writeFileSync(join(dir, 'event_storage.log'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Waits until the page has drawn two frames (the grid draws the columns a scroll brought in). */
const twoFrames = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/**
 * The cell of `colId` in a table row, scrolled into view as a person would: the grid draws only the
 * columns on screen (and a few beside them), so a column further right exists once scrolled to.
 */
export async function gridCell(row: Locator, colId: string): Promise<Locator> {
  const cell = row.locator(`[col-id="${colId}"]`);
  const page = row.page();
  // the grid's horizontal scrollbar (what a person drags) moves the columns
  const scrollbar = page.locator('.ag-body-horizontal-scroll-viewport');
  for (let step = 0; (await cell.count()) === 0; step++) {
    const moved = await scrollbar.evaluate((el, at) => {
      const before = el.scrollLeft;
      el.scrollLeft = at;
      return el.scrollLeft !== before || at === 0;
    }, step * 400);
    if (!moved && step > 0) throw new Error(`no column ${colId} in the table, even scrolled to its right end`);
    await twoFrames(page);
  }
  return cell;
}

/** The ids of the table's columns in order, as found scrolling it from its left end to its right end. */
export async function gridColumnIds(page: Page): Promise<string[]> {
  const scrollbar = page.locator('.ag-body-horizontal-scroll-viewport');
  const seen: string[] = [];
  for (let at = 0; ; at += 400) {
    const end = await scrollbar.evaluate((el, x) => {
      el.scrollLeft = x;
      return el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
    }, at);
    await twoFrames(page);
    for (const id of await page
      .locator('[role="columnheader"][col-id]')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('col-id') ?? '')))
      if (!seen.includes(id)) seen.push(id);
    if (end) return seen;
  }
}
