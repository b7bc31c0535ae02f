import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebsocketReporter } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEvent } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { freePort, repo, stopped, until } from './helpers.js';

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

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => event(from + i));

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

  it('a reporter killed with events still unacknowledged in its spool: the restarted one sends them, each once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-reporter-'));
    const spoolDir = mkdtempSync(join(tmpdir(), 'mlgym-spool-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let server = await startEndpoint(root, port);
    const child = fork(join(repo, 'test/fixtures/processes/reporterProcess.mjs'), [url, spoolDir, 'restartable'], {
      // Not vitest's own flags: a plain Node process on the built packages, as a trainer is.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const replies: Array<{ ready?: boolean; flushed?: boolean }> = [];
      child.on('message', (m: (typeof replies)[number]) => replies.push(m));
      const ask = async (message: { emit?: MlgymEvent[]; flush?: number }) => {
        const before = replies.length;
        child.send(message);
        await until(() => replies.length > before, 15_000, `an answer to ${JSON.stringify(Object.keys(message))}`);
        return replies.at(-1)!;
      };
      await until(() => replies.length > 0, 15_000, 'the reporter process to start').catch((error: Error) => {
        throw new Error(`${error.message}: ${stderr}`);
      });
      // 0..99 acknowledged by the server; then the server goes away and 100..199 are spooled, unacknowledged.
      expect(await ask({ emit: range(0, 100), flush: 10_000 })).toEqual({ flushed: true });
      await server.stop();
      expect(await ask({ emit: range(100, 200), flush: 300 })).toEqual({ flushed: false });
    } finally {
      child.kill('SIGKILL');
      await stopped(child);
    }
    expect(stored(root)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await WebsocketReporter.leftovers(spoolDir)).toEqual(['restartable']);
    const spool = readFileSync(join(spoolDir, 'restartable.jsonl'), 'utf8').trimEnd().split('\n');
    expect(spool).toHaveLength(200);

    server = await startEndpoint(root, port);
    const second = await WebsocketReporter.create({ servers: [url], spoolDir, flushIntervalMs: 5 }, 'restartable');
    for (const e of range(200, 250)) second.emit(e);
    expect(await second.flush()).toBe(true);
    await second.close();
    await server.stop();
    expect(stored(root)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
