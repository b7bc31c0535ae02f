import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import type { PublishAck } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import type { WsEndpoint } from '@mlgym/ws-endpoint';
import { createSocketSession } from '../packages/dashboard/src/connection/worker/socketSession.js';
import type { FromWorker } from '../packages/dashboard/src/connection/worker/workerMessages.js';
import { until } from './helpers.js';

const GS = 'socket-worker';
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Event `i`: experiment `i % 4`'s accuracy at epoch `⌊i / 4⌋`. */
const event = (i: number) => ({
  event_type: 'evaluation_result',
  creation_ts: 1_700_000_000_000 + i,
  payload: {
    grid_search_id: GS,
    experiment_id: i % 4,
    epoch: Math.floor(i / 4),
    metric_scores: [{ metric: 'accuracy', split: 'val', score: i / 1000 }],
    loss_scores: [],
  },
});

describe('the socket worker against a real websocket endpoint (in Node, its session driven as the worker drives it)', () => {
  it('streams the history over HTTP, then live events; when the endpoint restarts it rejoins after the last event it holds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-socket-worker-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    let storage = new FileEventStorage(root);
    let endpoint: WsEndpoint = createWsEndpoint({ storage, historyChunkBytes: 4096 });
    const port = await endpoint.listen(0);
    const url = `http://127.0.0.1:${port}`;
    cleanup.push(
      () => storage.close(),
      () => endpoint.close(),
    );

    let published = 0;
    const publish = async (n: number) => {
      const publisher = io(url, { transports: ['websocket'], forceNew: true });
      const events = Array.from({ length: n }, (_, i) => event(published + i));
      const ack = await new Promise<PublishAck>((r) =>
        publisher.emit('mlgym_events', { publisher_id: 'p', first_seq: published, events }, r),
      );
      publisher.close();
      expect(ack.ok).toBe(true);
      published += n;
    };
    await publish(1200);

    // the page's side: what the worker posts, acknowledged as the page does once applied
    const posted: FromWorker[] = [];
    const joins: unknown[] = [];
    const session = createSocketSession({
      connect: (u, options) => {
        const socket = io(u, { ...options, forceNew: true });
        const emit = socket.emit.bind(socket);
        socket.emit = ((name: string, ...args: unknown[]) => {
          if (name === 'join') joins.push(args[0]);
          return (emit as (n: string, ...a: unknown[]) => typeof socket)(name, ...args);
        }) as typeof socket.emit;
        return socket;
      },
      post: (message) => {
        posted.push(message);
        if (message.type === 'data') setTimeout(() => session.handle({ type: 'ack' }), 0);
      },
    });
    cleanup.push(() => session.handle({ type: 'close' }));
    /** Per experiment, every epoch posted (an event posted twice would show twice). */
    const epochs = () => {
      const out = new Map<number, number[]>();
      for (const m of posted)
        if (m.type === 'data')
          for (const p of m.update.points) out.set(p.experiment_id, [...(out.get(p.experiment_id) ?? []), ...p.epochs]);
      return out;
    };
    const folded = () => [...epochs().values()].reduce((n, e) => n + e.length, 0);
    const expectEveryEventOnce = () => {
      for (let x = 0; x < 4; x++) {
        const want = Array.from({ length: Math.ceil((published - x) / 4) }, (_, e) => e);
        expect(epochs().get(x), `experiment ${x}`).toEqual(want);
      }
    };

    session.handle({
      type: 'connect',
      settings: { gridSearchId: GS, socketConnectionUrl: url, restApiUrl: 'http://127.0.0.1:1' },
      lastEventId: -1,
      token: null,
    });
    await until(() => posted.some((m) => m.type === 'historyDone'), 15_000, 'the history');
    expect(posted.find((m) => m.type === 'historyDone')).toMatchObject({ nextEventId: 1200 });
    // the history came over HTTP: the join asked for what follows it
    expect(joins).toEqual([{ rooms: [GS], client_id: 'mlboard', last_event_id: 1199, history_format: 'jsonl' }]);
    await publish(40);
    await until(() => folded() === published, 10_000, 'the live events');
    expectEveryEventOnce();

    // the endpoint goes away; while it is down the worker keeps what it has
    await endpoint.close();
    await until(() => posted.some((m) => m.type === 'disconnected'), 10_000, 'the disconnect');
    await storage.close();
    storage = new FileEventStorage(root);
    endpoint = createWsEndpoint({ storage, historyChunkBytes: 4096 });
    await endpoint.listen(port);
    await publish(25); // stored before the worker is back
    await until(() => joins.length === 2, 15_000, 'the second join');
    expect(joins[1]).toMatchObject({ last_event_id: 1239 });
    expect(posted.filter((m) => m.type === 'connected')).toEqual([
      { type: 'connected', reconnect: false },
      { type: 'connected', reconnect: true },
    ]);
    await publish(15); // live again
    await until(() => folded() === published, 10_000, 'the rest');
    expectEveryEventOnce();
  }, 60_000);
});
