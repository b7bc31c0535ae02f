import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener } from 'node:http';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MlgymError } from '@mlgym/protocol';
import { createRestClient } from './restClient.js';
import type { HttpTimeouts } from './restClient.js';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A TCP server doing `onSocket` with every connection; counts them. */
async function serveTcp(onSocket: (socket: Socket) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

/** A forward proxy that tunnels (CONNECT), as undici asks of one; records each tunnel's target. */
async function serveProxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  closers.push(() => {
    proxy.closeAllConnections();
    proxy.close();
  });
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels };
}

const fast: Partial<HttpTimeouts> = { connectMs: 2000, idleMs: 400, backoffMs: 20 };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function failure(promise: Promise<unknown>): Promise<MlgymError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MlgymError);
  return error as MlgymError;
}

describe('createRestClient', () => {
  it('reads a large body with its sha256, sending the token and the body', async () => {
    const data = randomBytes(24 * 1024 * 1024 + 7);
    let auth: string | undefined;
    let received = 0;
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Length': data.length });
        res.end(data);
      });
    });
    const client = createRestClient({ baseUrl: `${url}/prefix/`, authToken: 't0k' });
    const sent = createHash('sha256');
    const upload = new Uint8Array(randomBytes(9 * 1024 * 1024));
    const r = await client.request('/file', { operation: 'test', method: 'PUT', body: [upload], bodyHash: sent });
    expect(auth).toBe('Bearer t0k');
    expect(received).toBe(upload.length);
    expect(r?.sentHash?.digest('hex')).toBe(sha256(upload));
    expect(r?.body.equals(data)).toBe(true);
    expect(r?.sha256).toBe(sha256(data));
  });

  it('reads a chunked (unsized) body whole', async () => {
    const url = await serve((_req, res) => {
      res.write('abc');
      setTimeout(() => res.end('defgh'), 20);
    });
    const r = await createRestClient({ baseUrl: url }).request('/x', { operation: 'test' });
    expect(r?.body.toString()).toBe('abcdefgh');
    expect(r?.sha256).toBe(sha256(Buffer.from('abcdefgh')));
  });

  it('gives up on a server that accepts and never answers, by its deadline, naming endpoint and operation', async () => {
    const stalled = await serveTcp(() => {});
    const client = createRestClient({ baseUrl: stalled.url, timeouts: { ...fast, attempts: 1000, deadlineMs: 2000 } });
    const started = Date.now();
    const error = await failure(client.request('/grid_searches/g/experiments', { operation: 'list the experiments' }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('NETWORK_TIMEOUT');
    expect(error.message).toContain(`list the experiments (GET ${stalled.url}/grid_searches/g/experiments) failed`);
    expect(error.message).toContain('its deadline is 2 s');
    // Idle timeouts of 0.4 s within a 2 s deadline: it tried again, and stopped at the deadline.
    expect(stalled.connections()).toBeGreaterThan(1);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(2000 + 5000);
  });

  it('stops at the deadline even when a single attempt would wait longer', async () => {
    const stalled = await serveTcp(() => {});
    const client = createRestClient({
      baseUrl: stalled.url,
      timeouts: { ...fast, idleMs: 60_000, deadlineMs: 500 },
    });
    const error = await failure(client.request('/x', { operation: 'read config a.yml' }));
    expect(error.code).toBe('NETWORK_TIMEOUT');
    expect(error.message).toMatch(/read config a\.yml .*failed after 1 attempt\(s\).*no answer within the deadline/);
  });

  it('retries a server that drops connections, then says so after the last attempt', async () => {
    const dropping = await serveTcp((socket) => socket.destroy());
    const client = createRestClient({ baseUrl: dropping.url, timeouts: { ...fast, attempts: 3, deadlineMs: 30_000 } });
    const error = await failure(client.request('/x', { operation: 'download checkpoint model.bin' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/download checkpoint model\.bin \(GET http:\/\/127\.0\.0\.1:\d+\/x\) failed after 3/);
    expect(dropping.connections()).toBe(3);
  });

  it('succeeds once a dropping server recovers, resending the whole body', async () => {
    let requests = 0;
    const bodies: number[] = [];
    const url = await serve((req, res) => {
      requests++;
      if (requests <= 2) {
        req.socket.destroy();
        return;
      }
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        bodies.push(n);
        res.end('ok');
      });
    });
    const client = createRestClient({ baseUrl: url, timeouts: { ...fast, deadlineMs: 30_000 } });
    const r = await client.request('/x', { operation: 'upload', method: 'PUT', body: [new Uint8Array(100_000)] });
    expect(r?.body.toString()).toBe('ok');
    expect(requests).toBe(3);
    expect(bodies).toEqual([100_000]);
  });

  it('retries 5xx, not 4xx; 404 is undefined when allowed', async () => {
    let calls = 0;
    const url = await serve((req, res) => {
      calls++;
      res.statusCode = req.url === '/missing' ? 404 : req.url === '/bad' ? 400 : calls < 3 ? 503 : 200;
      res.end(req.url === '/bad' ? 'bad input' : req.url === '/missing' ? 'no' : 'fine');
    });
    const client = createRestClient({ baseUrl: url, timeouts: fast });
    expect((await client.request('/flaky', { operation: 'x' }))?.body.toString()).toBe('fine');
    expect(calls).toBe(3);
    expect(await client.request('/missing', { operation: 'x', allow404: true })).toBeUndefined();
    calls = 0;
    const error = await failure(client.request('/bad', { operation: 'store config' }));
    expect(calls).toBe(1);
    expect(error.message).toContain('HTTP 400 bad input');
  });

  it('times out an upload the server stops reading, and a body that stops arriving', async () => {
    const stopsReading = await serve((req) => {
      req.once('data', () => req.pause());
    });
    const client = createRestClient({ baseUrl: stopsReading, timeouts: { ...fast, attempts: 2, deadlineMs: 20_000 } });
    const big = new Uint8Array(64 * 1024 * 1024);
    const upload = await failure(client.request('/up', { operation: 'upload checkpoint', method: 'PUT', body: [big] }));
    expect(upload.code).toBe('NETWORK_TIMEOUT');
    expect(upload.message).toMatch(/upload checkpoint \(PUT .*\/up\) failed after 2 attempt\(s\)/);

    const stopsSending = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write('0123456789');
    });
    const body = createRestClient({ baseUrl: stopsSending, timeouts: { ...fast, attempts: 2, deadlineMs: 20_000 } });
    const idle = await failure(body.request('/down', { operation: 'download checkpoint' }));
    expect(idle.code).toBe('NETWORK_TIMEOUT');
    expect(idle.message).toMatch(/download checkpoint .*failed after 2 attempt\(s\).*no data moved for 0\.4 s/);
  });

  it('keeps its connection alive between calls, and closes it on close()', async () => {
    const sockets = new Set<Socket>();
    let closed = 0;
    const url = await serve((req, res) => {
      if (!sockets.has(req.socket)) req.socket.on('close', () => closed++);
      sockets.add(req.socket);
      req.resume().on('end', () => res.end(req.url));
    });
    const client = createRestClient({ baseUrl: url, timeouts: fast });
    for (const path of ['/a', '/b', '/c'])
      expect((await client.request(path, { operation: 'x' }))?.body.toString()).toBe(path);
    const [big] = await Promise.all([
      client.request('/big', { operation: 'upload', method: 'PUT', body: [new Uint8Array(10 * 1024 * 1024)] }),
      client.request('/d', { operation: 'x' }),
    ]);
    expect(big?.body.toString()).toBe('/big');
    expect(sockets.size).toBe(1);
    await client.close();
    await expect.poll(() => closed).toBe(1);
  });

  it('goes through HTTP_PROXY with NODE_USE_ENV_PROXY=1, except to NO_PROXY hosts, and never without the switch', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const url = await serve((_req, res) => res.writeHead(200, { 'Content-Length': data.length }).end(data));
    const proxy = await serveProxy();
    const via = async (env: NodeJS.ProcessEnv) => {
      const client = createRestClient({ baseUrl: url, timeouts: fast, env });
      const r = await client.request('/x', { operation: 'x' });
      await client.close();
      return r;
    };
    const proxied = await via({ NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url });
    expect(proxied?.sha256).toBe(sha256(data));
    expect(proxy.tunnels).toEqual([new URL(url).host]);
    await via({ NODE_USE_ENV_PROXY: '1', http_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    await via({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    expect(proxy.tunnels).toHaveLength(1);
  });

  it('names a base URL that is not one', () => {
    expect(() => createRestClient({ baseUrl: 'not a url' })).toThrow(/gs_rest_api_endpoint: not a URL/);
  });
});
