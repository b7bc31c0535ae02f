import { constants } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';

/**
 * Highest stored sequence per publisher, counting only events whose lines are in the log. Records
 * that claim lines the log does not hold (a crash between a record and its events) are cut down
 * to what is there and the file is rewritten before anything is appended, so that lines appended
 * later are never mistaken for the missing events.
 */
export async function readSequences(path: string, lines: number): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  const text = await readFile(path, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    },
  );
  const kept: string[] = [];
  let stale = false;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let record: { p?: unknown; s?: unknown; e?: unknown; n?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      stale = true; // torn record of a crashed commit
      continue;
    }
    const { p, s, e, n } = record;
    if (typeof p !== 'string' || typeof s !== 'number' || typeof e !== 'number' || typeof n !== 'number') {
      stale = true;
      continue;
    }
    const storedCount = Math.min(n, lines - e);
    if (storedCount !== n) stale = true;
    if (storedCount <= 0) continue;
    seqs.set(p, Math.max(seqs.get(p) ?? -1, s + storedCount - 1));
    kept.push(`${JSON.stringify({ p, s, e, n: storedCount })}\n`);
  }
  if (stale) {
    const tmp = `${path}.rewrite`;
    await rm(tmp, { force: true });
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(kept.join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  }
  return seqs;
}
