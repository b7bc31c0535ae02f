import type { AppendResult, CommitListener, EventLog, PublisherBatch, RawChunk, StoredEvent } from './eventLog.js';
import type { FileEventLog } from './fileEventLog.js';

/**
 * One grid search's log as every caller sees it: a stable object whose file (two descriptors and
 * a lock) is opened on use and may be closed while idle, so a storage root with thousands of grid
 * searches holds only as many descriptors as the storage's bound. Commit listeners survive a
 * close and a reopen.
 */
export class SharedEventLog implements EventLog {
  private file: FileEventLog | undefined;
  private opening: Promise<FileEventLog> | undefined;
  private closing: Promise<void> | undefined;
  private users = 0;
  private knownLength = 0;
  private closed = false;
  private readonly listeners = new Set<CommitListener>();
  /** When it was last used (ms since the epoch), for least-recently-used closing. */
  lastUsed = 0;

  constructor(
    private readonly openFile: () => Promise<FileEventLog>,
    private readonly opened: (log: SharedEventLog) => void,
  ) {}

  get isOpen(): boolean {
    return this.file !== undefined;
  }

  get length(): number {
    return this.file?.length ?? this.knownLength;
  }

  /** Opens the file if needed and keeps it open until `release`. */
  async acquire(): Promise<FileEventLog> {
    this.users++;
    this.lastUsed = Date.now();
    try {
      while (this.closing) await this.closing;
      if (this.closed) throw new Error('the event storage is closed');
      if (this.file) return this.file;
      this.opening ??= this.openFile()
        .then((file) => {
          file.onCommit((firstId, events) => {
            for (const listener of this.listeners) {
              try {
                listener(firstId, events);
              } catch {
                // a listener's failure is its own business; the log and its index are already consistent
              }
            }
          });
          this.file = file;
          this.knownLength = file.length;
          this.opened(this);
          return file;
        })
        .finally(() => {
          this.opening = undefined;
        });
      return await this.opening;
    } catch (error) {
      this.users--;
      throw error;
    }
  }

  release(): void {
    this.users--;
    this.lastUsed = Date.now();
    if (this.file) this.knownLength = this.file.length;
  }

  private async use<T>(fn: (file: FileEventLog) => Promise<T>): Promise<T> {
    const file = await this.acquire();
    try {
      return await fn(file);
    } finally {
      this.release();
    }
  }

  /** Closes the file if nobody uses it now; the next use reopens it. */
  closeIfIdle(): void {
    if (this.users > 0 || !this.file || this.closing) return;
    const file = this.file;
    this.file = undefined;
    this.knownLength = file.length;
    this.closing = file.close().finally(() => {
      this.closing = undefined;
    });
  }

  append(events: readonly unknown[], batch?: PublisherBatch): Promise<AppendResult> {
    return this.use((file) => file.append(events, batch));
  }

  async *readRaw(from?: number, to?: number, maxBytes?: number): AsyncIterable<RawChunk> {
    const file = await this.acquire();
    try {
      yield* file.readRaw(from, to ?? file.length, maxBytes);
    } finally {
      this.release();
    }
  }

  async *read(from?: number, to?: number): AsyncIterable<StoredEvent> {
    const file = await this.acquire();
    try {
      yield* file.read(from, to ?? file.length);
    } finally {
      this.release();
    }
  }

  lastSeq(publisherId: string): Promise<number> {
    return this.use((file) => file.lastSeq(publisherId));
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    while (this.closing) await this.closing;
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }
}
