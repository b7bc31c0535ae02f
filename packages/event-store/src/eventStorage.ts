import { mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { MlgymError, SafeNameSchema } from '@mlgym/protocol';
import type { EventLog } from './eventLog.js';
import { FileEventLog, LOG_FILE } from './fileEventLog.js';
import type { FileEventLogOptions } from './fileEventLog.js';
import { InMemoryEventLog } from './inMemoryEventLog.js';
import { acquireLock } from './lockFile.js';

const ROOT_LOCK = '.ml_board_ws_endpoint.lock';

export interface GridSearchSummary {
  grid_search_id: string;
  /** Events in the log, when it is open; otherwise null (counting would mean reading it). */
  event_count: number | null;
  size_bytes: number;
  modified: string;
}

/** Where event logs live: one log per grid search id. */
export interface EventLogProvider {
  log(gridSearchId: string): Promise<EventLog>;
  list(): Promise<GridSearchSummary[]>;
  close(): Promise<void>;
}

/** Throws unless `id` is a safe folder name (no separators, no `..`, no control characters). */
export function assertSafeName(id: unknown, what = 'grid_search_id'): asserts id is string {
  const parsed = SafeNameSchema.safeParse(id);
  if (!parsed.success) {
    throw MlgymError.fromIssue({
      code: 'STORAGE_PATH_UNSAFE',
      keyPath: what,
      problem: `${JSON.stringify(id)} is not a safe name`,
      expected: 'letters, digits, "_", "-" and "." (not leading), e.g. 2023-06-03--10-26-58',
    });
  }
}

/** Event logs under a storage root, in the original layout `<root>/<grid_search_id>/event_storage.log`. */
export class FileEventStorage implements EventLogProvider {
  private readonly logs = new Map<string, Promise<FileEventLog>>();
  private releaseRoot: (() => Promise<void>) | undefined;
  readonly root: string;

  constructor(
    root: string,
    private readonly options: FileEventLogOptions = {},
  ) {
    this.root = resolve(root);
  }

  log(gridSearchId: string): Promise<EventLog> {
    try {
      assertSafeName(gridSearchId);
    } catch (error) {
      return Promise.reject(error);
    }
    let opening = this.logs.get(gridSearchId);
    if (!opening) {
      opening = this.openInside(gridSearchId);
      this.logs.set(gridSearchId, opening);
      opening.catch(() => this.logs.delete(gridSearchId));
    }
    return opening;
  }

  private async openInside(gridSearchId: string): Promise<FileEventLog> {
    await mkdir(this.root, { recursive: true });
    const dir = join(this.root, gridSearchId);
    await mkdir(dir, { recursive: true });
    // A symlinked folder could point anywhere: the real path must stay under the real root.
    const [realRoot, realDir] = await Promise.all([realpath(this.root), realpath(dir)]);
    if (!realDir.startsWith(realRoot + sep)) {
      throw MlgymError.fromIssue({ code: 'STORAGE_PATH_UNSAFE', problem: `${dir} resolves outside the storage root` });
    }
    return FileEventLog.open(realDir, this.options);
  }

  /**
   * Claims the whole storage root for this process, so a second server on the same folder fails
   * at start instead of on its first write.
   */
  async lockRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    this.releaseRoot ??= await acquireLock(join(this.root, ROOT_LOCK), `the event storage ${this.root}`);
  }

  async list(): Promise<GridSearchSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const out: GridSearchSummary[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !SafeNameSchema.safeParse(entry.name).success) continue;
      const info = await stat(join(this.root, entry.name, LOG_FILE)).catch(() => undefined);
      if (!info) continue;
      const open = this.logs.get(entry.name);
      const log = open ? await open.catch(() => undefined) : undefined;
      out.push({
        grid_search_id: entry.name,
        event_count: log ? log.length : null,
        size_bytes: info.size,
        modified: info.mtime.toISOString(),
      });
    }
    return out.sort((a, b) => (a.grid_search_id < b.grid_search_id ? 1 : -1));
  }

  async close(): Promise<void> {
    const logs = [...this.logs.values()];
    this.logs.clear();
    for (const opening of logs) await (await opening.catch(() => undefined))?.close();
    await this.releaseRoot?.();
    this.releaseRoot = undefined;
  }
}

/** Event logs in memory, for tests. */
export class InMemoryEventStorage implements EventLogProvider {
  private readonly logs = new Map<string, InMemoryEventLog>();

  async log(gridSearchId: string): Promise<EventLog> {
    assertSafeName(gridSearchId);
    let log = this.logs.get(gridSearchId);
    if (!log) this.logs.set(gridSearchId, (log = new InMemoryEventLog()));
    return log;
  }

  async list(): Promise<GridSearchSummary[]> {
    return [...this.logs].map(([id, log]) => ({
      grid_search_id: id,
      event_count: log.length,
      size_bytes: 0,
      modified: new Date(0).toISOString(),
    }));
  }

  async close(): Promise<void> {}
}
