import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileEventStorage } from '@mlgym/event-store';
import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER, SNAPSHOT_NEXT_ID_HEADER } from '@mlgym/protocol';
import { createWsEndpoint } from './createWsEndpoint.js';

const GS = '2023-06-03--10-26-58';
const ORIGIN = 'http://127.0.0.1:8080';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const event = (i: number) => ({
  event_type: 'experiment_status',
  creation_ts: 1_700_000_000_000 + i,
  payload: { grid_search_id: GS, experiment_id: i % 3, text: `line ${i} with a "quote" and ünïcode` },
});

async function endpointWith(events: number) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-history-'));
  const storage = new FileEventStorage(root);
  if (events) await (await storage.log(GS)).append(Array.from({ length: events }, (_, i) => event(i)));
  // small chunks: the stream is made of many reads
  const endpoint = createWsEndpoint({ storage, corsAllowedOrigins: [ORIGIN], historyChunkBytes: 256 });
  const port = await endpoint.listen(0);
  cleanup.push(async () => {
    await endpoint.close();
    await storage.close();
  });
  return { root, url: `http://127.0.0.1:${port}` };
}

async function lines(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
}

describe('GET /history/<grid_search_id>', () => {
  it('streams the stored events from `from` on as JSONL, naming the first id and the count', async () => {
    const { url } = await endpointWith(40);
    const all = await fetch(`${url}/history/${GS}`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect([all.headers.get(HISTORY_FIRST_ID_HEADER), all.headers.get(HISTORY_COUNT_HEADER)]).toEqual(['0', '40']);
    expect(await lines(all)).toEqual(Array.from({ length: 40 }, (_, i) => event(i)));

    const tail = await fetch(`${url}/history/${GS}?from=37`);
    expect([tail.headers.get(HISTORY_FIRST_ID_HEADER), tail.headers.get(HISTORY_COUNT_HEADER)]).toEqual(['37', '3']);
    expect(await lines(tail)).toEqual([37, 38, 39].map(event));

    const past = await fetch(`${url}/history/${GS}?from=99`);
    expect([past.headers.get(HISTORY_FIRST_ID_HEADER), past.headers.get(HISTORY_COUNT_HEADER)]).toEqual(['40', '0']);
    expect(await lines(past)).toEqual([]);
  });

  it('refuses bad requests with a code and a message, creating nothing', async () => {
    const { root, url } = await endpointWith(2);
    const refused = async (path: string, status: number, code: string, init?: RequestInit) => {
      const res = await fetch(`${url}${path}`, init);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code, path).toBe(code);
      expect(body.message.length).toBeGreaterThan(10);
      return body.message;
    };
    expect(await refused(`/history/${GS}?from=-1`, 400, 'BAD_REQUEST')).toContain('from="-1"');
    await refused(`/history/${GS}?from=1e3`, 400, 'BAD_REQUEST');
    await refused('/history/..%2F..%2Fetc', 400, 'STORAGE_PATH_UNSAFE');
    await refused('/history/%E0%A4%A', 400, 'BAD_REQUEST');
    expect(await refused('/history/not-stored', 404, 'NOT_FOUND')).toContain('not-stored');
    expect(existsSync(join(root, 'not-stored'))).toBe(false);
    await refused('/elsewhere', 404, 'NOT_FOUND');
    await refused(`/history/${GS}`, 405, 'BAD_REQUEST', { method: 'POST', body: 'x' });
    await refused(`/history/${GS}`, 403, 'UNAUTHORIZED', { headers: { origin: 'http://evil.example' } });
  });

  it('lets the allowed browser origin read the body and the headers (the history’s two, the snapshot’s)', async () => {
    const { url } = await endpointWith(1);
    const res = await fetch(`${url}/history/${GS}`, { headers: { origin: ORIGIN } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toBe(
      `${HISTORY_FIRST_ID_HEADER}, ${HISTORY_COUNT_HEADER}, ${SNAPSHOT_NEXT_ID_HEADER}`,
    );
    expect(await lines(res)).toEqual([event(0)]);
  });
});
