import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { createHostCheck } from '@mlgym/server-security';
import { boardUrl } from './boardUrl.js';
import { createBoardApp } from './createBoardApp.js';

describe('createBoardApp', () => {
  const dist = mkdtempSync(join(tmpdir(), 'mlboard-dist-'));
  let base = '';
  let close: () => void = () => undefined;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>'.padEnd(4000, ' '));
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1);'.repeat(500));
    writeFileSync(join(dist, 'logo.svg'), '<svg/>');
    // as the dashboard's build leaves them: each asset also brotli- and gzip-compressed (each copy
    // names itself here, so a test sees which file was sent rather than compressed on the fly)
    const app = 'export const answer = 42;'.repeat(200);
    writeFileSync(join(dist, 'assets', 'app-def456.js'), app);
    writeFileSync(join(dist, 'assets', 'app-def456.js.br'), brotliCompressSync(`// .br\n${app}`));
    writeFileSync(join(dist, 'assets', 'app-def456.js.gz'), gzipSync(`// .gz\n${app}`));
    const server = createBoardApp(dist).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('serves index.html for every page path (reload works), revalidated', async () => {
    for (const path of ['/', '/dashboard', '/experiment?experiment_id=3', '/deep/unknown/page']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year, compresses, and 404s missing assets and other methods', async () => {
    const res = await fetch(`${base}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${base}/logo.svg`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard`, { method: 'POST' })).status).toBe(404);
  });

  it('sends the build’s precompressed copies as the browser accepts them, the file itself otherwise', async () => {
    const app = 'export const answer = 42;'.repeat(200);
    for (const [accept, encoding, want] of [
      ['gzip, deflate, br, zstd', 'br', `// .br\n${app}`],
      ['gzip', 'gzip', `// .gz\n${app}`],
      ['identity', null, app],
    ] as const) {
      const res = await fetch(`${base}/assets/app-def456.js`, { headers: { 'accept-encoding': accept } });
      expect(res.status, accept).toBe(200);
      expect(res.headers.get('content-encoding'), accept).toBe(encoding);
      expect(res.headers.get('content-type'), accept).toMatch(/^text\/javascript/);
      expect(res.headers.get('vary'), accept).toMatch(/Accept-Encoding/i);
      expect(res.headers.get('cache-control'), accept).toBe('public, max-age=31536000, immutable');
      expect(await res.text(), accept).toBe(want);
    }
  });

  it('sends a strict Content-Security-Policy, no framing and no referrer with every answer', async () => {
    for (const path of ['/', '/dashboard', '/assets/index-abc123.js', '/logo.svg', '/assets/missing.js']) {
      const res = await fetch(`${base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(csp).not.toMatch(/connect-src[^;]*data:/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves only the names it is reached by (a rebound DNS name gets 403), more with allowed hosts', async () => {
    const get = (url: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get(`${base}/`, 'evil.example:8080')).toBe(403);
    expect(await get(`${base}/assets/index-abc123.js`, 'evil.example')).toBe(403);
    expect(await get(`${base}/`, 'localhost:8080')).toBe(200);
    const server = createBoardApp(dist, { hosts: createHostCheck({ allowedHosts: ['board.example.org'] }) }).listen(
      0,
      '127.0.0.1',
    );
    await new Promise((r) => server.once('listening', r));
    const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await get(`${other}/`, 'board.example.org')).toBe(200);
    expect(await get(`${other}/`, 'evil.example')).toBe(403);
    server.close();
  });

  it('refuses to start without a build, saying how to make one', () => {
    expect(() => createBoardApp(join(dist, 'nope'))).toThrow(
      `the dashboard build is missing (${join(dist, 'nope', 'index.html')}); run \`npm run build\` first`,
    );
  });

  it('prints the URL the original printed, readable and with only the parameters given', () => {
    expect(
      boardUrl({
        host: '127.0.0.1',
        port: 8080,
        restEndpoint: 'http://127.0.0.1:5001',
        wsEndpoint: 'http://127.0.0.1:5002',
        runId: 'gs&1',
      }),
    ).toBe(
      'http://127.0.0.1:8080/?rest_endpoint=http://127.0.0.1:5001&ws_endpoint=http://127.0.0.1:5002&run_id=gs%261',
    );
    expect(boardUrl({ host: '0.0.0.0', port: 9 })).toBe('http://127.0.0.1:9/');
    expect(boardUrl({ scheme: 'https', host: 'localhost', port: 9 })).toBe('https://localhost:9/');
  });
});
