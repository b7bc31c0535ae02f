import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from './mlboardHarness.js';
import { FIXTURE_GS, fixtureStorage, launchChromium, openPage, screenshot, startStack } from './mlboardHarness.js';

/*
 * MLboard signing in to a protected pair of endpoints (issue 24): both endpoints share one tokens file, as a
 * team server's do. A person opens the board's link, is asked for a token, enters it once for both endpoints and
 * sees the run; a token limited to other grid searches is told why it sees nothing.
 */

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef';
const poll = <T>(read: () => Promise<T> | T, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

let stack: Stack;
let browser: Browser;
const errors: string[][] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-login-'));
  const tokens = join(dir, 'tokens');
  writeFileSync(
    tokens,
    [`${ALICE} read name=alice grid_searches=${FIXTURE_GS}`, `${BOB} read name=bob grid_searches=other-*`, ''].join(
      '\n',
    ),
  );
  [stack, browser] = await Promise.all([
    startStack(fixtureStorage(), { runId: FIXTURE_GS, endpointArgs: ['--auth_tokens_file', tokens] }),
    launchChromium(),
  ]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  // no page error, no console error but the refused requests' network lines
  expect(errors.flat()).toEqual([]);
});

/** Answers the token dialog that is open now, sending the token to both endpoints. */
async function signIn(page: Page, token: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: /^Sign in to the (REST|websocket) endpoint$/ });
  await dialog.waitFor({ timeout: 30_000 });
  const title = (await dialog.getByRole('heading').innerText()).trim();
  await dialog.getByLabel('Token').fill(token);
  await dialog
    .getByRole('checkbox', { name: /^Use it for the (REST|websocket) endpoint http:\/\/127\.0\.0\.1:\d+ too$/ })
    .check();
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'detached' });
  return title;
}

describe('MLboard on endpoints that need a token', { timeout: 120_000 }, () => {
  it('asks once, signs in to both endpoints, shows the run and who it is connected as', async () => {
    const { context, page, errors: seen } = await openPage(browser);
    errors.push(seen);
    await page.goto(stack.board.url);
    const asked = await signIn(page, ALICE);
    expect(asked).toMatch(/^Sign in to the (REST|websocket) endpoint$/);
    // one token for both: no second dialog, the charts of the run are drawn from the protected history
    await poll(() => page.locator('canvas[role="img"]').count()).toBeGreaterThan(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByLabel(/^Connected as: alice \(scope read, grid searches 2026-12-02--04-11-28\)$/).waitFor();
    await screenshot(page, 'login-signed-in');
    // the table's rows came over the same protected socket
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('navigation').getByRole('button', { name: 'Dashboard' }).click();
    await poll(() => page.locator('.ag-row').count()).toBeGreaterThan(0);
    // kept for this tab and these two origins only: not in the URL, not in localStorage
    const kept = await page.evaluate(() => ({ ...sessionStorage }));
    expect(kept).toEqual({
      [`mlboard.token http://127.0.0.1:${stack.rest.port}`]: ALICE,
      [`mlboard.token http://127.0.0.1:${stack.ws.port}`]: ALICE,
    });
    expect(page.url()).not.toContain(ALICE);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(ALICE);
    await context.close();
  });

  it('a wrong token is refused in the dialog; a token for other grid searches is told why nothing shows', async () => {
    const { context, page, errors: seen } = await openPage(browser);
    errors.push(seen);
    await page.goto(stack.board.url);
    const dialog = page.getByRole('dialog', { name: /^Sign in to the (REST|websocket) endpoint$/ });
    await dialog.getByLabel('Token').fill('not-a-token-of-this-server');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText(/refused the token it was sent/).waitFor();
    await signIn(page, BOB);
    await page
      .getByText(/endpoint refused access \(AUTH_FORBIDDEN\)/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('canvas[role="img"]').count()).toBe(0);
    // said once, in the banner of refusals
    expect(await page.getByText(/AUTH_FORBIDDEN/).count()).toBe(1);
    await screenshot(page, 'login-forbidden');
    await context.close();
  });
});
