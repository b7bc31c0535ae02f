import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig, runJobsInPool } from '@mlgym/core';
import type { JobResult } from '@mlgym/core';
import { repo } from './helpers.js';

// One thread per worker whatever the process count, so only reuse and order differ between runs.
process.env['MLGYM_THREADS'] = '1';

// The worker script `mlgym run` starts (processPool.test.ts drives the CLI's `_worker` command instead).
const workerJs = join(repo, 'apps/mlgym/dist/worker.js');
const worker = { module: workerJs, args: [] };
const FIXTURE = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');
const PLUGIN = join(repo, 'test/fixtures/plugins/faultyModel.mjs');
const EPOCHS = 2;
const BATCHES = 2;
const TRAIN = `num_epochs: ${EPOCHS}, num_batches_per_epoch: ${BATCHES}`;

/** What the launcher writes (the experiment's config) or what names the machine. */
const INPUTS = new Set(['system_info.json', 'experiment_config.json']);

/** sha256 of every stored file of an experiment (checkpoints, state, summary), but the machine record and the store's sidecars. */
function hashes(root: string, gs: string, id: number): Record<string, string> {
  const base = join(root, gs, String(id));
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.startsWith('.') && !INPUTS.has(name))
        out[relative(base, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(base);
  return out;
}

function setup(gsEdit: (s: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-reuse-'));
  writeFileSync(join(dir, 'gs.yml'), gsEdit(FIXTURE));
  const run = async (name: string, env: string, plugins = '') => {
    const lines: string[] = [];
    writeFileSync(
      join(dir, `${name}.yml`),
      `run_configuration: {type: train, config: {${TRAIN}, gs_config_path: gs.yml${plugins}}}\nenvironment:\n  type: multiprocessing\n  config: {computation_device_ids: [], backend: wasm, ${env}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`,
    );
    const summary = await runFromRunConfig(loadRunConfig(join(dir, `${name}.yml`)), {
      worker,
      gridSearchId: name,
      log: (l) => lines.push(l),
    });
    return { ...summary, lines };
  };
  return { dir, store: join(dir, 'store'), run };
}

const metrics = (results: JobResult[]) =>
  Object.fromEntries(results.map((r) => [r.experimentId, [r.status, r.lastEpoch, r.final]]));

describe('reused pool workers', () => {
  it('give bit-identical checkpoints and metrics with reuse on and off, in any order and process count', async () => {
    const { store, run } = setup((s) =>
      s.replace('params: {lr: 0.01}', 'params: {lr: {sweep: absolute, values: [0.01, 0.001, 0.005]}}'),
    );
    // Reuse: all three jobs one after another in the same worker.
    const reused = await run('reused', 'process_count: 1, reuse_workers: true');
    expect(reused.lines.filter((l) => /retired/.test(l))).toEqual([]);
    const fresh = await run('fresh', 'process_count: 2, reuse_workers: false');
    // Reversed order in one reused worker: experiment 2 first, 0 last.
    const plan = reused.plan;
    if (!plan) throw new Error('a train run has a plan');
    const sink = { emit: () => undefined, flush: async () => true, close: async () => undefined };
    const reversed = await runJobsInPool({
      gridSearchId: 'reversed',
      jobs: plan.experiments.map((e) => ({ experimentId: e.experiment_id, config: e.config, resume: false })).reverse(),
      numEpochs: EPOCHS,
      numBatchesPerEpoch: BATCHES,
      backend: 'wasm',
      sink,
      processCount: 1,
      workerModule: workerJs,
      workerArgs: [],
      store: { kind: 'local', root: store },
      configDir: dirname(plan.gs.source.file),
      reuseWorkers: true,
    });
    expect(reused.results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(metrics(fresh.results)).toEqual(metrics(reused.results));
    expect(metrics(reversed)).toEqual(metrics(reused.results));
    for (const id of [0, 1, 2]) {
      const want = hashes(store, 'fresh', id);
      expect(Object.keys(want).length).toBeGreaterThan(6);
      expect(hashes(store, 'reused', id)).toEqual(want);
      expect(hashes(store, 'reversed', id)).toEqual(want);
    }
    // The sweep really trained three different models.
    expect(new Set([0, 1, 2].map((id) => JSON.stringify(hashes(store, 'fresh', id)))).size).toBe(3);
  }, 120_000);

  it('retires a worker whose job leaked tensors or threw; the next job in that slot equals a fresh-process run', async () => {
    const { store, run } = setup((s) =>
      s
        .replace('subscription: mlp', 'subscription: faulty_mlp')
        .replace(
          '    model_definition:\n',
          '    model_definition:\n      mode: {sweep: absolute, values: [leak, ok, crash, ok]}\n',
        ),
    );
    const plugins = `, plugins: [${PLUGIN}]`;
    const reused = await run('reused', 'process_count: 1, reuse_workers: true', plugins);
    expect(reused.results.map((r) => r.status)).toEqual(['done', 'done', 'failed', 'done']);
    expect(reused.results[2]?.error).toMatch(/crashing as asked/);
    const retired = reused.lines.filter((l) => /retired/.test(l));
    expect(retired).toEqual([
      expect.stringMatching(/retired \(the job left 1 tensors \(16 bytes\) behind\); starting a fresh one/),
      expect.stringMatching(/retired \(its job failed\); starting a fresh one/),
    ]);
    const fresh = await run('fresh', 'process_count: 2, reuse_workers: false', plugins);
    expect(metrics(fresh.results)).toEqual(metrics(reused.results));
    for (const id of [0, 1, 3]) expect(hashes(store, 'reused', id)).toEqual(hashes(store, 'fresh', id));
    expect(hashes(store, 'reused', 3)).toEqual(hashes(store, 'fresh', 1));
  }, 120_000);

  it('max_jobs_per_worker and MLGYM_WORKER_MAX_RSS_MB retire a worker; the next job starts in a fresh one, results as fresh processes', async () => {
    const { store, run } = setup((s) =>
      s.replace('params: {lr: 0.01}', 'params: {lr: {sweep: absolute, values: [0.01, 0.001, 0.005]}}'),
    );
    const retiredLines = (lines: string[]) => lines.filter((l) => /retired/.test(l));
    // Two jobs per worker: the third job gets a fresh one.
    const limited = await run('limited', 'process_count: 1, reuse_workers: true, max_jobs_per_worker: 2');
    expect(retiredLines(limited.lines)).toEqual([
      expect.stringMatching(/^worker \d+ retired \(ran 2 jobs, its limit\); starting a fresh one$/),
    ]);
    // The worker is replaced once the second experiment is done, for the third.
    const at = (pattern: RegExp) => limited.lines.findIndex((l) => pattern.test(l));
    expect(at(/^experiment 1: done/)).toBeLessThan(at(/retired/));
    expect(at(/retired/)).toBeLessThan(at(/^experiment 2: done/));
    // A bound of 1 MB, which any worker exceeds: every job retires its worker.
    process.env['MLGYM_WORKER_MAX_RSS_MB'] = '1';
    let bounded: Awaited<ReturnType<typeof run>>;
    try {
      bounded = await run('bounded', 'process_count: 1, reuse_workers: true');
    } finally {
      delete process.env['MLGYM_WORKER_MAX_RSS_MB'];
    }
    expect(retiredLines(bounded.lines)).toEqual([
      expect.stringMatching(
        /^worker \d+ retired \(the worker uses \d+ MB, more than its bound of 1 MB\); starting a fresh one$/,
      ),
      expect.stringMatching(
        /^worker \d+ retired \(the worker uses \d+ MB, more than its bound of 1 MB\); starting a fresh one$/,
      ),
    ]);
    const fresh = await run('fresh', 'process_count: 1, reuse_workers: false');
    for (const summary of [limited, bounded]) expect(metrics(summary.results)).toEqual(metrics(fresh.results));
    for (const id of [0, 1, 2]) {
      expect(hashes(store, 'limited', id)).toEqual(hashes(store, 'fresh', id));
      expect(hashes(store, 'bounded', id)).toEqual(hashes(store, 'fresh', id));
    }
  }, 180_000);
});
