// The soak's look at MLboard in Chromium: the dashboard table, opened once the board is up (before training) and
// kept open through every kill. The page is never reloaded: the websocket data must come back by itself, and a
// page that lost its table, or needed a file of ml_board while ml_board was down, is a failure (reported, never
// repaired by a reload). At the end the same document, read as a person reads it, must show every experiment
// COMPLETED with the final scores of the event log.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openPage, screenshot } from '../mlboardHarness.js';
import { readEvents } from './checks.js';
import type { SoakOptions } from './soakRun.js';

type BoardState = Parameters<NonNullable<SoakOptions['onBoard']>>[0];

/** What a table cell shows for a score: integers as they are, else 4 significant digits (cellFormat.ts). */
export function tableNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

export interface TableRow {
  status: string;
  scores: Record<string, string>;
}

/** Per experiment: COMPLETED and its last evaluation_result in the log, as the table shows it. */
export function expectedTable(gsDir: string): Record<string, TableRow> {
  const out: Record<string, TableRow> = {};
  for (const e of readEvents(gsDir)) {
    if (e.event_type !== 'evaluation_result') continue;
    const p = e.payload as {
      experiment_id: number;
      metric_scores: Array<{ metric: string; split: string; score: number }>;
      loss_scores: Array<{ loss: string; split: string; score: number }>;
    };
    const scores: Record<string, string> = {};
    for (const m of p.metric_scores) scores[`${m.split}_${m.metric}`] = tableNumber(m.score);
    for (const l of p.loss_scores) scores[`${l.split}_${l.loss}`] = tableNumber(l.score);
    out[String(p.experiment_id)] = { status: 'COMPLETED', scores };
  }
  return out;
}

/**
 * The table's rows as shown: status cell and the cells of `keys`, by experiment id. ag-grid renders a row once per
 * pinned section (same row-id), so cells are gathered over every element of a row.
 */
async function readTable(page: Page, keys: string[]): Promise<Record<string, TableRow>> {
  const cells = await page
    .locator('[role="grid"] [role="row"][row-id]')
    .evaluateAll((rows) =>
      rows.map((r) => [
        r.getAttribute('row-id') ?? '',
        [...r.querySelectorAll<HTMLElement>('[col-id]')].map((c) => [c.getAttribute('col-id') ?? '', c.innerText]),
      ]),
    );
  const out: Record<string, TableRow> = {};
  for (const [id, pairs] of cells as Array<[string, Array<[string, string]>]>) {
    const row = (out[id] ??= { status: '', scores: {} });
    for (const [col, text] of pairs) {
      if (col === 'status') row.status = text.trim();
      else if (keys.includes(col)) row.scores[col] = text.trim();
    }
  }
  return out;
}

/** The grid search chip's state (connecting, connected, reconnecting) as its label says. */
const CHIP = '[aria-label^="Grid search "]';

export interface BoardPageReport {
  /** Connection states in the order the chip showed them, from the page's first render (repeats folded). */
  states: string[];
  /** When the page showed each of `states` (ms since the epoch). */
  stateTimes: number[];
  /**
   * What went wrong with the page itself: files of ml_board it could not load, a table gone at the end, a document
   * other than the one opened (a reload or navigation). Each one fails the round.
   */
  failures: string[];
  errors: string[];
  /** Seconds from the end of the run until the table showed the log's final state. */
  settleSeconds: number;
}

/**
 * `onBoard` for soakRun (the final state is polled until it matches or `timeoutMs` passes); `report()` after the
 * round says what the page went through.
 */
export function boardPageCheck(
  browser: Browser,
  opts: { log: (line: string) => void; timeoutMs?: number; screenshotName?: string },
) {
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let origin = '';
  let errors: string[] = [];
  const states: string[] = [];
  const stateTimes: number[] = [];
  const failures: string[] = [];
  /** A mark set in the document opened; a reload or navigation would leave a document without it. */
  const mark = `soak-${Date.now()}-${Math.random()}`;
  let settleSeconds = NaN;

  /** Every state the chip shows, told by the page itself (a MutationObserver, installed in every document). */
  async function watch(p: Page): Promise<void> {
    await p.exposeFunction('__mlgymChipChanged', (label: string) => {
      const state = /, (\w+)$/.exec(label)?.[1];
      if (state && states.at(-1) !== state) {
        states.push(state);
        stateTimes.push(Date.now());
      }
    });
    await p.addInitScript((selector: string) => {
      const tell = (window as unknown as { __mlgymChipChanged: (label: string) => void }).__mlgymChipChanged;
      let last = '';
      new MutationObserver(() => {
        const label = document.querySelector(selector)?.getAttribute('aria-label') ?? '';
        if (label && label !== last) tell((last = label));
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
    }, CHIP);
  }

  async function open(state: BoardState): Promise<void> {
    const url = new URL(state.boardUrl);
    url.pathname = '/dashboard';
    url.searchParams.set('run_id', state.gridSearchId!);
    origin = url.origin;
    ({ context, page, errors } = await openPage(browser));
    // Every column of the table is in the DOM at any width; a smaller window is less for Chromium to paint while
    // the soak's processes share the machine.
    await page.setViewportSize({ width: 1100, height: 500 });
    // A request for the page's own files that fails means ml_board was down when the page needed it.
    page.on('requestfailed', (r) => {
      if (r.url().startsWith(origin))
        failures.push(`a file of ml_board failed to load: ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`);
    });
    await watch(page);
    await page.goto(url.href);
    // A new document (a reload, or a navigation off the app; not the app's own history.replaceState).
    const opened = page;
    page.on('domcontentloaded', () => failures.push(`the page loaded another document: ${opened.url()}`));
    await page.locator(`${CHIP}[aria-label$=", connected"]`).waitFor({ timeout: 30_000 });
    await page.evaluate((m) => ((window as unknown as { __soakMark: string }).__soakMark = m), mark);
    opts.log(`board page open at ${url.href}`);
  }

  async function finish(state: BoardState): Promise<void> {
    const ended = Date.now();
    const p = page!;
    if ((await p.evaluate(() => (window as unknown as { __soakMark?: string }).__soakMark)) !== mark)
      failures.push('the document opened is gone (reloaded or navigated away)');
    if ((await p.locator('[role="grid"]').count()) === 0) failures.push('the page has no table');
    // Not repaired: what a person would have to reload for fails the round, named.
    expect(failures, 'the board page, never reloaded').toEqual([]);
    const want = expectedTable(state.gsDir);
    const keys = [...new Set(Object.values(want).flatMap((r) => Object.keys(r.scores)))];
    await expect.poll(() => readTable(p, keys), { timeout: opts.timeoutMs ?? 60_000, interval: 250 }).toEqual(want);
    settleSeconds = (Date.now() - ended) / 1000;
    expect(await p.getByRole('grid').getAttribute('aria-rowcount')).toBe(String(Object.keys(want).length + 1));
    expect(await p.locator(CHIP).getAttribute('aria-label')).toBe(`Grid search ${state.gridSearchId}, connected`);
    if (opts.screenshotName) await screenshot(p, opts.screenshotName);
    await context?.close();
  }

  return {
    onBoard: (state: BoardState) => (state.done ? finish(state) : open(state)),
    report(): BoardPageReport {
      return { states, stateTimes, failures, errors, settleSeconds };
    },
    async close(): Promise<void> {
      await context?.close().catch(() => undefined);
    },
  };
}
