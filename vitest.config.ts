import { defineConfig } from 'vitest/config';

// Tests resolve workspace packages to their TypeScript sources (the "source" export condition),
// so `npm test` never runs against stale build output.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // *.test.tsx: the dashboard's component tests (each names its DOM, happy-dom, in a docblock)
    include: [
      'packages/*/src/**/*.test.{ts,tsx}',
      'packages/*/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Prints "retries: N" at the end of a run: checks that load may delay record each further try (test/retries.ts).
    globalSetup: ['test/retryCount.ts'],
  },
});
