import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { freePort, repo, startApp, stopped, until } from './helpers.js';
import type { Started } from './helpers.js';

/** The recorded tabular grid search (4 experiments, 3 epochs, checkpoints, model summaries). */
export const FIXTURE_GS = '2026-12-02--04-11-28';
export const FIXTURE_DIR = resolve(repo, 'test/fixtures/mlboard', FIXTURE_GS);
/** A second grid search made from the first one's experiments 0 and 1 only. */
export const SECOND_GS = '2026-12-02--05-00-00';
/** A recorded nested cross validation of the same table (2 outer × 2 inner folds, 2 learning rates; no checkpoints). */
export const NESTED_GS = '2026-12-02--04-57-06';
/** What `mlgym run` printed as its nested-CV report for it. */
export const NESTED_REPORT = resolve(repo, 'test/fixtures/mlboard/nested-cv-report.txt');
export const ARTIFACTS = resolve(repo, 'test/artifacts/mlboard');

export interface Board {
  storage: string;
  restUrl: string;
  wsUrl: string;
  boardUrl: string;
  /** The URL `ml_board` printed, opening a grid search. */
  printedUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Copies the fixture and derives the second grid search (renamed, experiments 0 and 1 only). */
function prepareStorage(): string {
  const storage = mkdtempSync(join(tmpdir(), 'mlboard-pages-'));
  cpSync(FIXTURE_DIR, join(storage, FIXTURE_GS), { recursive: true });
  cpSync(resolve(FIXTURE_DIR, '..', NESTED_GS), join(storage, NESTED_GS), { recursive: true });
  const second = join(storage, SECOND_GS);
  mkdirSync(second);
  for (const name of ['grid_search_config.yml', 'run_config.yml']) cpSync(join(FIXTURE_DIR, name), join(second, name));
  for (const exp of ['0', '1']) cpSync(join(FIXTURE_DIR, exp), join(second, exp), { recursive: true });
  const lines = readFileSync(join(FIXTURE_DIR, 'event_storage.log'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      const id = (JSON.parse(l) as { payload?: { experiment_id?: number } }).payload?.experiment_id;
      return id === 0 || id === 1;
    })
    .map((l) => l.replaceAll(FIXTURE_GS, SECOND_GS));
  writeFileSync(join(second, 'event_storage.log'), `${lines.join('\n')}\n`);
  return storage;
}

/**
 * Starts ml_board_ws_endpoint, ml_board_rest_endpoint and ml_board (the built CLIs) on free ports
 * over a copy of the fixture, and Debian's Chromium.
 */
export async function startBoard(): Promise<Board> {
  const storage = prepareStorage();
  const [restPort, wsPort, boardPort] = [await freePort(), await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${boardPort}`;
  const started: Started[] = [];
  try {
    started.push(
      await startApp('ml_board_ws_endpoint', [
        '--port',
        String(wsPort),
        '--event_storage_path',
        storage,
        '--fsync',
        'never',
        '--cors_allowed_origins',
        origin,
      ]),
    );
    started.push(
      await startApp('ml_board_rest_endpoint', [
        '--port',
        String(restPort),
        '--event_storage_path',
        storage,
        '--cors_allowed_origins',
        origin,
      ]),
    );
    const restUrl = `http://127.0.0.1:${restPort}`;
    const wsUrl = `http://127.0.0.1:${wsPort}`;
    const board = await startApp('ml_board', [
      '--ml_board_port',
      String(boardPort),
      '--rest_endpoint',
      restUrl,
      '--ws_endpoint',
      wsUrl,
      '--run_id',
      FIXTURE_GS,
    ]);
    started.push(board);
    await until(() => board.output().includes('ACCESS MLBOARD VIA'), 5_000, 'the printed URL');
    const printedUrl = /ACCESS MLBOARD VIA (\S+)/.exec(board.output())?.[1];
    if (!printedUrl) throw new Error(`ml_board printed no URL: ${board.output()}`);
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    return {
      storage,
      restUrl,
      wsUrl,
      boardUrl: origin,
      printedUrl,
      browser,
      async close() {
        await browser.close().catch(() => undefined);
        for (const s of started) s.child.kill('SIGTERM');
        await Promise.all(started.map((s) => stopped(s.child)));
        rmSync(storage, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const s of started) s.child.kill('SIGKILL');
    rmSync(storage, { recursive: true, force: true });
    throw error;
  }
}
