import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  stop(): Promise<void>;
}

/** The three processes a person runs, on free ports, the endpoints allowing the board's origin. */
export async function startStack(storage: string, opts: { runId?: string; wsPort?: number } = {}): Promise<Stack> {
  const boardPort = await freePort();
  const cors = ['--cors_allowed_origins', `http://127.0.0.1:${boardPort}`];
  const wsArgs = ['--port', String(opts.wsPort ?? 0), '--event_storage_path', storage, ...cors];
  const [ws, rest] = await Promise.all([
    startApp('ml_board_ws_endpoint', wsArgs),
    startApp('ml_board_rest_endpoint', ['--port', '0', '--event_storage_path', storage, ...cors]),
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
  return {
    ws,
    rest,
    board,
    storage,
    wsArgs,
    async stop() {
      const all = [this.board, this.ws, this.rest];
      for (const p of all) p.child.kill('SIGTERM');
      await Promise.all(all.map((p) => stopped(p.child)));
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh page (empty localStorage) that fails the test on any uncaught page error. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
