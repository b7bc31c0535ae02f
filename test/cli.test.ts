import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'apps/mlgym/dist/cli.js');
const original = resolve(repo, '../shared/reference/mlgym-examples');

function mlgym(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
}

describe('the built mlgym binary', () => {
  it('was built by the test command', () => {
    expect(existsSync(cli)).toBe(true);
  });

  it('dry-runs every example and prints its experiments', () => {
    const expected = { grid_search_example: 15, cross_validation: 10, nested_cross_validation: 18 };
    for (const [name, count] of Object.entries(expected)) {
      const result = mlgym('run', '--dry-run', '--json', '--config_path', join('example', name, 'run_config.yml'));
      expect(result.status, result.stderr).toBe(0);
      const plan = JSON.parse(result.stdout) as Array<{ experiment_id: number }>;
      expect(plan.map((e) => e.experiment_id)).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });

  it.skipIf(!existsSync(original))(
    "dry-runs the original MLgym grid example unchanged, in the original's order",
    () => {
      const result = mlgym('run', '--dry-run', '--config_path', join(original, 'grid_search_example/run_config.yml'));
      expect(result.status, result.stderr).toBe(0);
      const lrs = [...result.stdout.matchAll(/batch_size=(\d+)\s+optimizer\.config\.params\.lr=([\d.e-]+)/g)].map(
        (m) => `${m[1]}/${m[2]}`,
      );
      expect(lrs.slice(0, 6)).toEqual(['10/1', '10/0.1', '10/0.01', '10/0.001', '10/0.0001', '50/1']);
      expect(lrs).toHaveLength(15);
    },
  );

  it('without --dry-run says that training is not in this build and exits non-zero', () => {
    const result = mlgym('run', '--config_path', 'example/grid_search_example/run_config.yml');
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/only --dry-run is available/);
  });
});
