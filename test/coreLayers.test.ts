import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repo } from './helpers.js';

const eslint = new ESLint({ cwd: repo });
const restricted = (results: ESLint.LintResult[]) =>
  results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}: ${m.message}`),
  );

describe("@mlgym/core's layers, as `npm run lint` enforces them", () => {
  it('refuse an upward import (training → gym, a nested training folder → components) and accept a downward one', async () => {
    const lint = (code: string, file: string) => eslint.lintText(code, { filePath: `${repo}/${file}` });
    const upward = await lint(
      "import { runGymJob } from '../gym/runGymJob.js';\nexport const x = runGymJob;\n",
      'packages/core/src/training/upward.ts',
    );
    expect(restricted(upward).join('\n')).toMatch(
      /'\.\.\/gym\/runGymJob\.js'.*training is below components, experiments, gym in @mlgym\/core's layers/,
    );
    const nested = await lint(
      "import { GYM_COMPONENTS } from '../../components/createDefaultRegistry.js';\nexport const x = GYM_COMPONENTS;\n",
      'packages/core/src/training/callbacks/upward.ts',
    );
    expect(restricted(nested)).toHaveLength(1);
    const downward = await lint(
      "import { runExperiment } from '../training/runExperiment.js';\nexport const x = runExperiment;\n",
      'packages/core/src/gym/downward.ts',
    );
    expect(restricted(downward)).toEqual([]);
  });

  it("refuse an app's import of a package's build output instead of its entry points", async () => {
    const deep = await eslint.lintText("export { runWorker } from '@mlgym/core/dist/gym/jobWorker.js';\n", {
      filePath: `${repo}/apps/mlgym/src/deep.ts`,
    });
    expect(restricted(deep)).toHaveLength(1);
  });

  it('hold in the code as it is', async () => {
    expect(restricted(await eslint.lintFiles(['packages/core/src', 'apps/mlgym/src']))).toEqual([]);
  }, 60_000);
});
