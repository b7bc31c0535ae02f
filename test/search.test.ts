import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, runFromRunConfig } from '@mlgym/core';
import { isMlgymError } from '@mlgym/protocol';
import { repo, stopped, until } from './helpers.js';

const cli = join(repo, 'apps/mlgym/dist/cli.js');
const worker = { module: cli, args: ['_worker'] };
const FIXTURE = readFileSync(join(repo, 'packages/core/src/training/fixtures/mlp_gs_config.yml'), 'utf8');

interface LogEvent {
  event_type: string;
  payload: Record<string, unknown>;
}

/** The MLP fixture with `n` learning rates (n trials), in a fresh folder, and a writer of run configs there. */
function setup(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-search-'));
  const lrs = Array.from({ length: n }, (_, i) => Number((0.0005 * 1.6 ** i).toPrecision(3)));
  writeFileSync(
    join(dir, 'gs.yml'),
    FIXTURE.replace('params: {lr: 0.01}', `params: {lr: {sweep: absolute, values: [${lrs.join(', ')}]}}`),
  );
  const write = (name: string, opts: { epochs: number; search?: string; env?: string; extra?: string }) => {
    const search = opts.search ? `, search: ${opts.search}` : '';
    writeFileSync(
      join(dir, name),
      `run_configuration: {type: train, config: {num_epochs: ${opts.epochs}, num_batches_per_epoch: 3, gs_config_path: gs.yml, seed: 3${search}${opts.extra ?? ''}}}\n` +
        `environment: ${opts.env ?? '{type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm}}'}\n` +
        `logging: {event_storage_path: ${join(dir, 'store')}}\n`,
    );
    return join(dir, name);
  };
  return { dir, write };
}

function events(dir: string, gs: string): LogEvent[] {
  return readFileSync(join(dir, 'store', gs, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as LogEvent);
}

/** Decisions as comparable lines (not their order, which the finishing order of segments may change). */
function decisions(log: readonly LogEvent[]): string[] {
  return log
    .filter((e) => e.event_type === 'search_decision')
    .map((e) => {
      const p = e.payload;
      return `${String(p['trial_id'])} ${String(p['decision'])} r${String(p['rung'])} e${String(p['epoch'])}→${String(p['next_epoch'])} ${String(p['score'])} ${String(p['cutoff'])}`;
    })
    .sort();
}

/** sha256 of every checkpoint file of a grid search, by path (not the temporaries a killed write leaves). */
function checkpointHashes(root: string, gs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const exp of readdirSync(join(root, gs)).filter((d) => /^\d+$/.test(d)))
    for (const epoch of readdirSync(join(root, gs, exp)).filter((d) => /^\d+$/.test(d)))
      for (const file of readdirSync(join(root, gs, exp, epoch)).filter((f) => !f.startsWith('.')))
        out[`${exp}/${epoch}/${file}`] = createHash('sha256')
          .update(readFileSync(join(root, gs, exp, epoch, file)))
          .digest('hex');
  return out;
}

const SH = '{algorithm: successive_halving, metric: val/F1_SCORE_macro, mode: max, min_epochs: 1, reduction_factor: 3}';

