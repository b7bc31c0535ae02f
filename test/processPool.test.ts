import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import type { JobResult } from '@mlgym/core';
import { repo, until } from './helpers.js';
import { finalCheckpoints } from './soak/checks.js';

const cli = join(repo, 'apps/mlgym/dist/cli.js');
const worker = { module: cli, args: ['_worker'] };
const FIXTURE = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');

/** The MLP fixture with a 3-value learning-rate sweep (3 experiments), in a fresh folder. */
function setup(extraEnv = '', gsEdit = (s: string) => s) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-pool-'));
  writeFileSync(
    join(dir, 'gs.yml'),
    gsEdit(FIXTURE.replace('params: {lr: 0.01}', 'params: {lr: {sweep: absolute, values: [0.01, 0.001, 0.005]}}')),
  );
  const write = (name: string, runConfiguration: string) => {
    writeFileSync(
      join(dir, name),
      `run_configuration: ${runConfiguration}\nenvironment:\n  type: multiprocessing\n  config: {process_count: 2, computation_device_ids: [], backend: wasm${extraEnv}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`,
    );
    return join(dir, name);
  };
  return { dir, write };
}

function events(dir: string, gs: string) {
  return readFileSync(join(dir, 'store', gs, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { event_type: string; payload: Record<string, unknown> });
}

describe('multiprocessing pool', () => {
  it('runs a grid in worker processes with the original lifecycle events', async () => {
    const { dir, write } = setup();
    const summary = await runFromRunConfig(
      loadRunConfig(
        write('run.yml', '{type: train, config: {num_epochs: 2, num_batches_per_epoch: 5, gs_config_path: gs.yml}}'),
      ),
      { worker, gridSearchId: 'pool-ok' },
    );
    expect(summary.results.map((r) => [r.experimentId, r.status, r.lastEpoch])).toEqual([
      [0, 'done', 1],
      [1, 'done', 1],
      [2, 'done', 1],
    ]);
    const log = events(dir, 'pool-ok');
    for (const id of [0, 1, 2]) {
      const statuses = log
        .filter((e) => e.event_type === 'job_status' && e.payload['experiment_id'] === id)
        .map((e) => e.payload['status']);
      expect(statuses).toEqual(['INIT', 'RUNNING', 'DONE']);
      expect(log.filter((e) => e.event_type === 'evaluation_result' && e.payload['experiment_id'] === id)).toHaveLength(
        2,
      );
    }
    expect(log.filter((e) => e.event_type === 'experiment_config')).toHaveLength(3);
    // Two lanes share the cores: each worker's XNNPACK pool gets its half (or what MLGYM_THREADS says).
    const share = Number(process.env['MLGYM_THREADS'] ?? Math.max(1, Math.floor(cpus().length / 2)));
    for (const id of [0, 1, 2]) {
      const info = JSON.parse(readFileSync(join(dir, 'store', 'pool-ok', String(id), 'system_info.json'), 'utf8')) as {
        tfjs_backend: { threads: number };
      };
      expect(info.tfjs_backend.threads).toBe(Math.min(8, share));
    }
  }, 60_000);

  it('a worker killed with SIGKILL leaves its job interrupted at the epoch it reached (not failed); the others complete; a warm start finishes it', async () => {
    const { dir, write } = setup();
    const run = runFromRunConfig(
      loadRunConfig(
        write('run.yml', '{type: train, config: {num_epochs: 30, num_batches_per_epoch: 20, gs_config_path: gs.yml}}'),
      ),
      { worker, gridSearchId: 'pool-kill' },
    );
    const epochDir = join(dir, 'store', 'pool-kill', '0');
    await until(
      () => {
        try {
          return readdirSync(epochDir).includes('1');
        } catch {
          return false;
        }
      },
      60_000,
      'experiment 0 to checkpoint',
    );
    const pids = execFileSync('pgrep', ['-f', `${cli} _worker`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    // Kill the worker training experiment 0 (the oldest worker).
    process.kill(Math.min(...pids), 'SIGKILL');
    const summary = await run;
    expect(summary.results.filter((r) => r.status === 'failed')).toEqual([]);
    const failed = summary.results.filter((r) => r.status === 'interrupted');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/worker was lost.*signal SIGKILL/);
    expect(failed[0]!.lastEpoch).toBeGreaterThanOrEqual(1);
    expect(summary.results.filter((r) => r.status === 'done')).toHaveLength(2);
    const log = events(dir, 'pool-kill');
    expect(log.filter((e) => e.event_type === 'job_status' && e.payload['error'])).toEqual([]);
    const interrupted = log.filter((e) => e.event_type === 'job_interrupted');
    expect(interrupted.map((e) => [e.payload['experiment_id'], e.payload['epoch']])).toEqual([
      [failed[0]!.experimentId, failed[0]!.lastEpoch],
    ]);

    const warm = await runFromRunConfig(
      loadRunConfig(
        write(
          'warm.yml',
          '{type: warmstart, config: {gridsearch_id: pool-kill, num_epochs: 30, num_batches_per_epoch: 20}}',
        ),
      ),
      { worker },
    );
    expect(warm.results.map((r) => r.status).sort()).toEqual(['done', 'skipped', 'skipped']);
    const resumed = warm.results.find((r) => r.status === 'done')!;
    expect(resumed.experimentId).toBe(failed[0]!.experimentId);

    // The same grid undisturbed: every experiment, the resumed one included, ends bit-identical to it.
    const clean = await runFromRunConfig(
      loadRunConfig(
        write(
          'clean.yml',
          '{type: train, config: {num_epochs: 30, num_batches_per_epoch: 20, gs_config_path: gs.yml}}',
        ),
      ),
      { worker, gridSearchId: 'pool-clean' },
    );
    const outcome = (r: JobResult | undefined) => r && [r.status, r.lastEpoch, r.stoppedEarly, r.final];
    const cleanResult = (id: number) => clean.results.find((r) => r.experimentId === id);
    expect(outcome(resumed)).toEqual(outcome(cleanResult(resumed.experimentId)));
    for (const r of summary.results.filter((x) => x.status === 'done'))
      expect(outcome(r)).toEqual(outcome(cleanResult(r.experimentId)));
    const checkpoints = finalCheckpoints(join(dir, 'store', 'pool-kill'));
    expect(Object.keys(checkpoints)).toEqual(['0', '1', '2']);
    expect(checkpoints).toEqual(finalCheckpoints(join(dir, 'store', 'pool-clean')));
  }, 120_000);

  it('a config that throws at build time ends DONE with a clear error; max_retries re-runs it', async () => {
    const { dir, write } = setup(', max_retries: 1', (s) =>
      s.replace('monitoring_key: cross_entropy_loss', 'monitoring_key: no_such_metric'),
    );
    const summary = await runFromRunConfig(
      loadRunConfig(
        write('run.yml', '{type: train, config: {num_epochs: 2, num_batches_per_epoch: 3, gs_config_path: gs.yml}}'),
      ),
      { worker, gridSearchId: 'pool-bad' },
    );
    expect(summary.results.every((r) => r.status === 'failed')).toBe(true);
    expect(summary.results[0]!.error).toMatch(/"no_such_metric" is not a scalar metric or loss of split "val"/);
    const running = events(dir, 'pool-bad').filter(
      (e) => e.event_type === 'job_status' && e.payload['status'] === 'RUNNING' && e.payload['experiment_id'] === 0,
    );
    expect(running).toHaveLength(2);
    const done = events(dir, 'pool-bad').find((e) => e.event_type === 'job_status' && e.payload['status'] === 'DONE');
    expect(done!.payload['stacktrace']).toMatch(/at /);
  }, 60_000);
});
