import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stack } from './mlboardHarness.js';
import { FIXTURE_GS, fixtureStorage, launchChromium, openPage, startStack } from './mlboardHarness.js';

/**
 * ml_board's Content-Security-Policy in a real browser: every page of the board works under it, and the browser
 * reports no violation (a policy too strict for the board would show up here as one, or as a blank page).
 */
let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack(fixtureStorage(), { runId: FIXTURE_GS });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('ml_board under its Content-Security-Policy', () => {
  it('shows the charts, the table, the settings and an experiment with no policy violation', async () => {
    const { context, page, errors } = await openPage(browser);
    const violations: string[] = [];
    await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(
          `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
        );
      });
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('worker', (worker) =>
      worker.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(`worker: ${m.text()}`);
      }),
    );
    const response = await page.goto(stack.board.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const origin = stack.board.origin;
    const query = new URL(stack.board.url).search;
    await page.goto(`${origin}/dashboard${query}`);
    await expect.poll(() => page.locator('.ag-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.goto(`${origin}/experiment${query}&experiment_id=0`);
    // its overview comes from the events, its device line over REST
    await expect
      .poll(() => page.getByTestId('overview').locator('[data-field="Device"]').textContent(), { timeout: 30_000 })
      .toMatch(/ on /);
    await page.goto(`${origin}/settings${query}`);
    await expect.poll(() => page.locator('input').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // MUI and AG Grid styled what they drew (their <style> elements are allowed).
    expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
