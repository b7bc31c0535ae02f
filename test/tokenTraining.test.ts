import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebsocketReporter, loadRunConfig, runFromRunConfig } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEvent } from '@mlgym/protocol';
import { createRestApp } from '@mlgym/rest-endpoint';
import { createAccessControl } from '@mlgym/server-security';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { repo, until } from './helpers.js';

const GS_CONFIG = join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Both endpoints on one store, protected by a tokens file the test may rewrite. */
async function protectedEndpoints(tokens: string) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-token-run-'));
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'mlgym-token-run-tokens-')), 'tokens.txt');
  writeFileSync(tokensFile, tokens);
  const access = createAccessControl({ tokensFile });
  const app = createRestApp({ storagePath: root, access });
  await app.init();
  const rest = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const events = new FileEventStorage(root);
  const ws = createWsEndpoint({ storage: events, access });
  const wsPort = await ws.listen(0);
  cleanup.push(async () => {
    rest.close();
    await ws.close();
    await events.close();
    access.close();
  });
  const restUrl = `http://127.0.0.1:${(rest.address() as AddressInfo).port}`;
  const wsUrl = `http://127.0.0.1:${wsPort}`;
  return { root, tokensFile, events, restUrl, wsUrl };
}

const train = (epochs: number, logging: string, environment = '{type: main_process, config: {backend: wasm}}') =>
  `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: 4, gs_config_path: ${GS_CONFIG}}}\nenvironment: ${environment}\n${logging}`;

describe('the trainer sends its token', () => {
  it('from logging.auth_token: configs, checkpoints and events reach protected endpoints; the stored run config has no token', async () => {
    const { root, restUrl, wsUrl, events } = await protectedEndpoints(
      'trainer-secret write name=ci grid_searches=tok-*\nviewer read\n',
    );
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-token-cfg-'));
    const file = join(dir, 'run_config.yml');
    writeFileSync(
      file,
      train(
        2,
        `logging:\n  gs_rest_api_endpoint: ${restUrl}\n  websocket_logging_servers: [${wsUrl}]\n  auth_token: trainer-secret\n  event_storage_path: ${join(dir, 'local')}\n`,
      ),
    );
    const summary = await runFromRunConfig(loadRunConfig(file), { gridSearchId: 'tok-run' });
    expect(summary.results).toMatchObject([{ status: 'done', lastEpoch: 1 }]);
    expect(existsSync(join(root, 'tok-run', '0', '1', 'model.ckpt'))).toBe(true);
    const stored = readFileSync(join(root, 'tok-run', 'run_config.yml'), 'utf8');
    expect(stored).toContain('websocket_logging_servers');
    expect(stored).not.toContain('trainer-secret');
    const types: string[] = [];
    for await (const e of (await events.log('tok-run')).read()) types.push((e.data as MlgymEvent).event_type);
    expect(types.filter((t) => t === 'evaluation_result')).toHaveLength(2);
    // What a viewer with a read token sees of it.
    const res = await fetch(`${restUrl}/grid_searches/tok-run/run_config`, {
      headers: { Authorization: 'Bearer viewer' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('trainer-secret');
  }, 120_000);

  it('to pool workers over IPC (multiprocessing, no ML_BOARD_AUTH_TOKEN in their environment)', async () => {
    const { root, restUrl, wsUrl } = await protectedEndpoints('pool-secret write\n');
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-token-pool-'));
    const file = join(dir, 'run_config.yml');
    writeFileSync(
      file,
      train(
        1,
        `logging:\n  gs_rest_api_endpoint: ${restUrl}\n  websocket_logging_servers: [${wsUrl}]\n  auth_token: pool-secret\n  event_storage_path: ${join(dir, 'local')}\n`,
        '{type: multiprocessing, config: {process_count: 1, computation_device_ids: [], backend: wasm}}',
      ),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, MLGYM_THREADS: '1' };
    delete env['ML_BOARD_AUTH_TOKEN'];
    const child = spawn(process.execPath, [join(repo, 'apps/mlgym/dist/cli.js'), 'run', '--config_path', file], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, output).toBe(0);
    const gs = readdirSync(root).find((d) => !d.startsWith('.')) as string;
    expect(existsSync(join(root, gs, '0', '0', 'model.ckpt')), output).toBe(true);
    expect(readFileSync(join(root, gs, 'event_storage.log'), 'utf8')).toContain('evaluation_result');
  }, 120_000);

  it('a refused token is said once; the events wait in the spool and go once the tokens file lets them', async () => {
    const { tokensFile, events, wsUrl } = await protectedEndpoints('someone-else write\n');
    const warnings: string[] = [];
    const reporter = await WebsocketReporter.create({
      servers: [wsUrl],
      spoolDir: mkdtempSync(join(tmpdir(), 'mlgym-token-spool-')),
      flushIntervalMs: 10,
      authToken: 'late-token',
      authRetryMs: 100,
      warn: (line) => warnings.push(line),
    });
    cleanup.push(() => reporter.close(1000));
    const event = (i: number): MlgymEvent => ({
      event_type: 'evaluation_result',
      creation_ts: i,
      payload: { grid_search_id: 'late', experiment_id: 0, epoch: i, metric_scores: [], loss_scores: [] },
    });
    for (let i = 0; i < 5; i++) reporter.emit(event(i));
    await until(() => warnings.length > 0, 10_000, 'the refusal to be reported');
    expect(warnings[0]).toMatch(/refused this run's events \(AUTH_INVALID: .*\); check the token/);
    // Several retries later it is still one line.
    await new Promise((r) => setTimeout(r, 400));
    expect(warnings).toHaveLength(1);
    expect(events.has('late')).toBe(false);
    writeFileSync(tokensFile, 'late-token write\n');
    await until(() => reporter.flush(200), 15_000, 'delivery once the token is accepted');
    expect((await events.log('late')).length).toBe(5);
  }, 60_000);
});
