import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import { createRestApp } from '@mlgym/rest-endpoint';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { lastModel, repo, stopped, until } from './helpers.js';
import { finalCheckpoints } from './soak/checks.js';

const GS_CONFIG = join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml');

function runConfig(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}
const train = (epochs: number, logging: string, batches = 6, backend = 'wasm') =>
  `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: ${batches}, gs_config_path: ${GS_CONFIG}}}\nenvironment: {type: main_process, config: {backend: ${backend}}}\n${logging}`;
const warm = (id: string, epochs: number, logging: string, { batches = 6, backend = 'wasm' } = {}) =>
  `run_configuration: {type: warmstart, config: {gridsearch_id: ${id}, num_epochs: ${epochs}, num_batches_per_epoch: ${batches}}}\nenvironment: {type: main_process, config: {backend: ${backend}}}\n${logging}`;

describe('training runs end to end', () => {
  it('through the REST and websocket endpoints: original layout, events stored, warm start over HTTP resumes exactly', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-e2e-'));
    const app = createRestApp({ storagePath: root });
    await app.init();
    const rest = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const events = new FileEventStorage(root);
    const ws = createWsEndpoint({ storage: events });
    const wsPort = await ws.listen(0);
    const logging = `logging:\n  gs_rest_api_endpoint: http://127.0.0.1:${(rest.address() as { port: number }).port}\n  websocket_logging_servers: [http://127.0.0.1:${wsPort}]\n  event_storage_path: ${join(root, 'local')}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-e2e-cfg-'));
    try {
      const first = await runFromRunConfig(loadRunConfig(runConfig(dir, 'train.yml', train(2, logging))), {
        gridSearchId: 'e2e-http',
      });
      expect(first.results).toMatchObject([{ status: 'done', lastEpoch: 1 }]);
      for (const f of [
        'grid_search_config.yml',
        'run_config.yml',
        '0/experiment_config.json',
        '0/system_info.json',
        '0/model_summary.json',
        '0/1/model.ckpt',
        '0/1/optimizer.ckpt',
        '0/1/training_state.json',
      ]) {
        expect(existsSync(join(root, 'e2e-http', f)), f).toBe(true);
      }
      const info = JSON.parse(readFileSync(join(root, 'e2e-http', '0', 'system_info.json'), 'utf8')) as {
        tfjs_backend: { backend: string; version: string; threads: number };
      };
      // wasm runs XNNPACK on every core of the machine (up to its pool of 8) unless MLGYM_THREADS says less.
      expect(info.tfjs_backend).toMatchObject({ backend: 'wasm', threads: Math.min(8, availableParallelism()) });
      const resumed = await runFromRunConfig(loadRunConfig(runConfig(dir, 'warm.yml', warm('e2e-http', 4, logging))));
      expect(resumed.results).toMatchObject([{ status: 'done', lastEpoch: 3 }]);

      const local = mkdtempSync(join(tmpdir(), 'mlgym-e2e-local-'));
      await runFromRunConfig(
        loadRunConfig(runConfig(dir, 'full.yml', train(4, `logging: {event_storage_path: ${local}}\n`))),
        { gridSearchId: 'e2e-local' },
      );
      expect(lastModel(root, 'e2e-http').equals(lastModel(local, 'e2e-local'))).toBe(true);

      const log = await events.log('e2e-http');
      const types: string[] = [];
      const epochs: number[] = [];
      for await (const e of log.read()) {
        const ev = e.data as { event_type: string; payload: { epoch?: number; split?: string } };
        types.push(ev.event_type);
        if (ev.event_type === 'evaluation_result') epochs.push(ev.payload.epoch as number);
      }
      expect(types.filter((t) => t === 'job_status')).toHaveLength(6);
      expect(epochs).toEqual([0, 1, 2, 3]);
      const again = await runFromRunConfig(loadRunConfig(runConfig(dir, 'warm2.yml', warm('e2e-http', 4, logging))));
      expect(again.results).toMatchObject([{ status: 'skipped' }]);
    } finally {
      rest.close();
      await ws.close();
      await events.close();
    }
  }, 120_000);

  const cli = join(repo, 'apps/mlgym/dist/cli.js');
  /** `mlgym run` on a run config; resolves with the child once it has exited. */
  const mlgymRun = async (config: string) => {
    const child = spawn(process.execPath, [cli, 'run', '--config_path', config], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    return child;
  };
  /** Starts a 40-epoch run and resolves once its first checkpoints are complete. */
  const startLongRun = async (dir: string, root: string, backend: string) => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'run',
        '--config_path',
        runConfig(dir, 'train.yml', train(40, `logging: {event_storage_path: ${root}}\n`, 25, backend)),
      ],
      { stdio: 'ignore' },
    );
    const gsWithCheckpoint = () =>
      existsSync(root)
        ? readdirSync(root).find(
            (gs) => !gs.startsWith('.') && existsSync(join(root, gs, '0', '1', 'training_state.json')),
          )
        : undefined;
    await until(() => gsWithCheckpoint() !== undefined, 60_000, 'the first checkpoints');
    return { child, gs: gsWithCheckpoint() as string };
  };
  const epochsOf = (root: string, gs: string) =>
    readdirSync(join(root, gs, '0'))
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  /** The undisturbed 40-epoch run on a backend: run once, for every test that compares with it. */
  const cleanRuns = new Map<string, Promise<string>>();
  const cleanRun = (backend: string): Promise<string> => {
    let run = cleanRuns.get(backend);
    if (!run) {
      run = (async () => {
        const dir = mkdtempSync(join(tmpdir(), 'mlgym-clean-'));
        const root = join(dir, 'clean');
        const child = await mlgymRun(
          runConfig(dir, 'clean.yml', train(40, `logging: {event_storage_path: ${root}}\n`, 25, backend)),
        );
        expect(child.exitCode).toBe(0);
        return join(root, readdirSync(root).find((d) => !d.startsWith('.')) as string);
      })();
      run.catch(() => undefined); // a failure is reported by the test that awaits it
      cleanRuns.set(backend, run);
    }
    return run;
  };
  const warmStart = (dir: string, root: string, gs: string, backend: string) =>
    mlgymRun(
      runConfig(dir, 'warm.yml', warm(gs, 40, `logging: {event_storage_path: ${root}}\n`, { batches: 25, backend })),
    );

  it.each(['wasm', 'cpu'])(
    'on %s, a run killed with SIGKILL at a random batch and warm-started ends bitwise equal to an uninterrupted run',
    async (backend) => {
      const clean = cleanRun(backend); // trains meanwhile
      const dir = mkdtempSync(join(tmpdir(), 'mlgym-kill-'));
      const killedRoot = join(dir, 'killed');
      const { child, gs } = await startLongRun(dir, killedRoot, backend);
      // A random moment of the run (it has 40 epochs to go): not a wait for something to happen.
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      child.kill('SIGKILL');
      await stopped(child);
      expect(Math.max(...epochsOf(killedRoot, gs))).toBeLessThan(39);
      expect((await warmStart(dir, killedRoot, gs, backend)).exitCode).toBe(0);
      // The last checkpoint (model, optimizer, training state) equals the undisturbed run's, byte for byte.
      expect(finalCheckpoints(join(killedRoot, gs))).toEqual(finalCheckpoints(await clean));
    },
    180_000,
  );

  it('Ctrl-C stops a run cleanly (exit 130, checkpoints intact) and a warm start finishes it as if undisturbed', async () => {
    const clean = cleanRun('wasm'); // trains meanwhile, unless an earlier test ran it
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-sigint-'));
    const root = join(dir, 'store');
    const { child, gs } = await startLongRun(dir, root, 'wasm');
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    expect(child.exitCode).toBe(130);
    expect(Math.max(...epochsOf(root, gs))).toBeLessThan(39);
    expect((await warmStart(dir, root, gs, 'wasm')).exitCode).toBe(0);
    // It ends where the undisturbed run ends (its last epoch, or the same early stop), with the same bytes.
    const cleanGs = await clean;
    expect(finalCheckpoints(join(root, gs))).toEqual(finalCheckpoints(cleanGs));
  }, 180_000);
});
