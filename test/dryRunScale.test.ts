import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from './helpers.js';

const cli = join(repo, 'apps/mlgym/dist/cli.js');
const BATCH_SIZES = 100;
const LEARNING_RATES = 1000;
const CONFIGURATIONS = BATCH_SIZES * LEARNING_RATES;

/**
 * The example's MNIST grid with 100 batch sizes × 1,000 learning rates: each experiment's config is
 * about 5.7 KB of JSON, so the whole list (about 570 MB) is longer than the longest string V8 makes.
 */
function writeGrid(dir: string): string {
  const gs = readFileSync(join(repo, 'example/grid_search_example/gs_config.yml'), 'utf8')
    .replace(
      /batch_size:\n(\s+)sweep: absolute\n\s+values: \[10, 50, 100\]/,
      (_m, indent: string) =>
        `batch_size:\n${indent}sweep: range\n${indent}start: 1\n${indent}stop: ${BATCH_SIZES + 1}`,
    )
    .replace(
      /lr:\n(\s+)sweep: absolute\n\s+values: \[1, 0\.1, 0\.01, 0\.001, 0\.0001\]/,
      (_m, indent: string) =>
        `lr:\n${indent}sweep: linspace\n${indent}start: 0.0001\n${indent}stop: 0.1\n${indent}num: ${LEARNING_RATES}`,
    );
  expect(gs).toContain(`num: ${LEARNING_RATES}`);
  expect(gs).toContain(`stop: ${BATCH_SIZES + 1}`);
  writeFileSync(join(dir, 'gs_config.yml'), gs);
  const run = join(dir, 'run_config.yml');
  writeFileSync(
    run,
    'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: ./gs_config.yml}}\nenvironment: {type: main_process}\n',
  );
  return run;
}

interface Streamed {
  code: number | null;
  stderr: string;
  lines: number;
  first: string;
  lastTwo: string[];
}

/** Runs the CLI with a small heap and reads its output line by line (it is too long to hold as one string). */
function dryRunJson(runConfig: string): Promise<Streamed> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=256', cli, 'run', '--dry-run', '--json', '--config_path', runConfig],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const out: Streamed = { code: null, stderr: '', lines: 0, first: '', lastTwo: [] };
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (out.lines++ === 0) out.first = line;
    out.lastTwo = [out.lastTwo[1] ?? '', line];
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...out, code, stderr }));
  });
}

describe('mlgym run --dry-run --json at 100,000 configurations', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-dry-run-100k-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams every experiment, one per line, within a 256 MB heap', async () => {
    const result = await dryRunJson(writeGrid(dir));
    expect(result.code, result.stderr).toBe(0);
    // `[`, one line per experiment, `]`
    expect(result.lines).toBe(CONFIGURATIONS + 2);
    expect(result.first).toBe('[');
    const [lastExperiment, closing] = result.lastTwo;
    expect(closing).toBe(']');
    const last = JSON.parse(lastExperiment ?? '') as {
      experiment_id: number;
      config_hash: string;
      config: Record<string, { config: Record<string, unknown> }>;
    };
    expect(last.experiment_id).toBe(CONFIGURATIONS - 1);
    expect(last.config_hash).toMatch(/^[0-9a-f]{64}$/);
    // the last configuration: the last batch size with the last learning rate
    expect(last.config['data_loaders']!.config['batch_size']).toBe(BATCH_SIZES);
    expect(last.config['optimizer']!.config['params']).toEqual({ lr: 0.1 });
  });
});
