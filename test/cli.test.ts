import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleLoads } from './moduleLoads.js';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
// Configs written in the original MLgym's format for the compatibility tests.
const original = join(repo, 'test/fixtures/compat');

function mlgym(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
}

describe('the built mlgym binary', () => {
  it('was built by the test command', () => {
    expect(existsSync(cli)).toBe(true);
  });

  it('dry-runs every example and prints its experiments', () => {
    const expected = {
      grid_search_example: 15,
      cross_validation: 10,
      nested_cross_validation: 18,
      tabular: 4,
      mnist_conv_net: 1,
    };
    for (const [name, count] of Object.entries(expected)) {
      const result = mlgym('run', '--dry-run', '--json', '--config_path', join('example', name, 'run_config.yml'));
      expect(result.status, result.stderr).toBe(0);
      const plan = JSON.parse(result.stdout) as Array<{ experiment_id: number }>;
      expect(plan.map((e) => e.experiment_id)).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });

  // A resolve hook records every module the command loads: planning needs no training engine.
  it('dry-runs without loading TensorFlow.js, socket.io or BullMQ (the builders import tfjs on their first build)', () => {
    for (const name of ['grid_search_example', 'cross_validation']) {
      const config = join('example', name, 'run_config.yml');
      const { result, packages } = moduleLoads([cli, 'run', '--dry-run', '--config_path', config], { cwd: repo });
      expect(result.status, result.stderr).toBe(0);
      expect(packages.has('zod'), name).toBe(true);
      expect(
        [...packages].filter((p) => /tensorflow|socket\.io|bullmq/.test(p)),
        name,
      ).toEqual([]);
    }
  });

  it('a worker process loads the training engine but no CLI, Redis client or websocket server', () => {
    // Without an IPC channel the worker has no parent to wait for: it loads its modules and exits.
    const { result, files, packages } = moduleLoads([join(repo, 'apps/mlgym/dist/worker.js')], { cwd: repo });
    expect(result.status, result.stderr).toBe(0);
    expect(files.some((f) => f.endsWith('packages/core/dist/gym/jobWorker.js'))).toBe(true);
    expect([...packages].some((p) => p.startsWith('@tensorflow/'))).toBe(true);
    expect([...packages].filter((p) => /^(commander|bullmq|ioredis|socket\.io)$/.test(p))).toEqual([]);
  });

  it("dry-runs a grid search in the original MLgym's format unchanged, in the original's order", () => {
    const result = mlgym('run', '--dry-run', '--config_path', join(original, 'grid_search_example/run_config.yml'));
    expect(result.status, result.stderr).toBe(0);
    const lrs = [...result.stdout.matchAll(/batch_size=(\d+)\s+optimizer\.config\.params\.lr=([\d.e-]+)/g)].map(
      (m) => `${m[1]}/${m[2]}`,
    );
    expect(lrs.slice(0, 6)).toEqual(['10/1', '10/0.1', '10/0.01', '10/0.001', '10/0.0001', '50/1']);
    expect(lrs).toHaveLength(15);
  });

  it('trains without --dry-run, prints a results table, and exits 1 when an experiment failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-run-'));
    const fixture = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
    writeFileSync(
      join(dir, 'gs.yml'),
      fixture.replace('params: {lr: 0.01}', 'params: {lr: {sweep: absolute, values: [0.01, 0.02]}}'),
    );
    writeFileSync(join(dir, 'bad.yml'), fixture.replace('monitoring_key: cross_entropy_loss', 'monitoring_key: nope'));
    const config = (gs: string) =>
      `run_configuration: {type: train, config: {num_epochs: 1, num_batches_per_epoch: 3, gs_config_path: ${gs}}}\nenvironment: {type: main_process, config: {backend: cpu}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`;
    writeFileSync(join(dir, 'ok.yml'), config('gs.yml'));
    writeFileSync(join(dir, 'fail.yml'), config('bad.yml'));
    const ok = mlgym('run', '--config_path', join(dir, 'ok.yml'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/grid search \d{4}-\d{2}-\d{2}--\d{2}-\d{2}-\d{2}/);
    expect(ok.stdout.split('\n').filter((l) => /^\s+\d+\s+done\s+1\s/.test(l))).toHaveLength(2);
    const failed = mlgym('run', '--config_path', join(dir, 'fail.yml'));
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(
      /failed .*error: early_stopping_config.monitoring_key: "nope" is not a scalar metric or loss of split "val"/,
    );
  });

  it('trains a model registered by a plugin, in worker processes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-plugin-'));
    const example = join(repo, 'example/custom_model');
    writeFileSync(
      join(dir, 'run.yml'),
      `run_configuration: {type: train, config: {num_epochs: 1, num_batches_per_epoch: 3, gs_config_path: ${example}/gs_config.yml, plugins: [${example}/components.mjs]}}\nenvironment: {type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`,
    );
    const result = mlgym('run', '--config_path', join(dir, 'run.yml'));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((l) => /^\s+\d+\s+done\s+1\s/.test(l))).toHaveLength(2);
    writeFileSync(join(dir, 'bad.mjs'), 'export const nothing = 1;\n');
    writeFileSync(
      join(dir, 'bad.yml'),
      readFileSync(join(dir, 'run.yml'), 'utf8').replace(`${example}/components.mjs`, join(dir, 'bad.mjs')),
    );
    const bad = mlgym('run', '--dry-run', '--config_path', join(dir, 'bad.yml'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.mjs: a plugin must export a function register\(registry\)/);
  });
});
