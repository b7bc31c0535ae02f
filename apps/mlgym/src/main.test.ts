import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, main } from './main.js';

const repo = resolve(import.meta.dirname, '../../..');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mlgym run --dry-run', () => {
  const config = join(repo, 'example/grid_search_example/run_config.yml');

  it('prints the experiment table: id, config hash and swept values', async () => {
    const { code, out } = await run('run', '--dry-run', '--config_path', config);
    expect(code).toBe(0);
    expect(out).toContain('GRID_SEARCH — 15 experiments');
    const rows = out.split('\n').filter((l) => /^\s*\d+\s+[0-9a-f]{12}\s/.test(l));
    expect(rows).toHaveLength(15);
    expect(rows[0]).toMatch(/^\s*0 .*data_loaders\.config\.batch_size=10\s+optimizer\.config\.params\.lr=1$/);
    expect(rows[5]).toMatch(/^\s*5 .*batch_size=50\s+optimizer\.config\.params\.lr=1$/);
  });

  it('--json prints one JSON array of {experiment_id, config_hash, config}', async () => {
    const { code, out } = await run('run', '--dry-run', '--json', '--config-path', config);
    expect(code).toBe(0);
    const plan = JSON.parse(out) as Array<{
      experiment_id: number;
      config_hash: string;
      config: Record<string, { config: Record<string, unknown> }>;
    }>;
    expect(plan).toHaveLength(15);
    expect(Object.keys(plan[0]!).sort()).toEqual(['config', 'config_hash', 'experiment_id']);
    expect(plan[6]!.experiment_id).toBe(6);
    expect(plan[6]!.config['optimizer']!.config['params']).toEqual({ lr: 0.1 });
    expect(plan[6]!.config_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 2 with a located error for an invalid config, and on bad arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-'));
    const bad = join(dir, 'run.yml');
    writeFileSync(
      bad,
      'run_configuration: {type: train, config: {num_epochs: 0, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n',
    );
    const result = await run('run', '--dry-run', '--config_path', bad);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /error\[CONFIG_INVALID\]: .*run\.yml:1:\d+: run_configuration\.config\.num_epochs: value out of range \(found number 0; expected a number > 0\)/,
    );
    expect((await run('run', '--dry-run')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it("accepts the original's accelerate environment and ACCELERATE components, saying once what runs instead", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-'));
    const gs = readFileSync(join(repo, 'example/grid_search_example/gs_config.yml'), 'utf8').replace(
      /(component_type_key: (?:TRAIN_COMPONENT|TRAINER|EVAL_COMPONENT|EVALUATOR)\n\s*variant_key: )DEFAULT/g,
      '$1ACCELERATE',
    );
    expect(gs.match(/ACCELERATE/g)).toHaveLength(4);
    writeFileSync(join(dir, 'gs_config.yml'), gs);
    const runConfig = join(dir, 'run.yml');
    writeFileSync(
      runConfig,
      'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs_config.yml}}\nenvironment: {type: accelerate}\n',
    );
    const { code, err } = await run('run', '--dry-run', '--config_path', runConfig);
    expect(code).toBe(0);
    const lines = err.split('\n');
    expect(lines.filter((l) => /environment accelerate: .*one after another in this process/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /ACCELERATE trainer and evaluator run as the default ones/.test(l))).toHaveLength(1);
  });
});

describe('mlgym run', () => {
  it('trains an accelerate config with the default components, saying so once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-'));
    const tabular = join(repo, 'example/tabular');
    const gs = readFileSync(join(tabular, 'gs_config.yml'), 'utf8')
      .replace(
        /(component_type_key: (?:TRAIN_COMPONENT|TRAINER|EVAL_COMPONENT|EVALUATOR)\n\s*variant_key: )DEFAULT/g,
        '$1ACCELERATE',
      )
      .replaceAll('data/', `${tabular}/data/`);
    writeFileSync(join(dir, 'gs_config.yml'), gs);
    const runConfig = join(dir, 'run.yml');
    writeFileSync(
      runConfig,
      `run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs_config.yml, seed: 3}}
environment: {type: accelerate, config: {backend: cpu}}
logging: {event_storage_path: ${join(dir, 'events')}}
`,
    );
    const { code, out, err } = await run('run', '--config_path', runConfig);
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => /^\s+\d+\s+done\s+1 /.test(l))).toHaveLength(4);
    const lines = err.split('\n');
    expect(lines.filter((l) => /environment accelerate: .*one after another in this process/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /ACCELERATE trainer and evaluator run as the default ones/.test(l))).toHaveLength(1);
  }, 120_000);
});

