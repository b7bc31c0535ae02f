import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: gives the test processes a file to record their retries in (test/retries.ts) and, when
 * the run ends, prints how many there were and of what, so a flaky check shows up even when it passed.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-retries-'));
  const file = join(dir, 'retries.jsonl');
  // Set before the test processes are forked: they inherit it.
  process.env['MLGYM_TEST_RETRY_LOG'] = file;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      // no retry was recorded
    }
    const byKind = new Map<string, number>();
    for (const line of lines) {
      const { what } = JSON.parse(line) as { what: string };
      byKind.set(what, (byKind.get(what) ?? 0) + 1);
    }
    const detail = [...byKind].map(([what, n]) => `${what} ${n}`).join(', ');
    process.stdout.write(`\nretries: ${lines.length}${detail ? ` (${detail})` : ''}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
