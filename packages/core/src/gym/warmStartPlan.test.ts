import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MlgymError, RunInfoSchema } from '@mlgym/protocol';
import { LocalGridSearchStore } from '@mlgym/storage';
import { loadRunConfig } from '../config/loadRunConfig.js';
import { runFromRunConfig } from './runFromRunConfig.js';
import { planWarmStart } from './warmStartPlan.js';

const fixture = join(import.meta.dirname, '../training/fixtures/mlp_gs_config.yml');
const dir = mkdtempSync(join(tmpdir(), 'mlgym-warm-plan-'));
const store = join(dir, 'store');
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
/** A warm-start config in block style, so the keys sit at known lines. */
const warm = (name: string, ...extra: string[]) =>
  loadRunConfig(
    write(
      name,
      [
        'run_configuration:',
        '  type: warmstart',
        '  config:',
        '    gridsearch_id: plan',
        ...extra.map((l) => `    ${l}`),
        `logging: {event_storage_path: ${store}}`,
        '',
      ].join('\n'),
    ),
  );
const plan = (name: string, ...extra: string[]) => planWarmStart(warm(name, ...extra), new LocalGridSearchStore(store));
async function refusal(promise: Promise<unknown>): Promise<MlgymError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MlgymError)) throw new Error(`expected an MlgymError, got ${String(error)}`);
  return error;
}

describe('planWarmStart', () => {
  beforeAll(async () => {
    // Three experiments, 2 epochs of 2 batches; then experiment 1 "loses" its last checkpoint and 2 all of them.
    write(
      'gs.yml',
      readFileSync(fixture, 'utf8').replace(
        'params: {lr: 0.01}',
        'params: {lr: {sweep: absolute, values: [0.01, 0.02, 0.03]}}',
      ),
    );
    const run = write(
      'run.yml',
      `run_configuration: {type: train, config: {num_epochs: 2, num_batches_per_epoch: 2, seed: 4, gs_config_path: gs.yml}}\nenvironment: {type: main_process, config: {backend: cpu}}\nlogging: {event_storage_path: ${store}}\n`,
    );
    const trained = await runFromRunConfig(loadRunConfig(run), { gridSearchId: 'plan' });
    expect(trained.results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    rmSync(join(store, 'plan/1/1'), { recursive: true });
    rmSync(join(store, 'plan/2/0'), { recursive: true });
    rmSync(join(store, 'plan/2/1/training_state.json')); // a save cut short: not a complete checkpoint
  }, 30_000);

  it('inherits every setting from the stored run and says what it does per experiment', async () => {
    const p = await plan('inherit.yml');
    expect(p.settings).toEqual({
      num_epochs: 2,
      num_batches_per_epoch: 2,
      seed: 4,
      backend: 'cpu',
      environment: { type: 'main_process', config: { backend: 'cpu' } },
      plugins: [],
    });
    expect(p.lines.slice(1)).toEqual([
      '  inherited: num_epochs 2, num_batches_per_epoch 2, seed 4, backend cpu, environment main_process',
      '  experiment 0: skipped (finished: 2 of 2 epochs)',
      '  experiment 1: resumed at epoch 1 (from checkpoint 0)',
      '  experiment 2: restarted (no complete checkpoint)',
    ]);
    expect(p.lines[0]).toBe(`warm start of plan (stored settings: ${store}/plan/run_info.json)`);
  });

  it('raising num_epochs extends finished experiments; the record keeps the new value', async () => {
    const p = await plan('extend.yml', 'num_epochs: 3', 'num_batches_per_epoch: 2', 'seed: 4');
    expect(p.settings.num_epochs).toBe(3);
    expect(p.lines[1]).toBe('  inherited: num_batches_per_epoch 2, seed 4, backend cpu, environment main_process');
    expect(p.lines[2]).toBe('  changed:   num_epochs 3 (was 2)');
    expect(p.lines[3]).toBe('  experiment 0: resumed at epoch 2 (from checkpoint 1)');
    expect(RunInfoSchema.parse(p.runInfo).training).toMatchObject({ num_epochs: 3, num_batches_per_epoch: 2 });
  });

  it('refuses overrides that change results, at the key, naming the stored value', async () => {
    const error = await refusal(plan('conflict.yml', 'num_batches_per_epoch: 5', 'seed: 9'));
    expect(error.code).toBe('CONFIG_INVALID');
    const file = join(dir, 'conflict.yml');
    expect(error.message).toContain(
      `${file}:5:28: run_configuration.config.num_batches_per_epoch: differs from the stored run (found 5; expected 2 (the stored run's value, ${store}/plan/run_info.json); leave it out to inherit it). To continue with 5 batches per epoch anyway, add allow_changed_batches: true`,
    );
    expect(error.message).toContain(`${file}:6:11: run_configuration.config.seed: differs from the stored run`);
    const backend = await refusal(
      planWarmStart(
        loadRunConfig(
          write(
            'backend.yml',
            `run_configuration: {type: warmstart, config: {gridsearch_id: plan}}\nenvironment: {type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm}}\nlogging: {event_storage_path: ${store}}\n`,
          ),
        ),
        new LocalGridSearchStore(store),
      ),
    );
    expect(backend.message).toMatch(/backend\.yml:2:\d+: environment\.config\.backend: .*found wasm; expected cpu/);
    const flag = await refusal(
      planWarmStart(warm('flag.yml'), new LocalGridSearchStore(store), { numBatchesPerEpoch: 3 }),
    );
    expect(flag.message).toMatch(
      /^--num_batches_per_epoch: differs .*found 3; expected 2 .*add --allow_changed_batches:/,
    );
  });

  it('changes num_batches_per_epoch only with allow_changed_batches; other environments are fine', async () => {
    const p = await plan('allow.yml', 'num_batches_per_epoch: 5', 'allow_changed_batches: true');
    expect(p.settings.num_batches_per_epoch).toBe(5);
    expect(p.lines[2]).toBe('  changed:   num_batches_per_epoch 5 (was 2)');
    expect(p.runInfo.warm_starts?.at(-1)).toMatchObject({ num_batches_per_epoch: 5, changed_batches: true });
  });

  it('reads runs stored before the settings were recorded from their run_config.yml', async () => {
    const info = join(store, 'plan/run_info.json');
    const recorded = readFileSync(info, 'utf8');
    try {
      writeFileSync(info, JSON.stringify({ config_dir: dir }));
      const p = await plan('old.yml');
      expect(p.settings).toMatchObject({ num_epochs: 2, num_batches_per_epoch: 2, seed: 4, backend: 'cpu' });
      expect(p.lines[0]).toBe(`warm start of plan (stored settings: ${store}/plan/run_config.yml)`);
      expect(p.runInfo.training).toMatchObject({ num_batches_per_epoch: 2, seed: 4 });
    } finally {
      writeFileSync(info, recorded);
    }
  });

  it('names a grid search that is not stored', async () => {
    const error = await refusal(
      planWarmStart(
        loadRunConfig(
          write('missing.yml', 'run_configuration:\n  type: warmstart\n  config:\n    gridsearch_id: nope\n'),
        ),
        new LocalGridSearchStore(store),
      ),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(
      /missing\.yml:4:20: run_configuration\.config\.gridsearch_id: grid search "nope" has no stored run_config\.yml/,
    );
  });
});