describe('mlgym run --dry-run of an adaptive search', () => {
  /** The example grid (15 configurations, 2 epochs) with a search section, or another run config's. */
  function withSearch(search: string, example = 'grid_search_example', epochs = 9) {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-search-'));
    const base = join(repo, 'example', example);
    const file = join(dir, 'run.yml');
    const extra =
      example === 'nested_cross_validation' ? `, validation_config_path: ${join(base, 'nested_cv_config.yml')}` : '';
    writeFileSync(
      file,
      `run_configuration: {type: train, config: {num_epochs: ${epochs}, gs_config_path: ${join(base, 'gs_config.yml')}${extra}, search: ${search}}}\nenvironment: {type: main_process}\n`,
    );
    return file;
  }

  it('prints the rungs, the trials per rung and the epoch budget against the full grid', async () => {
    const hb = await run(
      'run',
      '--dry-run',
      '--config_path',
      withSearch('{algorithm: hyperband, metric: val/F1_SCORE_macro, mode: max, seed: 4}'),
    );
    expect(hb.code).toBe(0);
    expect(hb.out).toContain(
      'search:      hyperband on val/F1_SCORE_macro (max), reduction_factor 3, min_epochs 1, seed 4',
    );
    expect(hb.out).toContain('trials:      15 of 15 configurations, up to 9 epochs');
    // 15 configurations: 9 for the first bracket, 5 for the second, the one left for the third.
    expect(hb.out).toContain('bracket 0:   9 × 1 ep  →  3 × 3 ep  →  1 × 9 ep');
    expect(hb.out).toContain('bracket 1:   5 × 3 ep  →  1 × 9 ep');
    expect(hb.out).toContain('bracket 2:   1 × 9 ep');
    expect(hb.out).toContain('budget:      at most 51 epochs, against 135 for the full grid (37.8 %)');
    const asha = await run(
      'run',
      '--dry-run',
      '--config_path',
      withSearch('{algorithm: asha, metric: val/F1_SCORE_macro, mode: max, num_trials: 9}'),
    );
    expect(asha.out).toContain('trials:      9 of 15 configurations, up to 9 epochs');
    expect(asha.out).toContain('rungs:       9 × 1 ep  →  ? × 3 ep  →  ? × 9 ep');
    expect(asha.out).toContain(
      'budget:      about 21 epochs (decided by the scores as they come), against 135 for the full grid',
    );
  });

  it('refuses nested cross validation with an error naming what is supported', async () => {
    const nested = await run(
      'run',
      '--dry-run',
      '--config_path',
      withSearch(
        '{algorithm: successive_halving, metric: val/F1_SCORE_macro, mode: max}',
        'nested_cross_validation',
        2,
      ),
    );
    expect(nested.code).toBe(2);
    expect(nested.err).toMatch(
      /run\.yml:1:\d+: run_configuration\.config\.search\.algorithm: successive_halving does not search nested cross validation .*expected grid or random with nested cross validation; adaptive searches with a plain grid or CROSS_VALIDATION/,
    );
  });
});

describe('mlgym run --resume arguments', () => {
  it('exits 2 naming the flag: unknown run, flags that need --resume, bad numbers, --resume with a config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-cli-resume-'));
    const unknown = await run('run', '--resume', 'nope', '--event_storage_path', dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`error[NOT_FOUND]: --resume: grid search "nope" has no stored run in ${dir}`);
    const config = join(repo, 'example/grid_search_example/run_config.yml');
    const misplaced = await run('run', '--config_path', config, '--num_epochs', '3');
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toContain('--num_epochs: only applies to --resume <gridsearch_id>');
    const zero = await run('run', '--resume', 'x', '--num_epochs', '0');
    expect(zero.err).toContain('--num_epochs: not a positive integer: "0"');
    const both = await run('run', '--resume', 'x', '--config_path', config);
    expect(both.err).toContain('--resume: takes no --config_path');
    expect((await run('run')).err).toContain('--config_path: missing');
  });
});

describe('mlgym --help', () => {
  it('lists exactly the backends the protocol accepts', async () => {
    const { BACKENDS } = await import('@mlgym/protocol');
    expect([...BACKEND_NAMES]).toEqual([...BACKENDS]);
    const { code, out } = await run('run', '--help');
    expect(code).toBe(0);
    expect(out.replace(/\s+/g, ' ')).toContain(`compute backend (${BACKENDS.join(' | ')})`);
  });
});
