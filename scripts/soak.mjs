// npm run soak -- --minutes N [--seed S]: soak rounds (test/soak.test.ts) with new seeds for N minutes.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' } } });
const repo = resolve(import.meta.dirname, '..');
const result = spawnSync(
  join(repo, 'node_modules/.bin/vitest'),
  ['run', 'test/soak.test.ts', '--reporter', 'verbose', `--testTimeout=${(Number(values.minutes) * 60 + 600) * 1000}`],
  {
    cwd: repo,
    stdio: 'inherit',
    env: {
      ...process.env,
      MLGYM_SOAK_MINUTES: values.minutes,
      ...(values.seed !== undefined && { MLGYM_SOAK_SEED: values.seed }),
    },
  },
);
process.exit(result.status ?? 1);
