import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import { createRestApp } from '@mlgym/rest-endpoint';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { freePort, lastModel, repo, stopped, until } from './helpers.js';

// Debian's redis-server; .ci/run installs it.
const REDIS = spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim();
const GS_CONFIG = join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map(stopped));
});

/** redis-server, the REST and websocket endpoints on one storage folder, and `n` `mlgym worker`s on a queue. */
async function cluster(n: number) {
  const port = await freePort();
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(redis);
  let redisOut = '';
  redis.stdout!.on('data', (c: Buffer) => (redisOut += c.toString()));
  await until(() => redisOut.includes('Ready to accept connections'), 15_000, 'redis-server');
  const redisUrl = `redis://127.0.0.1:${port}`;
  const root = mkdtempSync(join(tmpdir(), 'mlgym-dist-'));
  const app = createRestApp({ storagePath: root });
  await app.init();
  const rest = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const events = new FileEventStorage(root);
  const ws = createWsEndpoint({ storage: events });
  const wsPort = await ws.listen(0);
  const queue = `test-${port}`;
  const workers = Array.from({ length: n }, () => {
    const w = spawn(
      process.execPath,
      [cli, 'worker', '--redis_url', redisUrl, '--queue_name', queue, '--lock_ms', '3000'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    children.push(w);
    const log = { text: '' };
    w.stderr!.on('data', (c: Buffer) => (log.text += c.toString()));
    return { w, log };
  });
  await until(() => workers.every((x) => x.log.text.includes('waiting for experiments')), 30_000, 'the workers');
  const environment = `{type: distributed, config: {redis_url: ${redisUrl}, queue_name: ${queue}, backend: wasm}}`;
  const logging = `logging:\n  gs_rest_api_endpoint: http://127.0.0.1:${(rest.address() as { port: number }).port}\n  websocket_logging_servers: [http://127.0.0.1:${wsPort}]\n`;
  return {
    root,
    events,
    environment,
    logging,
    close: async () => {
      rest.close();
      await ws.close();
      await events.close();
    },
  };
}

describe.skipIf(!REDIS)('distributed runs on BullMQ/Redis', () => {
  it('a worker killed mid-job: the job completes on the other worker, bitwise equal to an undisturbed run', async () => {
    const port = await freePort();
    const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(redis);
    let redisOut = '';
    redis.stdout!.on('data', (c: Buffer) => (redisOut += c.toString()));
    await until(() => redisOut.includes('Ready to accept connections'), 15_000, 'redis-server');
    const redisUrl = `redis://127.0.0.1:${port}`;

    const root = mkdtempSync(join(tmpdir(), 'mlgym-dist-'));
    const app = createRestApp({ storagePath: root });
    await app.init();
    const rest = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const events = new FileEventStorage(root);
    const ws = createWsEndpoint({ storage: events });
    const wsPort = await ws.listen(0);

    const queue = `test-${port}`;
    const workers = [0, 1].map(() => {
      const w = spawn(
        process.execPath,
        [cli, 'worker', '--redis_url', redisUrl, '--queue_name', queue, '--lock_ms', '3000'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(w);
      const log = { text: '' };
      w.stderr!.on('data', (c: Buffer) => (log.text += c.toString()));
      return { w, log };
    });
    await until(() => workers.every((x) => x.log.text.includes('waiting for experiments')), 30_000, 'the workers');

    const dir = mkdtempSync(join(tmpdir(), 'mlgym-dist-cfg-'));
    const body = (env: string, logging: string) =>
      `run_configuration: {type: train, config: {num_epochs: 30, num_batches_per_epoch: 20, gs_config_path: ${GS_CONFIG}}}\nenvironment: ${env}\n${logging}`;
    writeFileSync(
      join(dir, 'dist.yml'),
      body(
        `{type: distributed, config: {redis_url: ${redisUrl}, queue_name: ${queue}, backend: wasm}}`,
        `logging:\n  gs_rest_api_endpoint: http://127.0.0.1:${(rest.address() as { port: number }).port}\n  websocket_logging_servers: [http://127.0.0.1:${wsPort}]\n  event_storage_path: ${join(dir, 'unused')}\n`,
      ),
    );
    try {
      const run = runFromRunConfig(loadRunConfig(join(dir, 'dist.yml')), { gridSearchId: 'dist' });
      await until(
        () => existsSync(join(root, 'dist', '0', '1', 'training_state.json')),
        60_000,
        'the first checkpoints',
      );
      const busy = workers.find((x) => x.log.text.includes('experiment 0 of dist: starting'));
      expect(busy).toBeDefined();
      busy!.w.kill('SIGKILL');
      const summary = await run;
      const other = workers.find((x) => x !== busy)!;
      expect(other.log.text).toContain('experiment 0 of dist: resuming');
      expect(summary.results).toHaveLength(1);
      expect(summary.results[0]!.status).toBe('done');

      // `mlgym attach` re-attaches to the grid search from anywhere with the queue, and prints its summary.
      const attach = spawnSync(
        process.execPath,
        [cli, 'attach', '--redis_url', redisUrl, '--queue_name', queue, '--gridsearch_id', 'dist'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(attach.status, attach.stderr).toBe(0);
      expect(attach.stdout.trim()).toMatch(new RegExp(`^0\\s+done\\s+last epoch ${summary.results[0]!.lastEpoch}$`));
      const unknown = spawnSync(
        process.execPath,
        [cli, 'attach', '--redis_url', redisUrl, '--queue_name', queue, '--gridsearch_id', 'no-such-run'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr).toMatch(/no-such-run/);

      writeFileSync(
        join(dir, 'local.yml'),
        body('{type: main_process, config: {backend: wasm}}', `logging: {event_storage_path: ${join(dir, 'local')}}\n`),
      );
      await runFromRunConfig(loadRunConfig(join(dir, 'local.yml')), { gridSearchId: 'local' });
      expect(lastModel(root, 'dist').equals(lastModel(join(dir, 'local'), 'local'))).toBe(true);

      const log = await events.log('dist');
      const statuses: string[] = [];
      for await (const e of log.read()) {
        const ev = e.data as { event_type: string; payload: { status?: string } };
        if (ev.event_type === 'job_status') statuses.push(ev.payload.status as string);
      }
      expect(statuses[0]).toBe('INIT');
      expect(statuses.filter((s) => s === 'RUNNING')).toHaveLength(2);
      expect(statuses.at(-1)).toBe('DONE');
    } finally {
      rest.close();
      await ws.close();
      await events.close();
    }
  }, 180_000);

  it('an adaptive search hands its segments to the distributed workers: a promoted trial continues on any worker, with the decisions and bytes of the main process', async () => {
    const c = await cluster(2);
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-dist-search-'));
    const gs = join(dir, 'gs.yml');
    writeFileSync(
      gs,
      readFileSync(GS_CONFIG, 'utf8').replace(
        'params: {lr: 0.01}',
        'params: {lr: {sweep: absolute, values: [0.0005, 0.002, 0.008, 0.03]}}',
      ),
    );
    const search =
      '{algorithm: asha, deterministic: true, metric: val/F1_SCORE_macro, mode: max, reduction_factor: 2, min_epochs: 1}';
    const body = (env: string, logging: string) =>
      `run_configuration: {type: train, config: {num_epochs: 4, num_batches_per_epoch: 3, gs_config_path: ${gs}, search: ${search}}}\nenvironment: ${env}\n${logging}`;
    writeFileSync(join(dir, 'dist.yml'), body(c.environment, c.logging));
    writeFileSync(
      join(dir, 'local.yml'),
      body('{type: main_process, config: {backend: wasm}}', `logging: {event_storage_path: ${join(dir, 'local')}}\n`),
    );
    try {
      const dist = await runFromRunConfig(loadRunConfig(join(dir, 'dist.yml')), { gridSearchId: 'dsearch' });
      const local = await runFromRunConfig(loadRunConfig(join(dir, 'local.yml')), { gridSearchId: 'lsearch' });
      const decisions = (t: NonNullable<typeof dist.search>) =>
        t.trials.map((x) => `${x.trialId} ${x.status} ${x.epoch} ${x.score}`).sort();
      expect(decisions(dist.search!)).toEqual(decisions(local.search!));
      expect(dist.search!.trials.some((t) => t.epoch === 4)).toBe(true);
      const best = dist.search!.best!;
      const id = best.experimentIds[0] as number;
      const model = (root: string, g: string) => readFileSync(join(root, g, String(id), '3', 'model.ckpt'));
      expect(model(c.root, 'dsearch').equals(model(join(dir, 'local'), 'lsearch'))).toBe(true);
      const log = await c.events.log('dsearch');
      const kinds: string[] = [];
      for await (const e of log.read()) {
        const ev = e.data as { event_type: string; payload: { decision?: string } };
        if (ev.event_type === 'search_decision') kinds.push(ev.payload.decision as string);
      }
      expect(kinds.filter((k) => k === 'started')).toHaveLength(4);
      expect(kinds).toContain('promoted');
    } finally {
      await c.close();
    }
  }, 240_000);
});
