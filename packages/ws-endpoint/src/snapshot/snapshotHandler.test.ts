import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { SNAPSHOT_NEXT_ID_HEADER, decodeSnapshot } from '@mlgym/protocol';
import type { PublishAck } from '@mlgym/protocol';
import { createWsEndpoint } from '../createWsEndpoint.js';

const GS = '2023-06-03--10-26-58';
const ORIGIN = 'http://127.0.0.1:8080';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const evaluation = (id: number, epoch: number) => ({
  event_type: 'evaluation_result',
  creation_ts: 1,
  payload: {
    grid_search_id: GS,
    experiment_id: id,
    epoch,
    metric_scores: [{ metric: 'accuracy', split: 'val', score: epoch / 10 }],
    loss_scores: [],
  },
});

async function endpoint() {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshot-http-'));
  const storage = new FileEventStorage(root);
  const ws = createWsEndpoint({ storage, corsAllowedOrigins: [ORIGIN] });
  const url = `http://127.0.0.1:${await ws.listen(0)}`;
  cleanup.push(async () => {
    await ws.close();
    await storage.close();
  });
  return { root, url, storage };
}

async function snapshotOf(url: string) {
  const res = await fetch(`${url}/snapshot/${GS}`, { headers: { origin: ORIGIN } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  expect(res.headers.get('access-control-expose-headers')).toContain(SNAPSHOT_NEXT_ID_HEADER);
  const s = decodeSnapshot(new Uint8Array(await res.arrayBuffer()));
  expect(res.headers.get(SNAPSHOT_NEXT_ID_HEADER)).toBe(String(s.nextEventId));
  return s;
}

describe('GET /snapshot/<grid_search_id>', () => {
  it('serves the snapshot of everything published so far, and of what is published next', async () => {
    const { url } = await endpoint();
    const publisher = connect(url, { transports: ['websocket'], forceNew: true });
    cleanup.push(() => void publisher.close());
    const publish = (events: unknown[], first_seq: number) =>
      new Promise<PublishAck>((resolve) =>
        publisher.emit('mlgym_events', { publisher_id: 'p', first_seq, events }, resolve),
      );
    expect((await publish([evaluation(0, 0), evaluation(0, 1)], 0)).ok).toBe(true);
    const first = await snapshotOf(url);
    expect(first.nextEventId).toBe(2);
    expect([...first.series[0]!.columns[0]!.values]).toEqual([0, 0.1]);
    expect((await publish([evaluation(0, 2), evaluation(1, 0)], 2)).ok).toBe(true);
    const second = await snapshotOf(url);
    expect(second.nextEventId).toBe(4);
    expect(second.series[0]!.columns.map((c) => [c.experimentId, [...c.epochs]])).toEqual([
      [0, [0, 1, 2]],
      [1, [0]],
    ]);
  });

  it('refuses bad requests with a code and a message, creating nothing', async () => {
    const { root, url } = await endpoint();
    const refused = async (path: string, status: number, code: string, init?: RequestInit) => {
      const res = await fetch(`${url}${path}`, init);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { code: string }).code, path).toBe(code);
    };
    await refused('/snapshot/not-stored', 404, 'NOT_FOUND');
    expect(existsSync(join(root, 'not-stored'))).toBe(false);
    await refused('/snapshot/..%2F..%2Fetc', 400, 'STORAGE_PATH_UNSAFE');
    await refused('/snapshot/%E0%A4%A', 400, 'BAD_REQUEST');
    await refused(`/snapshot/${GS}`, 405, 'BAD_REQUEST', { method: 'POST', body: 'x' });
    await refused(`/snapshot/${GS}/more`, 404, 'NOT_FOUND');
  });
});