describe('adaptive search, trained for real', () => {
  it('successive halving: stops trials at the rung, promoted ones continue from their checkpoints to the same bytes as a full grid, in a pool as in the main process', async () => {
    const { dir, write } = setup(9);
    const main = '{type: main_process, config: {backend: wasm}}';
    const pool = await runFromRunConfig(loadRunConfig(write('pool.yml', { epochs: 3, search: SH })), {
      worker,
      gridSearchId: 'sh-pool',
    });
    const inProcess = await runFromRunConfig(loadRunConfig(write('main.yml', { epochs: 3, search: SH, env: main })), {
      gridSearchId: 'sh-main',
    });
    const grid = await runFromRunConfig(loadRunConfig(write('grid.yml', { epochs: 3, env: main })), {
      gridSearchId: 'grid',
    });
    const log = events(dir, 'sh-pool');
    expect(decisions(log)).toEqual(decisions(events(dir, 'sh-main')));
    const kinds = log.filter((e) => e.event_type === 'search_decision').map((e) => e.payload['decision']);
    expect(kinds.filter((k) => k === 'started')).toHaveLength(9);
    expect(kinds.filter((k) => k === 'stopped')).toHaveLength(6);
    expect(kinds.filter((k) => k === 'promoted')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'completed')).toHaveLength(3);
    const plan = log.find((e) => e.event_type === 'search_plan');
    expect(plan?.payload).toMatchObject({ algorithm: 'successive_halving', budget_epochs: 15, grid_epochs: 27 });
    expect(pool.search).toMatchObject({ epochsTrained: 15, gridEpochs: 27 });
    expect(pool.search?.best?.status).toBe('completed');

    const evaluations = (l: readonly LogEvent[], id: number) =>
      l
        .filter((e) => e.event_type === 'evaluation_result' && e.payload['experiment_id'] === id)
        .map((e) => JSON.stringify([e.payload['epoch'], e.payload['metric_scores'], e.payload['loss_scores']]));
    const gridLog = events(dir, 'grid');
    for (const t of pool.search?.trials ?? []) {
      const id = t.experimentIds[0] as number;
      const trained = t.status === 'completed' ? 3 : 1;
      // Each epoch trained once (a promotion continues; it does not start over), equal to the full grid's.
      expect(evaluations(log, id)).toEqual(evaluations(gridLog, id).slice(0, trained));
      if (t.status === 'completed') {
        const last = (root: string, gs: string) => readFileSync(join(root, gs, String(id), '2', 'model.ckpt'));
        expect(last(join(dir, 'store'), 'sh-pool').equals(last(join(dir, 'store'), 'grid'))).toBe(true);
        const running = log.filter(
          (e) =>
            e.event_type === 'job_status' && e.payload['experiment_id'] === id && e.payload['status'] === 'RUNNING',
        );
        expect(running).toHaveLength(2);
      } else {
        expect(t).toMatchObject({ status: 'stopped', epoch: 1 });
        expect(t.last?.cutoff).toBeGreaterThan(t.score as number);
      }
    }
    expect(inProcess.search?.best?.trialId).toBe(pool.search?.best?.trialId);
    expect(grid.search).toBeUndefined();
  }, 240_000);

  it('hyperband killed at a random moment and resumed ends with the decisions and checkpoint bytes of an undisturbed run', async () => {
    const { dir, write } = setup(20);
    const HB = '{algorithm: hyperband, metric: val/cross_entropy_loss, mode: min, reduction_factor: 3}';
    const config = write('hb.yml', { epochs: 9, search: HB });
    await runFromRunConfig(loadRunConfig(config), { worker, gridSearchId: 'hb-whole' });
    const whole = events(dir, 'hb-whole');
    const total = whole.filter((e) => e.event_type === 'search_decision').length;

    const killed = spawn(process.execPath, [cli, 'run', '--config_path', config], { detached: true, stdio: 'ignore' });
    const root = join(dir, 'store');
    const cut = 5 + Math.floor(Math.random() * (total - 10));
    const gsOf = () => readdirSync(root).find((d) => d !== 'hb-whole' && !d.startsWith('.'));
    await until(
      () => {
        const gs = gsOf();
        if (!gs || !existsSync(join(root, gs, 'event_storage.log'))) return false;
        return readFileSync(join(root, gs, 'event_storage.log'), 'utf8').split('"search_decision"').length - 1 >= cut;
      },
      120_000,
      `${cut} of ${total} decisions`,
    );
    process.kill(-(killed.pid as number), 'SIGKILL');
    await stopped(killed);
    const gs = gsOf() as string;
    const before = decisions(events(dir, gs));
    expect(before.length).toBeGreaterThanOrEqual(cut);
    expect(before.length).toBeLessThan(total);

    const resumed = spawnSync(process.execPath, [cli, 'run', '--resume', gs, '--event_storage_path', root], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/continuing the hyperband search: \d+ decisions recorded/);
    expect(resumed.stdout).toMatch(/best: trial \d+/);
    const after = decisions(events(dir, gs));
    expect(after).toEqual(decisions(whole));
    // No decision twice: the log holds each one once.
    expect(after).toHaveLength(total);
    expect(checkpointHashes(root, gs)).toEqual(checkpointHashes(root, 'hb-whole'));
  }, 360_000);

  it('over cross validation: a rung score is the mean over the folds, and the folds are promoted or stopped together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-search-cv-'));
    const example = join(repo, 'example/cross_validation');
    writeFileSync(
      join(dir, 'gs.yml'),
      readFileSync(join(example, 'gs_config.yml'), 'utf8').replace(
        'lr: {sweep: absolute, values: [0.01, 0.001]}',
        'lr: {sweep: absolute, values: [0.01, 0.001, 0.0001]}',
      ),
    );
    writeFileSync(
      join(dir, 'cv.yml'),
      readFileSync(join(example, 'cv_config.yml'), 'utf8').replace('num_folds: 5', 'num_folds: 2'),
    );
    writeFileSync(
      join(dir, 'run.yml'),
      `run_configuration: {type: train, config: {num_epochs: 3, num_batches_per_epoch: 3, gs_config_path: gs.yml, validation_config_path: cv.yml, search: ${SH}}}\n` +
        `environment: {type: main_process, config: {backend: wasm}}\nlogging: {event_storage_path: ${join(dir, 'store')}}\n`,
    );
    const summary = await runFromRunConfig(loadRunConfig(join(dir, 'run.yml')), { gridSearchId: 'cv' });
    const log = events(dir, 'cv');
    const score = (id: number, epoch: number) => {
      const scores = log
        .filter(
          (x) =>
            x.event_type === 'evaluation_result' && x.payload['experiment_id'] === id && x.payload['epoch'] === epoch,
        )
        .flatMap((x) => x.payload['metric_scores'] as Array<{ metric: string; split: string; score: number }>);
      return scores.find((m) => m.split === 'val' && m.metric === 'F1_SCORE_macro')?.score as number;
    };
    const rung0 = log.filter(
      (e) => e.event_type === 'search_decision' && e.payload['rung'] === 0 && e.payload['decision'] !== 'started',
    );
    expect(rung0).toHaveLength(3);
    for (const d of rung0) {
      const [a, b] = d.payload['experiment_ids'] as number[];
      // Fold-major numbering: fold f of configuration c is f × 3 + c.
      expect(b).toBe((a as number) + 3);
      expect(d.payload['score']).toBeCloseTo((score(a as number, 0) + score(b as number, 0)) / 2, 12);
    }
    expect(rung0.filter((d) => d.payload['decision'] === 'promoted')).toHaveLength(1);
    for (const t of summary.search?.trials ?? []) {
      const trained = t.status === 'completed' ? 3 : 1;
      for (const id of t.experimentIds) {
        const epochs = log
          .filter((e) => e.event_type === 'evaluation_result' && e.payload['experiment_id'] === id)
          .map((e) => e.payload['epoch']);
        expect(new Set(epochs).size).toBe(trained);
      }
    }
    expect(summary.search).toMatchObject({ folds: 2, epochsTrained: 2 * (3 + 2), gridEpochs: 2 * 9 });
  }, 240_000);

  it('TPE proposes its trials as it goes, stores each one and records the values it chose', async () => {
    const { dir, write } = setup(1);
    writeFileSync(
      join(dir, 'gs.yml'),
      FIXTURE.replace(
        'params: {lr: 0.01}',
        'params: {lr: {sweep: random, distribution: loguniform, low: 0.0001, high: 0.1, num_samples: 6, seed: 1}}',
      ),
    );
    const summary = await runFromRunConfig(
      loadRunConfig(
        write('tpe.yml', {
          epochs: 2,
          search:
            '{algorithm: tpe, metric: val/F1_SCORE_macro, mode: max, n_startup_trials: 3, pruner: asha, min_epochs: 1, reduction_factor: 2}',
        }),
      ),
      { worker, gridSearchId: 'tpe' },
    );
    const log = events(dir, 'tpe');
    const started = log.filter((e) => e.event_type === 'search_decision' && e.payload['decision'] === 'started');
    expect(started).toHaveLength(6);
    for (const s of started) {
      const lr = (s.payload['params'] as Record<string, number>)['optimizer.config.params.lr'] as number;
      expect(lr).toBeGreaterThanOrEqual(0.0001);
      expect(lr).toBeLessThanOrEqual(0.1);
      const id = (s.payload['experiment_ids'] as number[])[0] as number;
      const stored = JSON.parse(
        readFileSync(join(dir, 'store', 'tpe', String(id), 'experiment_config.json'), 'utf8'),
      ) as {
        optimizer: { config: { params: { lr: number } } };
      };
      expect(stored.optimizer.config.params.lr).toBe(lr);
    }
    expect(summary.search?.trials.every((t) => t.status === 'completed' || t.status === 'stopped')).toBe(true);
  }, 240_000);

  it('Ctrl-C in the main process leaves the running trial interrupted at the epoch it reached, and --resume finishes the search', async () => {
    const { dir, write } = setup(3);
    const config = write('run.yml', {
      epochs: 40,
      search: '{algorithm: asha, metric: val/F1_SCORE_macro, mode: max, min_epochs: 20, reduction_factor: 2}',
      env: '{type: main_process, config: {backend: wasm}}',
    });
    const stop = new AbortController();
    const run = runFromRunConfig(loadRunConfig(config), {
      gridSearchId: 'ctrl-c',
      signal: stop.signal,
      observe: (e) => {
        if (e.event_type === 'evaluation_result' && e.payload.epoch === 2) stop.abort();
      },
    });
    const summary = await run;
    expect(summary.search?.interrupted).toBe(true);
    const interrupted = events(dir, 'ctrl-c').filter((e) => e.event_type === 'job_interrupted');
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]?.payload['epoch']).toBeGreaterThanOrEqual(2);
    expect(events(dir, 'ctrl-c').filter((e) => e.event_type === 'job_status' && e.payload['error'])).toEqual([]);
    expect(summary.results.map((r) => r.status)).toEqual(['interrupted']);

    const resumed = spawnSync(
      process.execPath,
      [cli, 'run', '--resume', 'ctrl-c', '--event_storage_path', join(dir, 'store')],
      {
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    const log = events(dir, 'ctrl-c');
    expect(log.filter((e) => e.event_type === 'search_decision' && e.payload['decision'] === 'started')).toHaveLength(
      3,
    );
    // The interrupted trial trained each of its epochs once: it went on from its checkpoint.
    const id = interrupted[0]?.payload['experiment_id'];
    const epochs = log
      .filter((e) => e.event_type === 'evaluation_result' && e.payload['experiment_id'] === id)
      .map((e) => e.payload['epoch'] as number);
    expect(new Set(epochs).size).toBeGreaterThanOrEqual(20);
  }, 240_000);

  it('refuses a bad search section before anything trains, located, with a did-you-mean', async () => {
    const { write } = setup(2);
    const bad = (search: string) => {
      try {
        loadRunConfig(write('bad.yml', { epochs: 2, search }));
      } catch (error) {
        if (isMlgymError(error)) return error.message;
        throw error;
      }
      return 'accepted';
    };
    expect(bad('{algorithm: ashaa, metric: val/F1_SCORE_macro, mode: max}')).toMatch(
      /bad\.yml:1:\d+: run_configuration\.config\.search\.algorithm: value not allowed.*Did you mean "asha"/,
    );
    expect(bad('{algorithm: successive_halving, metric: val/F1_SCORE_macro, mode: max, deterministc: true}')).toMatch(
      /search\.deterministc: unknown key "deterministc"/,
    );
    expect(bad('{algorithm: asha, metric: F1_SCORE_macro, mode: max}')).toMatch(
      /search\.metric: .*expected <split>\/<metric or loss tag>/,
    );
    const { write: w2 } = setup(2);
    const missing = runFromRunConfig(
      loadRunConfig(
        w2('m.yml', {
          epochs: 2,
          search: '{algorithm: asha, metric: val/F1_SCORE_macr, mode: max}',
          env: '{type: main_process, config: {backend: wasm}}',
        }),
      ),
      { gridSearchId: 'missing' },
    );
    await expect(missing).rejects.toThrow(
      /m\.yml:1:\d+: run_configuration\.config\.search\.metric: the evaluation reports no "val\/F1_SCORE_macr" \(found val\/F1_SCORE_macr; expected one of val\/accuracy, val\/F1_SCORE_macro, val\/cross_entropy_loss\).*Did you mean "val\/F1_SCORE_macro"/s,
    );
  }, 120_000);
});
