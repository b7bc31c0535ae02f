import { readFileSync, readdirSync } from 'node:fs';

/**
 * Pids of live processes whose environment holds `name=value`: a marker a test sets on what it starts, inherited
 * by everything those start in turn (detached process groups and pool workers included).
 */
export function processesMarked(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; its parent merely has not collected it yet.
      if (env.includes(needle) && !/^\d+ \(.*\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
