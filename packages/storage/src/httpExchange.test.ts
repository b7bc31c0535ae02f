import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from './httpExchange.js';
import type { ExchangeRequest } from './httpExchange.js';
import { largeReadConnector } from './largeReadConnector.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: ReturnType<typeof createServer> | ReturnType<typeof createNetServer>): Promise<Pool> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    connections: 1,
    connect: largeReadConnector(10_000),
  });
  closers.push(() => pool.destroy());
  return pool;
}

const serve = (handler: RequestListener) => listen(createServer(handler));
/** A server that writes raw bytes, for responses node:http would not produce. */
const serveRaw = (onRequest: (socket: Socket) => void) =>
  listen(createNetServer((socket) => socket.once('data', () => onRequest(socket))));

const get = (path: string, more: Partial<ExchangeRequest> = {}): ExchangeRequest => ({
  path,
  method: 'GET',
  headers: {},
  signal: new AbortController().signal,
  ...more,
});
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('exchange (undici dispatch)', () => {
  it('reads a large body sized by Content-Length, with its sha256, sending the given headers', async () => {
    const data = randomBytes(24 * 1024 * 1024 + 7);
    let auth: string | undefined;
    const pool = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'Content-Length': data.length, 'X-Extra': 'a' });
      res.end(data);
    });
    const r = await exchange(pool, get('/file?x=1', { headers: { authorization: 'Bearer t0k' } }));
    expect(r.status).toBe(200);
    expect(r.headers['x-extra']).toBe('a');
    expect(auth).toBe('Bearer t0k');
    expect(r.body.equals(data)).toBe(true);
    expect(r.sha256).toBe(sha256(data));
  });

  it('sends a body of several parts in slices, hashing exactly what went out', async () => {
    const parts = [randomBytes(10), randomBytes(9 * 1024 * 1024 + 3), randomBytes(5)];
    const whole = Buffer.concat(parts);
    let got = Buffer.alloc(0);
    let length: string | undefined;
    const pool = await serve((req, res) => {
      length = req.headers['content-length'];
      const pieces: Buffer[] = [];
      req.on('data', (c: Buffer) => pieces.push(c));
      req.on('end', () => {
        got = Buffer.concat(pieces);
        res.end('ok');
      });
    });
    const sent = createHash('sha256');
    const r = await exchange(pool, { ...get('/up'), method: 'PUT', body: parts, bodyHash: sent });
    expect(r.body.toString()).toBe('ok');
    expect(length).toBe(String(whole.length));
    expect(got.equals(whole)).toBe(true);
    expect(sent.digest('hex')).toBe(sha256(whole));
  });

  it('reads a run of answers of every shape on one kept-alive connection, each byte intact as its read slabs are reused', async () => {
    // Sizes around the 4 MiB read slabs, empty and unsized answers between them: a slab reused while a
    // piece of it was still unread would show here as a wrong digest.
    const answers = [9 * 1024 * 1024 + 1, 17, 0, 4 * 1024 * 1024, -1, 3 * 1024 * 1024 + 5, 1, 12 * 1024 * 1024, 204];
    const bodies = answers.map((n) => randomBytes(n > 0 && n !== 204 ? n : n === -1 ? 5 * 1024 * 1024 : 0));
    const sockets = new Set<Socket>();
    const pool = await serve((req, res) => {
      sockets.add(req.socket);
      const i = Number(req.url?.slice(1));
      const body = bodies[i] as Buffer;
      if (answers[i] === 204) res.writeHead(204).end();
      else if (answers[i] === -1) {
        // Unsized: chunked transfer-encoding, in pieces.
        res.write(body.subarray(0, 1000));
        setTimeout(() => res.end(body.subarray(1000)), 5);
      } else res.writeHead(200, { 'Content-Length': body.length }).end(body);
    });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < answers.length; i++) {
        const r = await exchange(pool, get(`/${i}`));
        expect(r.status).toBe(answers[i] === 204 ? 204 : 200);
        expect(r.sha256).toBe(sha256(bodies[i] as Buffer));
        expect(r.body.equals(bodies[i] as Buffer)).toBe(true);
      }
    }
    expect(sockets.size).toBe(1);
  });

  it('gives error statuses with their bodies, and empty bodies', async () => {
    const pool = await serve((req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":"NOT_FOUND"}');
    });
    const missing = await exchange(pool, get('/nothing'));
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toEqual({ code: 'NOT_FOUND' });
    const empty = await exchange(pool, get('/empty'));
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
  });

  it('reads chunked (unsized) bodies whole', async () => {
    const tail = randomBytes(3 * 1024 * 1024);
    const pool = await serve((_req, res) => {
      res.write('first ');
      setTimeout(() => res.end(tail), 20);
    });
    const r = await exchange(pool, get('/'));
    const whole = Buffer.concat([Buffer.from('first '), tail]);
    expect(r.body.equals(whole)).toBe(true);
    expect(r.sha256).toBe(sha256(whole));
  });

  it('parses headers that arrive in pieces', async () => {
    const pool = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => socket.write('ngth: 5\r\n\r'), 20);
      setTimeout(() => socket.end('\nhello'), 40);
    });
    const r = await exchange(pool, get('/'));
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello');
  });

  it('rejects, naming the bytes received, when the connection drops mid-body', async () => {
    const pool = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b'));
    await expect(exchange(pool, get('/'))).rejects.toThrow(/after 10 of 100 body bytes/);
  });

  it('refuses header values that would split the request', async () => {
    let requests = 0;
    const pool = await serve((_req, res) => {
      requests++;
      res.end('x');
    });
    await expect(exchange(pool, get('/', { headers: { 'x-evil': 'a\r\nX-Injected: 1' } }))).rejects.toThrow(/header/i);
    expect(requests).toBe(0);
  });

  it('ends at once when its signal aborts, before or during the exchange', async () => {
    const pool = await serveRaw(() => {});
    const before = new AbortController();
    before.abort(new Error('deadline passed'));
    await expect(exchange(pool, get('/', { signal: before.signal }))).rejects.toThrow('deadline passed');
    const during = new AbortController();
    const pending = exchange(pool, get('/', { signal: during.signal }));
    setTimeout(() => during.abort(new Error('deadline passed')), 50);
    await expect(pending).rejects.toThrow('deadline passed');
  });
});
