import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRestApp } from '@mlgym/rest-endpoint';
import { repo } from './helpers.js';
import { finalCheckpoints, readEvents, scoresByEpoch } from './soak/checks.js';

const cli = join(repo, 'apps/mlgym/dist/cli.js');
const DEADLINE_S = 4;

function mlgym(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MLGYM_HTTP_TIMEOUT_S: '1', MLGYM_HTTP_DEADLINE_S: String(DEADLINE_S) },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, out })),
  );
}

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

describe('the REST endpoint stalls in the middle of a checkpoint upload', () => {
  it('the run stops with a timeout naming the endpoint and the upload; a warm start then finishes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-rest-stall-'));
    const root = join(dir, 'store');
    const app = createRestApp({ storagePath: root });
    await app.init();
    // The real endpoint, except that while `stall` holds, an upload of the second checkpoint (experiment 0, epoch 1)
    // is read up to its first bytes and then neither read further nor answered: the connection stays open, silent.
    // The first checkpoint is stored, so the warm start resumes from it.
    let stall = true;
    let stalledAt: number | undefined;
    const server = createServer((req, res) => {
      if (stall && req.method === 'PUT' && /^\/checkpoints\/[^/]+\/0\/1\//.test(req.url ?? '')) {
        stalledAt ??= Date.now();
        req.once('data', () => req.pause());
        return;
      }
      app(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const gsConfig = join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml');
    const runConfig = (logging: string) =>
      `run_configuration: {type: train, config: {num_epochs: 2, num_batches_per_epoch: 3, seed: 3, gs_config_path: ${gsConfig}}}\n` +
      `environment: {type: main_process, config: {backend: cpu}}\n${logging}`;
    const config = join(dir, 'run.yml');
    writeFileSync(
      config,
      runConfig(`logging: {gs_rest_api_endpoint: ${url}, event_storage_path: ${join(dir, 'local')}}\n`),
    );

    const stalled = await mlgym(['run', '--config_path', config]);
    const ended = Date.now();
    expect(stalled.code, stalled.out).not.toBe(0);
    expect(stalled.out).toMatch(
      new RegExp(
        `upload checkpoint \\S+ of \\S+/0/1 \\(PUT ${url}/checkpoints/\\S+\\) failed after \\d+ attempt\\(s\\) in [\\d.]+ s \\(its deadline is ${DEADLINE_S} s\\)`,
      ),
    );
    // Stopped by its deadline, not by the test's own timeout (which is far longer).
    expect(stalledAt).toBeDefined();
    expect(ended - (stalledAt as number)).toBeLessThan(60_000);

    const gs = readdirSync(root).find((d) => !d.startsWith('.')) as string;
    expect(gs).toBeTruthy();
    expect(readdirSync(join(root, gs, '0', '0')).filter((f) => !f.startsWith('.'))).toContain('training_state.json');
    expect(existsSync(join(root, gs, '0', '1'))).toBe(false);

    const command = /to continue where it stopped: (mlgym run --resume .*)/.exec(stalled.out)?.[1];
    expect(command).toBe(`mlgym run --resume ${gs} --rest_endpoint ${url}`);
    stall = false;
    // Its events go where the stalled run's went (without the flag: ./event_storage of the working directory).
    const resumed = await mlgym([
      ...(command as string).split(' ').slice(1),
      '--event_storage_path',
      join(dir, 'local'),
    ]);
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toContain('experiment 0: resumed at epoch 1 (from checkpoint 0)');
    for (const epoch of ['0', '1']) {
      expect(readdirSync(join(root, gs, '0', epoch)).filter((f) => !f.startsWith('.'))).toContain('model.ckpt');
    }

    // The same run undisturbed (local storage): the same last checkpoint, byte for byte, and the same scores.
    const cleanRoot = join(dir, 'clean');
    writeFileSync(join(dir, 'clean.yml'), runConfig(`logging: {event_storage_path: ${cleanRoot}}\n`));
    const clean = await mlgym(['run', '--config_path', join(dir, 'clean.yml')]);
    expect(clean.code, clean.out).toBe(0);
    const cleanGs = join(cleanRoot, readdirSync(cleanRoot).find((d) => !d.startsWith('.')) as string);
    const checkpoints = finalCheckpoints(join(root, gs));
    expect(Object.keys(checkpoints[0] ?? {}).sort()).toEqual([
      '1/model.ckpt',
      '1/optimizer.ckpt',
      '1/training_state.json',
    ]);
    expect(checkpoints).toEqual(finalCheckpoints(cleanGs));
    const scores = scoresByEpoch(readEvents(join(dir, 'local', gs)));
    expect(Object.keys(scores[0] ?? {})).toEqual(['0', '1']);
    expect(scores).toEqual(scoresByEpoch(readEvents(cleanGs)));
  }, 180_000);
});
