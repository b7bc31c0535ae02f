import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/** Imports no package source may make: apps, and other packages' sources or build output. */
const PACKAGE_BOUNDARIES = [
  { group: ['**/apps/**'], message: 'Packages never import apps.' },
  {
    group: ['@mlgym/*/src/**', '@mlgym/*/dist/**'],
    message: 'Import a package by its name (its public entry points).',
  },
];

/**
 * The layers of @mlgym/core, lowest first: a folder imports only from its own layer and the ones
 * below it. util, config (the YAML language) → sweep, validation (folds), data, backend, reporting →
 * registry → training (the loop and its callbacks) → components (the built-in component families,
 * built from training parts) → experiments (planning: expands sweeps and checks component graphs) →
 * gym (orchestration: jobs, pool, distributed, reports).
 */
const CORE_LAYERS = [
  ['util'],
  ['config'],
  ['sweep', 'search', 'validation', 'data', 'backend', 'reporting'],
  ['registry'],
  ['training'],
  ['components'],
  ['experiments'],
  ['gym'],
];
const coreLayerRules = CORE_LAYERS.map((layer, i) => {
  const above = CORE_LAYERS.slice(i + 1).flat();
  return {
    files: layer.map((folder) => `packages/core/src/${folder}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...PACKAGE_BOUNDARIES,
            ...(above.length === 0
              ? []
              : [
                  {
                    regex: `^(\\.\\./)+(${above.join('|')})/`,
                    message: `${layer.join(', ')} ${layer.length > 1 ? 'are' : 'is'} below ${above.join(', ')} in @mlgym/core's layers (eslint.config.js): no upward imports.`,
                  },
                ]),
          ],
        },
      ],
    },
  };
});

/** What no dashboard file may import: it runs in the browser and shares only @mlgym/protocol with the servers. */
const DASHBOARD_PATTERNS = [
  { group: ['node:*'], message: 'The dashboard runs in the browser: no node builtins.' },
  { group: ['**/apps/**', '@mlgym/*/src/**'], message: 'Import packages by name, never apps or sources.' },
];
const DASHBOARD_PATHS = [
  ...[
    'fs',
    'fs/promises',
    'path',
    'os',
    'crypto',
    'child_process',
    'http',
    'https',
    'net',
    'stream',
    'url',
    'util',
    'worker_threads',
    'events',
    'buffer',
    'process',
  ].map((name) => ({ name, message: 'The dashboard runs in the browser: no node builtins.' })),
  ...[
    'express',
    'socket.io',
    'commander',
    'multer',
    'compression',
    '@mlgym/core',
    '@mlgym/storage',
    '@mlgym/event-store',
    '@mlgym/ws-endpoint',
    '@mlgym/rest-endpoint',
    '@mlgym/server-security',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-node',
  ].map((name) => ({
    name,
    message: 'A server-side package; the dashboard may share only @mlgym/protocol.',
  })),
];

/**
 * MLboard's layers, highest first (the map in packages/dashboard/README.md): a folder of
 * packages/dashboard/src imports only from its own layer and the ones below it. app (entry, routes,
 * shell, the store's assembly) → features (one folder per page) → analysis (the state every view
 * reads: experiments, series, filters and selection; the line chart) → connection (socket worker,
 * events, REST, settings, tokens) → store, shared (the typed hooks and RootState; helpers).
 */
const DASHBOARD_SRC = 'packages/dashboard/src';
const DASHBOARD_LAYERS = [['app'], ['features'], ['analysis'], ['connection'], ['store', 'shared']];
const upward = (layer, above, why) => ({
  regex: `^(\\.\\./)+(${above.join('|')})/`,
  message: `${layer.join(', ')} ${layer.length > 1 ? 'are' : 'is'} below ${above.join(', ')} in MLboard's layers (packages/dashboard/README.md): ${why}`,
});
/** The pages: every folder of features/ (a new one is a page as soon as it exists). */
const DASHBOARD_PAGES = readdirSync(new URL(`${DASHBOARD_SRC}/features/`, import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const dashboardRule = (files, patterns) => ({
  files,
  ignores: ['**/*.test.ts', '**/*.test.tsx'],
  rules: {
    'no-restricted-imports': ['error', { patterns: [...DASHBOARD_PATTERNS, ...patterns], paths: DASHBOARD_PATHS }],
  },
});
const dashboardLayerRules = [
  ...DASHBOARD_LAYERS.slice(2).map((layer, i) =>
    dashboardRule(
      layer.map((folder) => `${DASHBOARD_SRC}/${folder}/**/*.{ts,tsx}`),
      [upward(layer, DASHBOARD_LAYERS.slice(0, i + 2).flat(), 'no upward imports.')],
    ),
  ),
  // A page reads what it shares with other pages from the layers below, never from another page.
  ...DASHBOARD_PAGES.map((page) =>
    dashboardRule(
      [`${DASHBOARD_SRC}/features/${page}/**/*.{ts,tsx}`],
      [
        upward(['features'], ['app'], 'no upward imports.'),
        {
          regex: `^(\\.\\./)+(features|${DASHBOARD_PAGES.filter((p) => p !== page).join('|')})/`,
          message: `features/${page} is a page: a page imports no other page; what pages share lives in analysis/ or below (packages/dashboard/README.md).`,
        },
      ],
    ),
  ),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'event_storage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'max-params': ['error', 4],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['packages/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: PACKAGE_BOUNDARIES }],
    },
  },
  ...coreLayerRules,
  {
    files: ['apps/**/*.ts', 'test/**/*.ts', 'bench/**/*.mjs', 'scripts/**/*.mjs', 'example/**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@mlgym/*/src/**', '@mlgym/*/dist/**'],
              message: "Import a package by its name (its public entry points, e.g. '@mlgym/core/worker').",
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in browsers only: no node builtins, no server-side packages.
    files: ['packages/dashboard/**/*.{ts,tsx}'],
    // the build's own code (vite.config.ts and its plugin) runs in node
    ignores: [
      'packages/dashboard/vite.config.ts',
      'packages/dashboard/precompress.ts',
      'packages/dashboard/precompress.test.ts',
    ],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: DASHBOARD_PATTERNS, paths: DASHBOARD_PATHS }],
    },
  },
  ...dashboardLayerRules,
  {
    files: ['packages/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'crypto'] }],
    },
  },
);
