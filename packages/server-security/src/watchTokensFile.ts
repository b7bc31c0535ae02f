import { readFile } from 'node:fs/promises';
import { unwatchFile, watch, watchFile } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatIssue, isMlgymError } from '@mlgym/protocol';
import { parseTokensFile } from './tokensFile.js';
import type { TokenEntry } from './tokensFile.js';

export interface TokensFileHandlers {
  /** The file changed and parsed: these are the tokens now. */
  apply(entries: TokenEntry[]): void;
  /** The file changed but cannot be used (why); the caller keeps its tokens. */
  refuse(reason: string): void;
}

export interface TokensFileWatch {
  /** Reads the file now; resolves true when its tokens are in use (changed or not). */
  reload(): Promise<boolean>;
  close(): void;
}

/** Changes are applied this long after the last one (an editor's save is several file operations). */
const SETTLE_MS = 50;

/**
 * Watches a tokens file: the folder's change events (which also see a file replaced by rename, as editors and
 * `mv` do) and, as a backstop for file systems without them, a stat poll every second. A file that no longer
 * exists leaves no tokens (deleting it revokes them); one that does not parse leaves the old ones in place, so a
 * typo never locks a team out, and is reported with its line.
 */
export function watchTokensFile(file: string, initialText: string, handlers: TokensFileHandlers): TokensFileWatch {
  let lastText: string | undefined = initialText;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<boolean> = Promise.resolve(true);

  async function read(): Promise<boolean> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        handlers.refuse(`cannot be read (${(error as Error).message})`);
        return false;
      }
    }
    if (closed || text === lastText) return true;
    if (text === undefined) {
      lastText = undefined;
      handlers.apply([]);
      return true;
    }
    try {
      const entries = parseTokensFile(text, file);
      lastText = text;
      handlers.apply(entries);
      return true;
    } catch (error) {
      const reason = isMlgymError(error)
        ? error.issues.map((i) => formatIssue(i)).join('; ') || error.message
        : String(error);
      handlers.refuse(reason);
      return false;
    }
  }
  const reload = () => (running = running.then(read, read));
  const soon = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), SETTLE_MS);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name === basename(file)) soon();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  watchFile(file, { interval: 1000, persistent: false }, soon);
  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      unwatchFile(file, soon);
    },
  };
}
