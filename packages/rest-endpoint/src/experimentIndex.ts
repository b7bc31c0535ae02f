import { closeSync, fstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openInsideSync } from '@mlgym/storage';

const INTEGER_DIR = /^(0|[1-9]\d{0,8})$/;

function integerDirsSync(dir: string): number[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && INTEGER_DIR.test(e.name))
      .map((e) => Number(e.name))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

function hasVisibleFile(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isFile() && !e.name.startsWith('.'));
  } catch {
    return false;
  }
}

/**
 * Builds the experiments listing (`GET /grid_searches/{gs}/experiments`) fast: short synchronous
 * metadata calls instead of thousands of thread-pool round trips, configs cached by mtime and size
 * and spliced into the response as the JSON text they already are.
 */
export class ExperimentIndex {
  private readonly configs = new Map<string, { key: string; text: string }>();

  /** A config's text, read through a descriptor that is no symlink and inside the root. */
  private config(file: string, realRoot: string): string | undefined {
    const fd = openInsideSync(file, realRoot);
    if (fd === undefined) return undefined;
    try {
      const info = fstatSync(fd);
      const key = `${info.mtimeMs}:${info.size}:${info.ino}`;
      const cached = this.configs.get(file);
      if (cached?.key === key) return cached.text;
      const text = readFileSync(fd, 'utf8');
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      } catch {
        return undefined; // a config being rewritten right now; it shows up on the next call
      }
      this.configs.set(file, { key, text });
      return text;
    } finally {
      closeSync(fd);
    }
  }

  /** The listing as JSON text: experiments in numeric order with their last checkpointed epoch. */
  listJson(gridSearchDir: string, realRoot: string): string {
    const parts: string[] = [];
    for (const id of integerDirsSync(gridSearchDir)) {
      const dir = join(gridSearchDir, String(id));
      const config = this.config(join(dir, 'experiment_config.json'), realRoot);
      if (config === undefined) continue;
      let last = -1;
      for (const epoch of integerDirsSync(dir).reverse()) {
        if (hasVisibleFile(join(dir, String(epoch)))) {
          last = epoch;
          break;
        }
      }
      parts.push(`{"experiment_id":${id},"last_checkpoint_id":${last},"experiment_config":${config}}`);
    }
    return `[${parts.join(',')}]`;
  }
}
