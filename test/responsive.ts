import { recordRetry } from './retries.js';

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Asserts that `roundTrip` (a request to a server in this process and its answer, e.g. a socket.io ping) completes
 * within `boundMs`, and resolves with the time it took. The process's own CPU time over the trip is the control
 * measured in the same moment: a trip over the bound during which this process worked less than the bound spent its
 * time waiting for a loaded machine, not serving, and is tried again (each further try recorded, see retries.ts); a
 * trip during which the process worked for the whole bound means the server was busy, and fails at once. A server
 * that stays stuck fails every try.
 */
export async function expectWithin(
  what: string,
  boundMs: number,
  roundTrip: () => Promise<unknown>,
  tries = 5,
): Promise<number> {
  const seen: string[] = [];
  for (let attempt = 1; attempt <= tries; attempt++) {
    const cpu = cpuMs();
    const start = performance.now();
    await roundTrip();
    const wallMs = performance.now() - start;
    const workMs = cpuMs() - cpu;
    if (wallMs < boundMs) return wallMs;
    seen.push(`${wallMs.toFixed(0)} ms (${workMs.toFixed(0)} ms of CPU)`);
    if (workMs >= boundMs) break;
    if (attempt < tries) recordRetry(what, `took ${seen.at(-1)}, over ${boundMs} ms`);
  }
  throw new Error(`${what}: not within ${boundMs} ms in ${seen.length} tries: ${seen.join(', ')}`);
}
