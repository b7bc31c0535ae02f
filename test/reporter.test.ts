import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebsocketReporter } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEvent } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { freePort, until } from './helpers.js';

const GS = '2024-02-02--00-00-00';
const event = (i: number): MlgymEvent => ({
  event_type: 'evaluation_result',
  creation_ts: i,
  payload: {
    grid_search_id: GS,
    experiment_id: 0,
    epoch: i,
    metric_scores: [{ metric: 'acc', split: 'val', score: i / 1000 }],
    loss_scores: [],
  },
});

async function startEndpoint(root: string, port: number) {
  const storage = new FileEventStorage(root);
  const endpoint = createWsEndpoint({ storage });
  await endpoint.listen(port);
  return { stop: async () => (await endpoint.close(), await storage.close()) };
}

const stored = (root: string) =>
  readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { creation_ts: number }).creation_ts);

describe('WebsocketReporter', () => {
  it('loses nothing while the server is down or restarting, and duplicates nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-reporter-'));
    const spoolDir = mkdtempSync(join(tmpdir(), 'mlgym-spool-'));
    const port = await freePort();
    const reporter = await WebsocketReporter.create({
      servers: [`http://127.0.0.1:${port}`],
      spoolDir,
      flushIntervalMs: 10,
      batchSize: 50,
    });

    // Server down: emitting returns at once and the events wait in the spool.
    for (let i = 0; i < 300; i++) reporter.emit(event(i));
    expect(await reporter.flush(300)).toBe(false);
    expect(readdirSync(spoolDir).some((f) => f.endsWith('.jsonl'))).toBe(true);

    let server = await startEndpoint(root, port);
    for (let i = 300; i < 600; i++) reporter.emit(event(i));
    await until(() => reporter.flush(200), 15_000, 'delivery after the server came up');

    // Restart in the middle of a stream.
    const streaming = (async () => {
      for (let i = 600; i < 1200; i++) {
        reporter.emit(event(i));
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    await server.stop();
    await streaming;
    server = await startEndpoint(root, port);
    expect(await reporter.flush(15_000)).toBe(true);
    await reporter.close();
    await server.stop();

    expect(stored(root)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('a reporter restarted with the same publisher id re-sends its spool without duplicates', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-reporter-'));
    const spoolDir = mkdtempSync(join(tmpdir(), 'mlgym-spool-'));
    const port = await freePort();
    const server = await startEndpoint(root, port);
    const url = `http://127.0.0.1:${port}`;
    const first = await WebsocketReporter.create({ servers: [url], spoolDir, flushIntervalMs: 5 }, 'restartable');
    for (let i = 0; i < 100; i++) first.emit(event(i));
    expect(await first.flush()).toBe(true);
    // Simulate a crash: the process dies without close(); its spool and cursor stay.
    expect(await WebsocketReporter.leftovers(spoolDir)).toEqual(['restartable']);
    const second = await WebsocketReporter.create({ servers: [url], spoolDir, flushIntervalMs: 5 }, 'restartable');
    for (let i = 100; i < 150; i++) second.emit(event(i));
    expect(await second.flush()).toBe(true);
    await second.close();
    await server.stop();
    expect(stored(root)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });
});
