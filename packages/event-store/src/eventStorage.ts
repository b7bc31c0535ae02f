import { existsSync } from 'node:fs';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SafeNameSchema } from '@mlgym/protocol';
import {
  EVENT_SNAPSHOT_FILE,
  StorageRoot,
  gridSearchIds,
  readInside,
  safeName,
  writeSmallAtomic,
} from '@mlgym/storage';
import type { EventLog } from './eventLog.js';
import { FileEventLog, LOG_FILE } from './fileEventLog.js';
import type { FileEventLogOptions } from './fileEventLog.js';
import { InMemoryEventLog } from './inMemoryEventLog.js';
import { SharedEventLog } from './sharedEventLog.js';
import { acquireLock } from './lockFile.js';

const ROOT_LOCK = '.ml_board_ws_endpoint.lock';

export interface GridSearchSummary {
  grid_search_id: string;
  /** Events in the log, when it is open; otherwise null (counting would mean reading it). */
  event_count: number | null;
  size_bytes: number;
  modified: string;
}

/** A file kept beside a grid search's log (its snapshot): read whole, replaced whole. */
export interface SidecarFile {
  /** Its bytes, or undefined when there is none. */
  read(): Promise<Uint8Array | undefined>;
  /** Replaces it atomically (a crash leaves the old one or the new one, never a mix). */
  write(bytes: Uint8Array): Promise<void>;
}

/** Where event logs live: one log per grid search id. */
export interface EventLogProvider {
  /** The grid search's log, created if it does not exist (for publishing). */
  log(gridSearchId: string): Promise<EventLog>;
  /** Whether the grid search has a log; answers synchronously and creates nothing (for readers). */
  has(gridSearchId: string): boolean;
  list(): Promise<GridSearchSummary[]>;
  /** Where the columnar snapshot of a grid search's log is kept (the storage layout names it). */
  snapshotFile(gridSearchId: string): SidecarFile;
  close(): Promise<void>;
}

export interface FileEventStorageOptions extends FileEventLogOptions {
  /** Most logs open at once (two descriptors each); beyond it the least recently used idle ones close. @default 128 */
  maxOpenLogs?: number;
  /** A log unused this long is closed; it reopens on its next use. @default 60 s */
  idleCloseMs?: number;
}

/** Event logs under a storage root, in the original layout `<root>/<grid_search_id>/event_storage.log`. */
export class FileEventStorage implements EventLogProvider {
  private readonly logs = new Map<string, SharedEventLog>();
  private readonly sweeper: NodeJS.Timeout;
  private releaseRoot: (() => Promise<void>) | undefined;
  readonly root: string;
  private readonly storage: StorageRoot;
  private readonly maxOpen: number;

  constructor(
    root: string,
    private readonly options: FileEventStorageOptions = {},
  ) {
    this.storage = new StorageRoot(root);
    this.root = this.storage.root;
    this.maxOpen = Math.max(1, options.maxOpenLogs ?? 128);
    const idleMs = options.idleCloseMs ?? 60_000;
    this.sweeper = setInterval(
      () => {
        const before = Date.now() - idleMs;
        for (const log of this.logs.values()) if (log.isOpen && log.lastUsed < before) log.closeIfIdle();
      },
      Math.max(10, idleMs / 2),
    );
    this.sweeper.unref();
  }

  has(gridSearchId: string): boolean {
    if (!SafeNameSchema.safeParse(gridSearchId).success) return false;
    return this.logs.has(gridSearchId) || existsSync(join(this.root, gridSearchId, LOG_FILE));
  }

  /** How many logs hold open files now. */
  get openLogs(): number {
    let n = 0;
    for (const log of this.logs.values()) if (log.isOpen) n++;
    return n;
  }

  async log(gridSearchId: string): Promise<EventLog> {
    safeName(gridSearchId, 'grid_search_id');
    let log = this.logs.get(gridSearchId);
    if (!log) {
      log = new SharedEventLog(
        () => this.openInside(gridSearchId),
        () => this.closeBeyondBound(),
      );
      this.logs.set(gridSearchId, log);
    }
    try {
      await log.acquire(); // surfaces an unsafe or unopenable folder here, and learns the length
      log.release();
    } catch (error) {
      if (this.logs.get(gridSearchId) === log && !log.isOpen) this.logs.delete(gridSearchId);
      throw error;
    }
    return log;
  }

  /** Closes idle logs, least recently used first, while more than the bound are open. */
  private closeBeyondBound(): void {
    let open = this.openLogs;
    if (open <= this.maxOpen) return;
    const candidates = [...this.logs.values()].filter((l) => l.isOpen).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const log of candidates) {
      if (open <= this.maxOpen) break;
      log.closeIfIdle();
      if (!log.isOpen) open--;
    }
  }

  snapshotFile(gridSearchId: string): SidecarFile {
    safeName(gridSearchId, 'grid_search_id');
    // the grid search's folder, resolved inside the root (a link out of it is refused), as for its log
    const file = async () => {
      await this.storage.init();
      return join(await realpath(await this.storage.ensureDir(gridSearchId)), EVENT_SNAPSHOT_FILE);
    };
    return {
      read: async () => readInside(await file(), this.storage.realRoot),
      write: async (bytes) => writeSmallAtomic(await file(), bytes),
    };
  }

  private async openInside(gridSearchId: string): Promise<FileEventLog> {
    await this.storage.init();
    // ensureDir refuses a folder (or a symlink) that resolves outside the storage root.
    return FileEventLog.open(await realpath(await this.storage.ensureDir(gridSearchId)), this.options);
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
    const out: GridSearchSummary[] = [];
    for (const id of await gridSearchIds(this.root)) {
      const info = await stat(join(this.root, id, LOG_FILE)).catch(() => undefined);
      if (!info) continue;
      const log = this.logs.get(id);
      out.push({
        grid_search_id: id,
        event_count: log ? log.length : null,
        size_bytes: info.size,
        modified: info.mtime.toISOString(),
      });
    }
    return out.sort((a, b) => (a.grid_search_id < b.grid_search_id ? 1 : -1));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const logs = [...this.logs.values()];
    this.logs.clear();
    for (const log of logs) await log.close().catch(() => undefined);
    await this.releaseRoot?.();
    this.releaseRoot = undefined;
  }
}

/** Event logs in memory, for tests. */
export class InMemoryEventStorage implements EventLogProvider {
  private readonly logs = new Map<string, InMemoryEventLog>();
  private readonly snapshots = new Map<string, Uint8Array>();

  snapshotFile(gridSearchId: string): SidecarFile {
    return {
      read: async () => this.snapshots.get(gridSearchId),
      write: async (bytes) => void this.snapshots.set(gridSearchId, bytes.slice()),
    };
  }

  has(gridSearchId: string): boolean {
    return this.logs.has(gridSearchId);
  }

  async log(gridSearchId: string): Promise<EventLog> {
    safeName(gridSearchId, 'grid_search_id');
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
