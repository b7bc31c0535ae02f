import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEvent } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import type { WsEndpoint } from '@mlgym/ws-endpoint';
import { repo } from './helpers.js';

const FIXTURE = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
const PLUGIN = join(repo, 'test/fixtures/plugins/positionCallback.mjs');
/** Batches per epoch: with the plugin's 4 ms a batch, an epoch outlasts an event's round trip on any machine. */
const N = 150;

/** Where the training loop is, as the plugin's callback records it. */
interface Position {
  epoch: number;
  batches: number;
  globalBatch: number;
  evaluating: boolean;
}
const position = (): Position =>
  ((globalThis as { __mlgymTrainingPosition?: Position }).__mlgymTrainingPosition ??= {
    epoch: -1,
    batches: 0,
    globalBatch: 0,
    evaluating: false,
  });

interface Seen {
  epoch: number;
  batch: number;
  at: Position;
}
type Message = { event_id: string | number; data: MlgymEvent | Array<{ data: MlgymEvent }> };

describe('a main_process run stays live (callbacks yield to the event loop)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-live-'));
  const gsConfig = join(dir, 'gs_config.yml');
  const storage = new FileEventStorage(join(dir, 'ws'));
  let ws: WsEndpoint;
  let port = 0;
  const runConfig = (name: string, root: string, logging = '') => {
    const file = join(dir, `${name}.yml`);
    writeFileSync(
      file,
      `run_configuration: {type: train, config: {num_epochs: 2, num_batches_per_epoch: ${N}, seed: 3, gs_config_path: ${gsConfig}, plugins: [${PLUGIN}]}}\nenvironment: {type: main_process, config: {backend: cpu}}\nlogging: {event_storage_path: ${root}${logging}}\n`,
    );
    return loadRunConfig(file);
  };
  const checkpoint = (root: string, gs: string, epoch: number) =>
    Object.fromEntries(
      readdirSync(join(root, gs, '0', String(epoch)))
        .filter((f) => !f.startsWith('.'))
        .map((f) => [f, readFileSync(join(root, gs, '0', String(epoch), f)).toString('base64')]),
    );

  beforeAll(async () => {
    // The fixture's experiment with the plugin's callback component added.
    writeFileSync(gsConfig, `${FIXTURE}\ncallbacks: {component_type_key: TRAINING_CALLBACK, variant_key: POSITION}\n`);
    ws = createWsEndpoint({ storage });
    port = await ws.listen(0);
  });
  afterAll(async () => {
    await ws.close();
    await storage.close();
  });

  it('delivers batch progress to a websocket client mid-epoch; an abort stops within a batch; the warm start is exact', async () => {
    const gs = 'live-aborted';
    const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    const seen: Seen[] = [];
    const stop = new AbortController();
    let abortedAt: number | undefined;
    client.on('mlgym_event', (m: Message) => {
      const events = Array.isArray(m.data) ? m.data.map((e) => e.data) : [m.data];
      for (const e of events) {
        const p = e.payload as { status?: string; current_epoch: number; current_batch: number };
        if (e.event_type !== 'experiment_status' || p.status !== 'train') continue;
        seen.push({ epoch: p.current_epoch, batch: p.current_batch, at: { ...position() } });
        // Ctrl-C as the CLI does it, once the second epoch is under way (the first is checkpointed).
        if (p.current_epoch === 1 && abortedAt === undefined) {
          abortedAt = position().globalBatch;
          stop.abort();
        }
      }
    });
    await new Promise((r) => client.emit('join', { rooms: [gs] }, r));
    const logging = `, websocket_logging_servers: ['http://127.0.0.1:${port}']`;
    const aborted = await runFromRunConfig(runConfig('aborted', join(dir, 'aborted'), logging), {
      gridSearchId: gs,
      signal: stop.signal,
    });
    client.close();

    // Progress of an epoch reached the client while the loop was still training that epoch. (Epoch 0's may
    // come during its evaluation on a loaded machine: the socket.io handshake of the run's reporter needs
    // several turns of the loop, and this test's endpoint shares the process with the training.)
    const live = seen.filter((s) => s.epoch === s.at.epoch && !s.at.evaluating && s.at.batches < N);
    expect(live.length, JSON.stringify(seen)).toBeGreaterThan(0);
    // The abort came mid-epoch 1 and the loop stopped before the next batch (at most one batch later).
    expect(abortedAt).toBeDefined();
    expect(abortedAt!).toBeLessThan(2 * N);
    expect(position().globalBatch - abortedAt!).toBeLessThanOrEqual(1);
    // stopped on purpose: interrupted (not failed) after the one complete epoch
    expect(aborted.results).toMatchObject([{ status: 'interrupted', lastEpoch: 0 }]);
    expect(readdirSync(join(dir, 'aborted', gs, '0')).filter((d) => /^\d+$/.test(d))).toEqual(['0']);

    // The warm start ends bit-identical to an undisturbed run.
    const warmFile = join(dir, 'warm.yml');
    writeFileSync(
      warmFile,
      `run_configuration: {type: warmstart, config: {gridsearch_id: ${gs}}}\nlogging: {event_storage_path: ${join(dir, 'aborted')}}\n`,
    );
    const warm = await runFromRunConfig(loadRunConfig(warmFile));
    expect(warm.results).toMatchObject([{ status: 'done', lastEpoch: 1 }]);
    await runFromRunConfig(runConfig('clean', join(dir, 'clean')), { gridSearchId: 'live-clean' });
    const resumed = checkpoint(join(dir, 'aborted'), gs, 1);
    expect(Object.keys(resumed).sort()).toEqual(['model.ckpt', 'optimizer.ckpt', 'training_state.json']);
    expect(resumed).toEqual(checkpoint(join(dir, 'clean'), 'live-clean', 1));
  }, 180_000);
});
