import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileEventStorage } from '@mlgym/event-store';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { repo } from './helpers.js';

// Debian's python3-socketio (the client generation the original MLgym uses); .ci/run installs it.
const PYTHON = '/usr/bin/python3';
const available = spawnSync(PYTHON, ['-c', 'import socketio, websocket'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!available)('the original Python client (python-socketio 5)', () => {
  it('publishes and subscribes against ml_board_ws_endpoint unchanged', async () => {
    const storage = new FileEventStorage(mkdtempSync(join(tmpdir(), 'mlgym-py-')));
    const endpoint = createWsEndpoint({ storage });
    const port = await endpoint.listen(0);
    try {
      const gs = '2024-03-03--12-00-00';
      // Async spawn keeps this event loop free to serve the Python clients.
      const child = spawn(PYTHON, [join(repo, 'test/fixtures/original_client.py'), `http://127.0.0.1:${port}`, gs]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(status, stderr).toBe(0);
      const result = JSON.parse(stdout) as {
        sent: unknown[];
        received: Array<{ event_id: number; data: unknown }>;
        complete: boolean;
      };
      expect(result.complete).toBe(true);
      expect(result.received).toEqual(result.sent.map((data, i) => ({ event_id: i, data })));
      const log = await storage.log(gs);
      const stored: unknown[] = [];
      for await (const e of log.read()) stored.push(e.data);
      expect(stored).toEqual(result.sent);
    } finally {
      await endpoint.close();
      await storage.close();
    }
  }, 30_000);

  it("works on a log that holds annotations and system metrics: it is sent only the original's events", async () => {
    const storage = new FileEventStorage(mkdtempSync(join(tmpdir(), 'mlgym-py-')));
    const gs = '2024-03-03--12-00-01';
    const ours = [
      {
        event_type: 'annotation',
        creation_ts: 1,
        payload: { grid_search_id: gs, experiment_id: null, add_tags: ['best'], note: '# hi', time: 1 },
      },
      {
        event_type: 'system_metrics',
        creation_ts: 2,
        payload: {
          grid_search_id: gs,
          experiment_id: 0,
          time: 1,
          cpu_percent: 99,
          rss_bytes: 1,
          heap_used_bytes: 1,
          tensors: 1,
          tensor_bytes: 1,
          backend: 'wasm',
          threads: 2,
          load_1m: 1,
          free_memory_bytes: 1,
        },
      },
    ];
    await (await storage.log(gs)).append(ours);
    const endpoint = createWsEndpoint({ storage });
    const port = await endpoint.listen(0);
    try {
      const child = spawn(PYTHON, [join(repo, 'test/fixtures/original_client.py'), `http://127.0.0.1:${port}`, gs]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(status, stderr).toBe(0);
      const result = JSON.parse(stdout) as { sent: unknown[]; received: unknown[]; complete: boolean };
      expect(result.complete).toBe(true);
      expect(result.received).toEqual(result.sent.map((data, i) => ({ event_id: i + 2, data })));
      const stored: unknown[] = [];
      for await (const e of (await storage.log(gs)).read()) stored.push(e.data);
      expect(stored).toEqual([...ours, ...result.sent]);
    } finally {
      await endpoint.close();
      await storage.close();
    }
  }, 30_000);
});
