import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * Checks that a loaded machine can delay (never their outcome) may try again; each further try is recorded here so
 * a run ends by saying how many it needed (test/retryCount.ts prints "retries: N"). Outside vitest's global setup
 * the record only goes to stderr.
 */
export function recordRetry(what: string, detail: string): void {
  const test = expect.getState().currentTestName ?? '';
  process.stderr.write(`retry (${what}): ${detail}${test ? ` in "${test}"` : ''}\n`);
  const file = process.env['MLGYM_TEST_RETRY_LOG'];
  if (file) appendFileSync(file, `${JSON.stringify({ what, detail, test })}\n`);
}
