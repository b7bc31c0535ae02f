import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from './rawHttp.js';
import { socketGet } from './socketGet.js';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that writes raw bytes, for responses node:http would not produce. */
async function serveRaw(onSocket: (socket: Socket) => void): Promise<string> {
  const server = createNetServer((socket) => socket.once('data', () => onSocket(socket)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Generous limits: these tests are about framing, not timeouts (restClient.test.ts). */
const limits = () => ({ connectMs: 10_000, idleMs: 10_000, signal: new AbortController().signal });

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('socketGet', () => {
  it('reads a large body sized by Content-Length, with its sha256, sending the given headers', async () => {
    const data = randomBytes(24 * 1024 * 1024 + 7);
    let auth: string | undefined;
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'Content-Length': data.length, 'X-Extra': 'a' });
      res.end(data);
    });
    const r = await socketGet(new URL(`${url}/file?x=1`), { Authorization: 'Bearer t0k' }, limits());
    if (r === 'unframed') throw new Error('expected a framed response');
    expect(r.status).toBe(200);
    expect(r.headers['x-extra']).toBe('a');
    expect(auth).toBe('Bearer t0k');
    expect(r.body.equals(data)).toBe(true);
    expect(r.sha256).toBe(sha256(data));
  });

  it('gives error statuses with their bodies, and empty bodies', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":"NOT_FOUND"}');
    });
    const missing = await rawRequest(`${url}/nothing`, 'GET', {}, { limits: limits() });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toEqual({ code: 'NOT_FOUND' });
    const empty = await rawRequest(`${url}/empty`, 'GET', {}, { limits: limits() });
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
  });

  it('leaves chunked responses to node:http (rawRequest still returns the body)', async () => {
    const url = await serve((_req, res) => {
      res.write('first ');
      res.end('second');
    });
    expect(await socketGet(new URL(url), {}, limits())).toBe('unframed');
    const r = await rawRequest(url, 'GET', {}, { limits: limits() });
    expect(r.body.toString()).toBe('first second');
    expect(r.sha256).toBe(sha256(Buffer.from('first second')));
  });

  it('parses headers that arrive in pieces', async () => {
    const url = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => socket.write('ngth: 5\r\n\r'), 20);
      setTimeout(() => socket.end('\nhello'), 40);
    });
    const r = await rawRequest(url, 'GET', {}, { limits: limits() });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello');
  });

  it('rejects, naming the bytes received, when the connection drops mid-body', async () => {
    const url = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b'));
    await expect(rawRequest(url, 'GET', {}, { limits: limits() })).rejects.toThrow(/closed after 10 of 100 body bytes/);
  });

  it('refuses header values that would split the request', async () => {
    const url = await serve((_req, res) => res.end('x'));
    await expect(rawRequest(url, 'GET', { 'X-Evil': 'a\r\nX-Injected: 1' }, { limits: limits() })).rejects.toThrow(
      /line break/,
    );
  });
});
