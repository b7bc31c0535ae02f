import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
      'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@mlgym/*/src/**'] }],
    },
  },
  {
    // The dashboard runs in browsers only: no node builtins, no server-side packages.
    files: ['packages/dashboard/**/*.{ts,tsx}'],
    ignores: ['packages/dashboard/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The dashboard runs in the browser: no node builtins.' },
            { group: ['**/apps/**', '@mlgym/*/src/**'], message: 'Import packages by name, never apps or sources.' },
          ],
          paths: [
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
              '@tensorflow/tfjs',
              '@tensorflow/tfjs-node',
            ].map((name) => ({
              name,
              message: 'A server-side package; the dashboard may share only @mlgym/protocol.',
            })),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'crypto'] }],
    },
  },
);
