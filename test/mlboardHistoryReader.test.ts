import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchHistory } from '../packages/dashboard/src/connection/worker/historyFetch.js';

/*
 * MLboard's history reader (the socket worker's GET /history) against real servers on real ports that
 * answer as a hostile or a locked endpoint would.
 */

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
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
