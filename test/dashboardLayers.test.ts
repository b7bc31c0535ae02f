import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repo } from './helpers.js';

const eslint = new ESLint({ cwd: repo });
const restricted = (results: ESLint.LintResult[]) =>
  results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}: ${m.message}`),
  );
const lint = async (code: string, file: string) =>
  restricted(await eslint.lintText(code, { filePath: `${repo}/packages/dashboard/src/${file}` }));

describe("MLboard's layers (packages/dashboard/README.md), as `npm run lint` enforces them", () => {
  it('refuse an upward import, a type-only one included, and accept a downward one', async () => {
    const upward = await lint(
      "import { selectChartKeys } from '../../features/charts/chartSelectors';\nexport const x = selectChartKeys;\n",
      'analysis/lineChart/upward.ts',
    );
    expect(upward.join('\n')).toMatch(
      /'\.\.\/\.\.\/features\/charts\/chartSelectors'.*analysis is below app, features in MLboard's layers/,
    );
    // the store's state is declared from below: nothing under app/ may lend its type to a lower layer
    const typeOnly = await lint(
      "import type { AppStore } from '../app/store';\nexport type X = AppStore;\n",
      'connection/upward.ts',
    );
    expect(typeOnly.join('\n')).toMatch(/connection is below app, features, analysis/);
    const fromStore = await lint(
      "import { historyDone } from '../connection/connectionSlice';\nexport const x = historyDone;\n",
      'store/upward.ts',
    );
    expect(fromStore.join('\n')).toMatch(/store, shared are below app, features, analysis, connection/);
    const downward = await lint(
      "import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';\nimport { useAppSelector } from '../../store/hooks';\nexport const x = [selectFilteredExperimentIds, useAppSelector];\n",
      'features/sweep/downward.ts',
    );
    expect(downward).toEqual([]);
  });

  it('refuse a page that imports another page, directly or by way of features/', async () => {
    const sideways = await lint(
      "import { brushSet } from '../sweep/SweepPage';\nexport const x = brushSet;\n",
      'features/table/sideways.tsx',
    );
    expect(sideways.join('\n')).toMatch(/features\/table is a page: a page imports no other page/);
    const around = await lint(
      "import { ComparePage } from '../../../features/compare/ComparePage';\nexport const x = ComparePage;\n",
      'features/experiment/modelcard/around.tsx',
    );
    expect(around).toHaveLength(1);
    // a page's own subfolders are its own
    const own = await lint(
      "import { useExperimentId } from '../ExperimentPage';\nexport const x = useExperimentId;\n",
      'features/experiment/modelcard/own.tsx',
    );
    expect(own).toEqual([]);
  });

  it('hold in the code as it is', async () => {
    expect(restricted(await eslint.lintFiles(['packages/dashboard/src']))).toEqual([]);
  }, 60_000);
});
