import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { api, describeRestError } from '../packages/dashboard/src/app/api.js';
import { storedFilesApi } from '../packages/dashboard/src/app/storedFiles.js';
import { makeStore } from '../packages/dashboard/src/app/store.js';
import { writeToken } from '../packages/dashboard/src/features/auth/tokenStorage.js';
import { fetchHistory } from '../packages/dashboard/src/features/connection/historyFetch.js';
import { FakeWorker, memoryStorage } from '../packages/dashboard/src/test/fakes.js';

/*
 * MLboard's HTTP clients (RTK Query's base query, the socket worker's history reader) against real
 * servers on real ports that answer as a hostile or a locked endpoint would.
 */

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A REST endpoint on a real port answering every path with `status` and `body`; it records the headers it got. */
async function endpoint(status: number, body: unknown) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

function store() {
  const tokens = memoryStorage();
  return { tokens, store: makeStore({ storage: memoryStorage(), tokens, createWorker: () => new FakeWorker() }) };
}

describe('REST answers are checked against the protocol', () => {
  it('a checkpoint list with null entries is an error naming what was wrong, not data', async () => {
    const { url } = await endpoint(200, [null, { experiment_id: 0, epoch: 'one', checkpoints: [] }]);
    const { store: s } = store();
    const result = await s.dispatch(storedFilesApi.endpoints.checkpointList.initiate({ rest: url, gs: 'gs', exp: 0 }));
    expect(result.data).toBeUndefined();
    const text = describeRestError(result.error);
    expect(text).toMatch(/^the endpoint's answer to checkpointList is not what the protocol says: at 0: /);
    expect(text).toContain('at 1.epoch:');
  });

  it('a grid-search list of the wrong shape and a config that is not an object are errors too', async () => {
    const list = await endpoint(200, { grid_searches: [] });
    const { store: s } = store();
    const r1 = await s.dispatch(api.endpoints.gridSearches.initiate(list.url));
    expect(describeRestError(r1.error)).toMatch(/answer to gridSearches is not what the protocol says/);
    const config = await endpoint(200, [1, 2]);
    const r2 = await s.dispatch(storedFilesApi.endpoints.systemInfo.initiate({ rest: config.url, gs: 'gs', exp: 0 }));
    expect(describeRestError(r2.error)).toMatch(/answer to systemInfo is not what the protocol says/);
  });
});

describe('tokens on REST requests', () => {
  it('the token entered for an origin goes to that origin only, as Authorization: Bearer', async () => {
    const mine = await endpoint(200, []);
    const other = await endpoint(200, []);
    const { store: s, tokens } = store();
    writeToken(tokens, mine.url, 's3cret');
    await s.dispatch(api.endpoints.gridSearches.initiate(mine.url));
    await s.dispatch(api.endpoints.gridSearches.initiate(other.url));
    expect(mine.seen.map((h) => h.authorization)).toEqual(['Bearer s3cret']);
    expect(other.seen.map((h) => h.authorization)).toEqual([undefined]);
  });

  it('a 401 of the contract asks for a token for that endpoint; a 403 is said plainly', async () => {
    const locked = await endpoint(401, { code: 'AUTH_REQUIRED', message: 'a token is required' });
    const { store: s } = store();
    const r = await s.dispatch(api.endpoints.gridSearches.initiate(locked.url));
    expect(s.getState().auth.prompt).toEqual({
      origin: locked.url,
      kind: 'REST',
      code: 'AUTH_REQUIRED',
      message: 'a token is required',
    });
    expect(describeRestError(r.error)).toBe('HTTP 401, access refused (AUTH_REQUIRED): a token is required');
    const forbidden = await endpoint(403, { code: 'AUTH_FORBIDDEN', message: 'scope read may not write' });
    const r2 = await s.dispatch(api.endpoints.gridSearches.initiate(forbidden.url));
    expect(describeRestError(r2.error)).toBe('HTTP 403, access refused (AUTH_FORBIDDEN): scope read may not write');
    expect(s.getState().auth.refused[forbidden.url]?.code).toBe('AUTH_FORBIDDEN');
  });
});

/** A hostile websocket endpoint's `GET /history`, on a real socket. */
async function serve(handler: (req: IncomingMessage, write: (text: string) => boolean, end: () => void) => void) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'x-mlgym-first-event-id': '0', 'x-mlgym-event-count': '1000' });
    handler(
      req,
      (t) => res.write(t),
      () => res.end(),
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the history reader against a hostile endpoint', () => {
  it('gives up a line that never ends instead of buffering it without bound', async () => {
    let sent = 0;
    let closed = false;
    const url = await serve((req, write) => {
      req.socket.on('close', () => (closed = true));
      write('{"a":0}\n{"a":1}\n');
      const chunk = 'x'.repeat(64 * 1024);
      // an endless line, written as fast as the reader takes it
      const pump = () => {
        while (!closed && sent < 64 * 2 ** 20) {
          sent += chunk.length;
          if (!write(chunk)) return void req.socket.once('drain', pump);
        }
      };
      pump();
    });
    const lines: string[] = [];
    const got = await fetchHistory({ endpoint: url, gridSearchId: 'gs', from: 0, maxLine: 2 ** 20 }, (_id, l) =>
      lines.push(l),
    );
    expect(lines).toEqual(['{"a":0}', '{"a":1}']);
    expect(got?.received).toBe(2);
    expect(got?.problem).toMatch(/at event 2 is a line of more than 1048576 characters without an end/);
    // it stopped reading soon after the limit, far from the 64 MiB the endpoint would send
    expect(sent).toBeLessThan(16 * 2 ** 20);
  });

  it('sends the token entered for the endpoint as Authorization: Bearer, and nothing without one', async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, write, end) => {
      seen.push(req.headers.authorization);
      write('{"a":0}\n');
      end();
    });
    await fetchHistory({ endpoint: url, gridSearchId: 'gs', from: 0, authorization: 'Bearer s3cret' }, () => {});
    await fetchHistory({ endpoint: url, gridSearchId: 'gs', from: 0 }, () => {});
    expect(seen).toEqual(['Bearer s3cret', undefined]);
  });
});
