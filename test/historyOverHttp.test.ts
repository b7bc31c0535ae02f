import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import type { HistoryChunk, HistoryDone, MlgymEventMessage, PublishAck } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { fetchHistory } from '../packages/dashboard/src/connection/worker/historyFetch.js';
import { until } from './helpers.js';

const GS = 'history-over-http';
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

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

describe("MLboard's history over HTTP, then the socket", () => {
  it('fetches the stored events, then a join from the last one brings the rest and the live ones: none twice, none lost', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-history-http-'));
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage, historyChunkBytes: 4096 });
    const url = `http://127.0.0.1:${await endpoint.listen(0)}`;
    cleanup.push(
      () => rmSync(root, { recursive: true, force: true }),
      () => storage.close(),
      () => endpoint.close(),
    );
    const publisher = connect(url, { transports: ['websocket'], forceNew: true });
    cleanup.push(() => void publisher.close());
    let published = 0;
    const publish = async (n: number) => {
      const events = Array.from({ length: n }, (_, i) => event(published + i));
      published += n;
      const ack = await new Promise<PublishAck>((r) =>
        publisher.emit('mlgym_events', { publisher_id: 'p', first_seq: published - n, events }, r),
      );
      expect(ack.ok).toBe(true);
    };
    await publish(2000);

    // while the page streams the history, the run keeps publishing
    const seen = new Map<number, unknown>();
    const publishing = (async () => {
      for (let i = 0; i < 10; i++) await publish(50);
    })();
    const fetched = await fetchHistory({ endpoint: url, gridSearchId: GS, from: 0 }, (id, line) => {
      expect(seen.has(id)).toBe(false);
      seen.set(id, JSON.parse(line));
    });
    expect(fetched!.received).toBe(fetched!.announced);
    expect(fetched!.received).toBeGreaterThanOrEqual(2000);

    const page = connect(url, { transports: ['websocket'], forceNew: true });
    cleanup.push(() => void page.close());
    let duplicates = 0;
    const take = (id: number, data: unknown) => {
      if (seen.has(id)) duplicates++;
      seen.set(id, data);
    };
    page.on('mlgym_event_chunk', (c: HistoryChunk) =>
      new TextDecoder()
        .decode(c.jsonl)
        .trimEnd()
        .split('\n')
        .forEach((l, i) => take(c.first_event_id + i, JSON.parse(l))),
    );
    page.on('mlgym_event', (m: MlgymEventMessage) => {
      if (m.event_id === 'batched_events')
        for (const e of m.data as Array<{ event_id: number; data: unknown }>) take(e.event_id, e.data);
      else take(m.event_id, m.data);
    });
    const done = new Promise<HistoryDone>((r) => page.once('history_done', r));
    page.emit('join', { rooms: [GS], last_event_id: fetched!.received - 1, history_format: 'jsonl' });
    await done;
    await publishing;
    await publish(10); // live
    await until(() => seen.size === published, 10_000, 'every event');
    expect(duplicates).toBe(0);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: published }, (_, i) => i));
    for (const [id, data] of seen) expect(data, `event ${id}`).toEqual(event(id));
  });

  it('answers undefined where the endpoint has no such history (not stored yet, or an older server)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-history-http-'));
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage });
    const url = `http://127.0.0.1:${await endpoint.listen(0)}`;
    cleanup.push(
      () => rmSync(root, { recursive: true, force: true }),
      () => storage.close(),
      () => endpoint.close(),
    );
    expect(
      await fetchHistory({ endpoint: url, gridSearchId: 'nothing-here', from: 0 }, () => undefined),
    ).toBeUndefined();

    const older = createServer((_req, res) => res.writeHead(404).end('Cannot GET'));
    await new Promise<void>((r) => older.listen(0, '127.0.0.1', r));
    cleanup.push(() => void older.close());
    const olderUrl = `http://127.0.0.1:${(older.address() as { port: number }).port}`;
    expect(await fetchHistory({ endpoint: olderUrl, gridSearchId: GS, from: 0 }, () => undefined)).toBeUndefined();
  });

  it('gives up a stream that stalls, keeping what it received', async () => {
    const stalled = createServer((_req, res) => {
      res.writeHead(200, { 'x-mlgym-first-event-id': '0', 'x-mlgym-event-count': '3' });
      res.write('{"a":0}\n{"a":1}\n'); // and nothing more
    });
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    cleanup.push(() => {
      stalled.closeAllConnections();
      stalled.close();
    });
    const url = `http://127.0.0.1:${(stalled.address() as { port: number }).port}`;
    const lines: string[] = [];
    const got = await fetchHistory({ endpoint: url, gridSearchId: GS, from: 0 }, (_id, l) => lines.push(l), 300);
    expect(got).toEqual({ received: 2, announced: 3 });
    expect(lines).toEqual(['{"a":0}', '{"a":1}']);
    // a connection replaced meanwhile stops its fetch at once, long before the idle timeout
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const t0 = Date.now();
    const stopped = await fetchHistory(
      { endpoint: url, gridSearchId: GS, from: 0, signal: abort.signal },
      () => undefined,
    );
    expect(stopped).toEqual({ received: 2, announced: 3 });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
