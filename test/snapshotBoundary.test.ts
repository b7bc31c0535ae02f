import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { decodeSnapshot } from '@mlgym/protocol';
import type { PublishAck } from '@mlgym/protocol';
import { EVENT_SNAPSHOT_FILE } from '@mlgym/storage';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { createSocketSession } from '../packages/dashboard/src/connection/worker/socketSession.js';
import type { FromWorker } from '../packages/dashboard/src/connection/worker/workerMessages.js';
import { startApp, stopped, until } from './helpers.js';

/**
 * MLboard's socket worker (its session, driven as the worker drives it) loading a grid search from the
 * endpoint's snapshot, with events published while it loads, and after the endpoint was killed with
 * SIGKILL between two writes of the snapshot: every event reaches the page once.
 */

const GS = 'snapshot-boundary';
const EXPERIMENTS = 8;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Event `i`: experiment `i % 8`'s accuracy at epoch `⌊i / 8⌋`. */
const event = (i: number) => ({
  event_type: 'evaluation_result',
  creation_ts: i,
  payload: {
    grid_search_id: GS,
    experiment_id: i % EXPERIMENTS,
    epoch: Math.floor(i / EXPERIMENTS),
    metric_scores: [{ metric: 'accuracy', split: 'val', score: i / 100_000 }],
    loss_scores: [],
  },
});

function publisher(url: string) {
  let published = 0;
  const socket = io(url, { transports: ['websocket'], forceNew: true });
  cleanup.push(() => void socket.close());
  return {
    get published() {
      return published;
    },
    /** Publishes the next `n` events, acknowledged (the publisher's sequence numbers are the event ids). */
    async publish(n: number, from = published): Promise<void> {
      const events = Array.from({ length: n }, (_, i) => event(from + i));
      const ack = await new Promise<PublishAck>((r) =>
        socket.emit('mlgym_events', { publisher_id: 'p', first_seq: from, events }, r),
      );
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      published = Math.max(published, from + n);
    },
  };
}

/** A session of the board's worker against `url`; what it posts is applied and acknowledged as the page does. */
function board(url: string) {
  const posted: FromWorker[] = [];
  const session = createSocketSession({
    connect: (u, options) => io(u, { ...options, forceNew: true }),
    post: (message) => {
      posted.push(message);
      if (message.type === 'data') setTimeout(() => session.handle({ type: 'ack' }), 0);
    },
  });
  cleanup.push(() => session.handle({ type: 'close' }));
  session.handle({
    type: 'connect',
    settings: { gridSearchId: GS, socketConnectionUrl: url, restApiUrl: 'http://127.0.0.1:1' },
    lastEventId: -1,
    token: null,
  });
  /** Per experiment, every epoch posted, in order (an event posted twice shows twice). */
  const epochs = () => {
    const out = new Map<number, number[]>();
    for (const m of posted)
      if (m.type === 'data')
        for (const p of m.update.points) out.set(p.experiment_id, [...(out.get(p.experiment_id) ?? []), ...p.epochs]);
    return out;
  };
  return {
    posted,
    folded: () => [...epochs().values()].reduce((n, e) => n + e.length, 0),
    events: () => posted.reduce((n, m) => n + (m.type === 'data' ? m.update.events : 0), 0),
    snapshotEvents: () => {
      const done = posted.find((m) => m.type === 'historyDone');
      return done?.type === 'historyDone' ? done.timeline?.snapshot?.events : undefined;
    },
    expectEveryEventOnce(published: number) {
      for (let x = 0; x < EXPERIMENTS; x++) {
        const want = Array.from({ length: Math.ceil((published - x) / EXPERIMENTS) }, (_, e) => e);
        expect(epochs().get(x), `experiment ${x}`).toEqual(want);
      }
    },
  };
}

describe('the board across the snapshot’s boundary', { timeout: 120_000 }, () => {
  it('loses and repeats nothing while events are published as it loads the snapshot and the history after it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshot-boundary-'));
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage, historyChunkBytes: 2048 });
    const url = `http://127.0.0.1:${await endpoint.listen(0)}`;
    cleanup.push(
      () => rmSync(root, { recursive: true, force: true }),
      () => storage.close(),
      () => endpoint.close(),
    );
    const p = publisher(url);
    await p.publish(4000);
    const page = board(url);
    // publishing goes on while the page loads (its snapshot, the history after it, its join)
    while (!page.posted.some((m) => m.type === 'historyDone')) {
      await p.publish(25);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(page.snapshotEvents()).toBeGreaterThanOrEqual(4000);
    await p.publish(100);
    await until(() => page.folded() === p.published, 15_000, 'every event on the page');
    page.expectEveryEventOnce(p.published);
    expect(page.events()).toBe(p.published);
  });

  it('goes on from the snapshot kept before the endpoint was killed with SIGKILL, and the log beyond it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshot-kill-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    // a log long enough for its snapshot to be kept beside it once made (10,000 events beyond the kept one)
    const stored = 12_000;
    mkdirSync(join(root, GS));
    writeFileSync(
      join(root, GS, 'event_storage.log'),
      Array.from({ length: stored }, (_, i) => `${JSON.stringify(event(i))}\n`).join(''),
    );
    const args = ['--port', '0', '--event_storage_path', root];
    const first = await startApp('ml_board_ws_endpoint', args);
    cleanup.push(() => void first.child.kill('SIGKILL'));
    const firstUrl = `http://127.0.0.1:${first.port}`;
    const res = await fetch(`${firstUrl}/snapshot/${GS}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const kept = join(root, GS, EVENT_SNAPSHOT_FILE);
    await until(() => existsSync(kept), 20_000, 'the snapshot kept beside the log');
    expect(decodeSnapshot(new Uint8Array(readFileSync(kept))).nextEventId).toBe(stored);
    // more events, folded live but not kept yet; then the endpoint is killed
    const p = publisher(firstUrl);
    await p.publish(700, stored);
    first.child.kill('SIGKILL');
    await stopped(first.child);
    expect(decodeSnapshot(new Uint8Array(readFileSync(kept))).nextEventId).toBe(stored);

    const second = await startApp('ml_board_ws_endpoint', args);
    cleanup.push(() => void second.child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${second.port}`;
    const page = board(url);
    await until(() => page.posted.some((m) => m.type === 'historyDone'), 30_000, 'the page’s history');
    // the snapshot it served held the kept events and the log's events beyond them
    expect(page.snapshotEvents()).toBe(stored + 700);
    const q = publisher(url);
    await q.publish(300, stored + 700);
    await until(() => page.folded() === stored + 1000, 15_000, 'every event on the page');
    page.expectEveryEventOnce(stored + 1000);
    expect(page.events()).toBe(stored + 1000);
  });
});
