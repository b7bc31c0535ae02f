import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { Browser } from 'playwright-core';
import type { MlgymEvent, PublishAck } from '@mlgym/protocol';
import { freePort, startApp, stopped, until } from './helpers.js';
import type { Stack } from './mlboardHarness.js';
import { gridCell, launchChromium, openPage, screenshot, startStack } from './mlboardHarness.js';

const GS = '2025-05-05--05-05-05';
const EXPERIMENTS = [0, 1, 2];
const EPOCHS = 30;
const loss = (exp: number, epoch: number) => Number((1 / (epoch + 1) + exp / 10).toFixed(6));

function job(experiment_id: number, status: 'RUNNING' | 'DONE'): MlgymEvent {
  return {
    event_type: 'job_status',
    creation_ts: Date.now() * 1000,
    payload: {
      grid_search_id: GS,
      experiment_id,
      job_id: `${GS}-${experiment_id}`,
      job_type: 1,
      status,
      starting_time: 1_746_000_000,
      finishing_time: status === 'DONE' ? 1_746_000_060 : -1,
      error: null,
      stacktrace: null,
    },
  };
}

function result(experiment_id: number, epoch: number): MlgymEvent {
  return {
    event_type: 'evaluation_result',
    creation_ts: Date.now() * 1000,
    payload: {
      grid_search_id: GS,
      experiment_id,
      epoch,
      metric_scores: [],
      loss_scores: [{ loss: 'cross_entropy_loss', split: 'val', score: loss(experiment_id, epoch) }],
    },
  };
}

/** Publishes batches in order like the trainer's reporter: a batch not acknowledged is sent again. */
async function publish(socket: Socket, batches: MlgymEvent[][], onAck: (done: number) => void): Promise<void> {
  let seq = 0;
  for (const [i, events] of batches.entries()) {
    for (;;) {
      const ack = await new Promise<PublishAck | undefined>((resolve) => {
        socket
          .timeout(1000)
          .emit(
            'mlgym_events',
            { publisher_id: 'live-test', first_seq: seq, events },
            (err: Error | null, a?: PublishAck) => resolve(err ? undefined : a),
          );
      });
      if (ack?.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    seq += events.length;
    onAck(i + 1);
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe(
  'MLboard live: the websocket endpoint is killed and restarted while a run streams',
  { timeout: 60_000 },
  () => {
    let stack: Stack | undefined;
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    });

    it('reconnects by itself, keeps what it showed, and ends with every value exactly once', async () => {
      const storage = mkdtempSync(join(tmpdir(), 'mlboard-live-'));
      const wsPort = await freePort();
      [stack, browser] = await Promise.all([startStack(storage, { runId: GS, wsPort }), launchChromium()]);
      const { page, errors } = await openPage(browser);
      await page.goto(stack.board.url.replace('/?', '/analysisboard?'));
      await page.getByText('Socket Connection Successful').waitFor({ timeout: 20_000 });
      await page.getByText(`Unknown grid search "${GS}"`).waitFor();

      const batches: MlgymEvent[][] = [
        EXPERIMENTS.map((e) => job(e, 'RUNNING')),
        ...Array.from({ length: EPOCHS }, (_, epoch) => EXPERIMENTS.map((e) => result(e, epoch))),
        EXPERIMENTS.map((e) => job(e, 'DONE')),
      ];
      const total = batches.flat().length;
      const publisher = connect(`http://127.0.0.1:${wsPort}`, {
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 300,
      });
      let acked = 0;
      const publishing = publish(publisher, batches, (n) => (acked = n));

      const chart = page.locator('canvas[role="img"]');
      await until(async () => (await chart.count()) === 1, 20_000, 'the live chart');
      const description = async () => {
        const id = await chart.getAttribute('aria-describedby');
        return page.locator(`[id="${id}"]`).textContent();
      };
      const drawn = async () => Number(/experiment_2: (\d+) points/.exec((await description()) ?? '')?.[1] ?? 0);
      // A third of the run stored and drawn (the page may trail the server on a busy machine).
      await until(() => acked >= 12, 20_000, 'a third of the run stored');
      await until(async () => (await drawn()) >= 11, 20_000, 'a third of the run drawn');
      const lines = await chart.getAttribute('aria-label');
      expect(lines).toBe('val_cross_entropy_loss: 3 experiments (0, 1, 2)');

      const disconnected = page.getByText('Socket disconnected, reconnecting…').waitFor({ timeout: 20_000 });
      const before = await drawn();
      stack.ws.child.kill('SIGKILL');
      await stopped(stack.ws.child);
      await disconnected;
      // while the endpoint is down the page keeps every line it drew
      expect(await drawn()).toBeGreaterThanOrEqual(before);
      expect(await page.getByText('Connection lost').count()).toBe(1);
      await screenshot(page, 'live-disconnected');
      const reconnected = page.getByText('Socket reconnected').waitFor({ timeout: 30_000 });
      stack.ws = await startApp('ml_board_ws_endpoint', stack.wsArgs);
      await reconnected;
      await publishing;
      publisher.close();

      const everyEpoch = EXPERIMENTS.map((e) => `experiment_${e}: ${EPOCHS} points, epochs 0–${EPOCHS - 1}`).join('; ');
      await until(async () => (await description()) === everyEpoch, 20_000, 'every epoch of every experiment');

      // Exactly once: the stored log holds each event once, and the page received each once.
      const stored = readFileSync(join(storage, GS, 'event_storage.log'), 'utf8')
        .trim()
        .split('\n');
      expect(stored).toHaveLength(total);
      await page.getByRole('button', { name: 'Open menu' }).click();
      await page.getByText(`Messages received: ${total}`).waitFor({ timeout: 10_000 });
      await page.getByText('Connected: Yes').waitFor();
      await page.getByRole('navigation').getByRole('button', { name: 'Dashboard' }).click();
      for (const e of EXPERIMENTS) {
        const row = page.locator(`[role="row"][row-id="${e}"]`);
        await until(async () => (await (await gridCell(row, 'status')).innerText()) === 'COMPLETED', 10_000, 'done');
        expect(await (await gridCell(row, 'val_cross_entropy_loss')).innerText()).toBe(
          String(Number(loss(e, EPOCHS - 1).toPrecision(4))),
        );
      }
      await screenshot(page, 'live-dashboard');
      expect(errors).toEqual([]);
    });
  },
);
