import { createHash } from 'node:crypto';
import type { EventLog, SidecarFile } from '@mlgym/event-store';
import { decodeSnapshot, encodeSnapshot } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import { SnapshotFold } from './snapshotFold.js';

const NEWLINE = 0x0a;
const digestOf = (line: string | Buffer) => createHash('sha256').update(line).digest('hex').slice(0, 32);

export interface SnapshotKeeperOptions {
  gridSearchId: string;
  log: EventLog;
  file: SidecarFile;
  report: (line: string) => void;
  /** It is written beside the log once it holds at least this many events more than the one kept there. */
  keepAfterEvents: number;
}

/**
 * Keeps one grid search's snapshot up to date: starts from the one kept beside the log (when it is still
 * the log's: it covers no more events than the log has and its last event is the log's), else from the
 * log's beginning; reads what the log has beyond it, then folds every commit as it is written. Nothing is
 * lost or folded twice: events are folded by id, strictly in order.
 */
export class SnapshotKeeper {
  private fold: SnapshotFold;
  private live = false;
  private catching: Promise<void> | undefined;
  private closed = false;
  /** The text of the last event folded, made when a snapshot is written. */
  private lastLine: () => string | undefined = () => undefined;
  private encoded: { next: number; bytes: Uint8Array } | undefined;
  /** Events held by the snapshot kept beside the log (0: none kept). */
  private keptNext = 0;
  /** Resolves once the snapshot has caught up with the log (then it follows it live). */
  readonly ready: Promise<void>;

  constructor(private readonly o: SnapshotKeeperOptions) {
    this.fold = new SnapshotFold(o.gridSearchId);
    this.ready = this.start();
  }

  get nextEventId(): number {
    return this.fold.nextEventId;
  }

  /** Whether it holds every event the log has committed. */
  get current(): boolean {
    return this.live && this.fold.nextEventId === this.o.log.length;
  }

  private async start(): Promise<void> {
    const kept = await this.o.file.read().catch(() => undefined);
    if (kept) {
      const restored = await this.restore(kept).catch((error: unknown) => {
        this.o.report(`ws endpoint: the snapshot of ${this.o.gridSearchId} is unreadable, rebuilt: ${String(error)}`);
        return undefined;
      });
      if (restored) {
        this.fold = restored.fold;
        this.keptNext = restored.fold.nextEventId;
        this.lastLine = () => restored.line;
      }
    }
    await this.catchUp();
  }

  /** The kept snapshot, if the log still has its last event (else it belongs to a log that was replaced). */
  private async restore(bytes: Uint8Array): Promise<{ fold: SnapshotFold; line: string } | undefined> {
    const s = decodeSnapshot(bytes);
    const n = s.nextEventId;
    if (s.gridSearchId !== this.o.gridSearchId || n > this.o.log.length) return undefined;
    if (n === 0) return { fold: SnapshotFold.restore(s), line: '' };
    for await (const chunk of this.o.log.readRaw(n - 1, n)) {
      const end = chunk.bytes.indexOf(NEWLINE);
      const line = chunk.bytes.subarray(0, end < 0 ? chunk.bytes.length : end);
      if (digestOf(line) !== s.coveredLineDigest) return undefined;
      return { fold: SnapshotFold.restore(s), line: line.toString('utf8') };
    }
    return undefined;
  }

  /** Folds what the log has beyond the snapshot, chunk by chunk (the endpoint answers others in between). */
  private catchUp(): Promise<void> {
    this.live = false;
    this.catching ??= (async () => {
      try {
        while (!this.closed && this.fold.nextEventId < this.o.log.length) {
          for await (const chunk of this.o.log.readRaw(this.fold.nextEventId, this.o.log.length)) {
            if (this.closed) return;
            const text = chunk.bytes.toString('utf8');
            let start = 0;
            for (let i = 0; i < chunk.count; i++) {
              const end = text.indexOf('\n', start);
              const line = text.slice(start, end < 0 ? undefined : end);
              this.fold.foldLine(chunk.firstId + i, line);
              this.lastLine = () => line;
              start = end + 1;
            }
          }
        }
        // caught up in this tick: every later commit reaches `onCommit` in order
        this.live = true;
      } finally {
        this.catching = undefined;
      }
    })();
    return this.catching;
  }

  /** A commit of the log (its events validated when published). */
  onCommit(firstId: number, events: readonly unknown[]): void {
    if (!this.live || this.closed) return; // the catch-up reads them from the log
    const next = this.fold.nextEventId;
    if (firstId > next) {
      void this.catchUp();
      return;
    }
    for (let i = next - firstId; i < events.length; i++) {
      const event = events[i] as MlgymEvent;
      const line = () => JSON.stringify(event);
      this.fold.foldEvent(firstId + i, event, line);
      this.lastLine = line;
    }
  }

  /** The snapshot as served and kept: encoded once per event count. */
  bytes(): Uint8Array {
    const next = this.fold.nextEventId;
    if (this.encoded?.next !== next) {
      const line = this.lastLine();
      const snapshot = { ...this.fold.snapshot(), coveredLineDigest: line === undefined ? '' : digestOf(line) };
      this.encoded = { next, bytes: encodeSnapshot(snapshot) };
    }
    return this.encoded.bytes;
  }

  /** Forgets the encoded bytes (they are made again when asked for). */
  dropEncoded(): void {
    this.encoded = undefined;
  }

  /**
   * Writes the snapshot beside the log when it holds `keepAfterEvents` more than the one kept there (a
   * short log is read again faster than its snapshot is written: a board reading it writes nothing).
   */
  async keep(): Promise<void> {
    if (this.fold.nextEventId - this.keptNext < this.o.keepAfterEvents || this.catching) return;
    const next = this.fold.nextEventId;
    await this.o.file.write(this.bytes());
    this.keptNext = next;
  }

  /** Stops following the log (a catch-up under way stops at its next chunk); `keep` still writes what it holds. */
  close(): void {
    this.closed = true;
  }
}
