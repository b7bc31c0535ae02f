import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_PREFIX } from './atomicWrite.js';

/** Removes temporary upload files a crash left behind (they were never visible); returns how many. */
export async function sweepTemporaries(root: string, depth = 4): Promise<number> {
  let removed = 0;
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
      await rm(path, { force: true });
      removed++;
    } else if (entry.isDirectory() && !entry.isSymbolicLink() && depth > 0) {
      removed += await sweepTemporaries(path, depth - 1);
    }
  }
  return removed;
}
