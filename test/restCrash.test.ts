import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRestApp } from '@mlgym/rest-endpoint';
import { startApp, stopped, until } from './helpers.js';

const GS = '2024-06-06--06-06-06';

/** Starts a multipart upload, sends part of the body, and leaves the request hanging. */
function partialUpload(port: number, path: string, send: number, declared: number) {
  const boundary = 'mlgymboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="checkpoint_file"; filename="model.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': head.length + declared + 40,
    },
  });
  req.on('error', () => undefined);
  req.write(head);
  req.write(randomBytes(send));
  return req;
}

describe('ml_board_rest_endpoint crash safety', () => {
  it('a server killed with SIGKILL during an upload leaves no partial checkpoint; the restart sweeps the temporary', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-rest-kill-'));
    const server = await startApp('ml_board_rest_endpoint', ['--port', '0', '--event_storage_path', root]);
    const epochDir = join(root, GS, '0', '0');
    const req = partialUpload(server.port, `/checkpoints/${GS}/0/0`, 4 * 1024 * 1024, 64 * 1024 * 1024);
    await until(
      () => existsSync(epochDir) && readdirSync(epochDir).some((f) => f.startsWith('.upload-')),
      15_000,
      'the upload to start',
    );
    server.child.kill('SIGKILL');
    await stopped(server.child);
    req.destroy();
    expect(readdirSync(epochDir).filter((f) => !f.startsWith('.'))).toEqual([]);

    const again = await startApp('ml_board_rest_endpoint', ['--port', '0', '--event_storage_path', root]);
    try {
      expect(again.output()).toMatch(/removed 1 unfinished upload/);
      expect(readdirSync(epochDir)).toEqual([]);
      const list = await (await fetch(`http://127.0.0.1:${again.port}/checkpoint_list/${GS}/0`)).json();
      expect(list).toEqual([]);
    } finally {
      again.child.kill('SIGTERM');
      await stopped(again.child);
    }
  });

  it('a chunk whose connection drops is not kept; the upload resumes from what arrived', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-rest-chunks-'));
    const app = createRestApp({ storagePath: root });
    await app.init();
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    const base = `http://127.0.0.1:${port}/checkpoints/${GS}/1/0/model.bin/chunks`;
    try {
      const bytes = randomBytes(3 * 100_000);
      const part = (i: number) => bytes.subarray(i * 100_000, (i + 1) * 100_000);
      await fetch(`${base}/0?num_chunks=3&chunk_size=100000`, { method: 'PUT', body: part(0) });
      // Chunk 1: the connection dies half-way.
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: `/checkpoints/${GS}/1/0/model.bin/chunks/1?num_chunks=3&chunk_size=100000`,
        method: 'PUT',
        headers: { 'Content-Length': 100_000 },
      });
      req.on('error', () => undefined);
      req.write(part(1).subarray(0, 50_000));
      await new Promise((r) => setTimeout(r, 100));
      req.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const state = (await (await fetch(base)).json()) as { received: number[] };
      expect(state.received).toEqual([0]);
      for (const i of [1, 2])
        await fetch(`${base}/${i}?num_chunks=3&chunk_size=100000`, { method: 'PUT', body: part(i) });
      const done = await fetch(`http://127.0.0.1:${port}/checkpoints/${GS}/1/0/model.bin`);
      expect(Buffer.from(await done.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      server.close();
    }
  });
});
