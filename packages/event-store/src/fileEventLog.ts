import { constants } from 'node:fs';
import { appendFile, mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import type { AppendResult, CommitListener, EventLog, PublisherBatch, RawChunk, StoredEvent } from './eventLog.js';
import { DEFAULT_CHUNK_BYTES } from './eventLog.js';
import { skipSent } from './inMemoryEventLog.js';
import { acquireLock } from './lockFile.js';
import { EVENT_LOG_FILE } from '@mlgym/storage';
import { OffsetIndex } from './offsetIndex.js';
import { readSequences } from './publisherSequences.js';

/**
 * When appended events reach the disk: `always` syncs every group commit before acknowledging it,
 * `interval` syncs in the background every `intervalMs`, `never` leaves it to the OS (a killed
 * server loses nothing either way; these differ only on power loss).
 */
export type FsyncPolicy = 'always' | 'never' | { intervalMs: number };

export interface FileEventLogOptions {
  /** @default 'always' */
  fsync?: FsyncPolicy;
}

/** The original MLboard log's file name; the storage layout (@mlgym/storage) owns it. */
export const LOG_FILE = EVENT_LOG_FILE;
const SEQ_FILE = 'publishers.log';
/** `a+` that refuses a symlink in the store's place (ELOOP) instead of writing wherever it points. */
const APPEND_NOFOLLOW = constants.O_APPEND | constants.O_CREAT | constants.O_RDWR | constants.O_NOFOLLOW;
const SCAN_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

interface PendingAppend {
  lines: string[];
  events: readonly unknown[];
  duplicates: number;
  batch?: PublisherBatch | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

async function writeAll(fh: FileHandle, buffer: Buffer): Promise<void> {
  let done = 0;
  while (done < buffer.length) done += (await fh.write(buffer, done, buffer.length - done)).bytesWritten;
}

/**
 * The original MLboard log: `<dir>/event_storage.log`, one JSON event per line, id = line number.
 * Appends are O(1) (line offsets are indexed in memory) and grouped into one write per commit.
 * A torn last line left by a crash is moved to `event_storage.log.corrupt` on open. Publisher
 * sequence numbers are kept beside the log (`publishers.log`) so re-sent batches are stored once;
 * on open, records are reconciled with the lines really in the log.
 */
export class FileEventLog implements EventLog {
  private readonly listeners = new Set<CommitListener>();
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private failure: unknown;
  private syncTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private readonly fh: FileHandle;
  private readonly seqFh: FileHandle;
  private readonly offsets: OffsetIndex;
  private readonly seqs: Map<string, number>;
  private readonly policy: FsyncPolicy;
  private readonly release: () => Promise<void>;

  private constructor(
    readonly dir: string,
    parts: {
      fh: FileHandle;
      seqFh: FileHandle;
      offsets: OffsetIndex;
      seqs: Map<string, number>;
      policy: FsyncPolicy;
      release: () => Promise<void>;
    },
  ) {
    ({
      fh: this.fh,
      seqFh: this.seqFh,
      offsets: this.offsets,
      seqs: this.seqs,
      policy: this.policy,
      release: this.release,
    } = parts);
    if (typeof this.policy === 'object') {
      this.syncTimer = setInterval(() => void this.fh.datasync().catch(() => undefined), this.policy.intervalMs);
      this.syncTimer.unref();
    }
  }

  static async open(dir: string, options: FileEventLogOptions = {}): Promise<FileEventLog> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, LOG_FILE);
    const release = await acquireLock(`${path}.lock`, path);
    const handles: FileHandle[] = [];
    try {
      const fh = await open(path, APPEND_NOFOLLOW);
      handles.push(fh);
      const offsets = await scanLines(fh, path);
      const seqs = await readSequences(join(dir, SEQ_FILE), offsets.length - 1);
      const seqFh = await open(join(dir, SEQ_FILE), APPEND_NOFOLLOW);
      handles.push(seqFh);
      return new FileEventLog(dir, { fh, seqFh, offsets, seqs, policy: options.fsync ?? 'always', release });
    } catch (error) {
      for (const h of handles) await h.close().catch(() => undefined);
      await release();
      throw error;
    }
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  append(events: readonly unknown[], batch?: PublisherBatch): Promise<AppendResult> {
    if (this.closed || this.failure) {
      return Promise.reject(
        this.failure ?? MlgymError.fromIssue({ code: 'INTERNAL', problem: `the event log in ${this.dir} is closed` }),
      );
    }
    const stored = batch ? (this.seqs.get(batch.publisherId) ?? -1) : -1;
    const { fresh, duplicates } = skipSent(events, batch, stored);
    if (batch && fresh.length > 0) this.seqs.set(batch.publisherId, batch.firstSeq + events.length - 1);
    const lines = fresh.map((e) => JSON.stringify(e));
    const effective = batch && duplicates > 0 ? { ...batch, firstSeq: batch.firstSeq + duplicates } : batch;
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ lines, events: fresh, duplicates, batch: effective, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Writes everything pending as group commits until the queue is empty. */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        await this.commit(group);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async commit(group: PendingAppend[]): Promise<void> {
    let next = this.length;
    const seqLines: string[] = [];
    const text: string[] = [];
    for (const op of group) {
      if (op.batch && op.lines.length > 0) {
        seqLines.push(
          `${JSON.stringify({ p: op.batch.publisherId, s: op.batch.firstSeq, e: next, n: op.lines.length })}\n`,
        );
      }
      if (op.lines.length > 0) text.push(op.lines.join('\n'), '\n');
      next += op.lines.length;
    }
    try {
      // Sequence records go first, so a kill between the two writes can never leave stored events
      // that no record covers (their re-send would be stored twice). A record that claims lines
      // the log lacks is cut down to the lines present, durably, when the log is opened.
      if (seqLines.length > 0) await writeAll(this.seqFh, Buffer.from(seqLines.join('')));
      if (text.length > 0) await writeAll(this.fh, Buffer.from(text.join('')));
    } catch (error) {
      this.fail(group, error);
      return;
    }
    // Written: index every append before anyone hears of it, so the index always matches the file
    // whatever a listener does; readers and live subscribers may see the events now (a killed
    // process loses nothing from here on); the appends resolve, i.e. publishers are acknowledged,
    // only once the sync policy is satisfied.
    const results = group.map((op) => this.index(op));
    for (const [i, op] of group.entries()) this.notify(results[i] as AppendResult, op.events);
    try {
      if (this.policy === 'always' && text.length > 0) {
        await this.fh.datasync();
        if (seqLines.length > 0) await this.seqFh.datasync();
      }
    } catch (error) {
      this.fail(group, error);
      return;
    }
    group.forEach((op, i) => op.resolve(results[i] as AppendResult));
  }

  private fail(group: PendingAppend[], error: unknown): void {
    this.failure = MlgymError.fromIssue(
      { code: 'INTERNAL', problem: `writing the event log in ${this.dir} failed: ${(error as Error).message}` },
      error,
    );
    for (const op of [...group, ...this.pending]) op.reject(this.failure);
    this.pending = [];
  }

  /** Adds a written append to the offset index. */
  private index(op: PendingAppend): AppendResult {
    const firstId = this.length;
    let end = this.offsets.at(this.offsets.length - 1);
    for (const line of op.lines) {
      end += Buffer.byteLength(line) + 1;
      this.offsets.push(end);
    }
    return { ids: op.lines.map((_, i) => firstId + i), duplicates: op.duplicates };
  }

  /** Tells the commit listeners; one that throws affects neither the log nor the other listeners. */
  private notify(result: AppendResult, events: readonly unknown[]): void {
    if (result.ids.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(result.ids[0] as number, events);
      } catch {
        // the listener's own business (the websocket endpoint reports its failures itself)
      }
    }
  }

  async *readRaw(from = 0, to = this.length, maxBytes = DEFAULT_CHUNK_BYTES): AsyncIterable<RawChunk> {
    let start = Math.max(0, from);
    const end = Math.min(to, this.length);
    while (start < end) {
      const startByte = this.offsets.at(start);
      // Last line index whose end stays within maxBytes (at least one line per chunk).
      const stop = Math.max(start + 1, this.offsets.floorIndex(startByte + maxBytes, start, end));
      const bytes = Buffer.allocUnsafe(this.offsets.at(stop) - startByte);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await this.fh.read(bytes, read, bytes.length - read, startByte + read);
        if (bytesRead === 0) throw new Error(`event log ${this.dir} is shorter than its index`);
        read += bytesRead;
      }
      yield { firstId: start, count: stop - start, bytes };
      start = stop;
    }
  }

  async *read(from = 0, to = this.length): AsyncIterable<StoredEvent> {
    for await (const chunk of this.readRaw(from, to)) {
      let id = chunk.firstId;
      let lineStart = 0;
      for (let i = 0; i < chunk.bytes.length; i++) {
        if (chunk.bytes[i] !== NEWLINE) continue;
        const line = chunk.bytes.toString('utf8', lineStart, i);
        let data: unknown;
        try {
          data = JSON.parse(line);
        } catch {
          data = undefined; // a foreign, unparsable line keeps its id but carries no event
        }
        yield { id: id++, data };
        lineStart = i + 1;
      }
    }
  }

  async lastSeq(publisherId: string): Promise<number> {
    return this.seqs.get(publisherId) ?? -1;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.fh.datasync().catch(() => undefined);
    await this.fh.close();
    await this.seqFh.close();
    await this.release();
  }
}

/** Indexes line starts; a torn last line (no newline) is moved aside and cut off. */
async function scanLines(fh: FileHandle, path: string): Promise<OffsetIndex> {
  const { size } = await fh.stat();
  const offsets = new OffsetIndex();
  offsets.push(0);
  const buffer = Buffer.allocUnsafe(SCAN_BYTES);
  for (let position = 0; position < size;) {
    const { bytesRead } = await fh.read(buffer, 0, Math.min(SCAN_BYTES, size - position), position);
    if (bytesRead === 0) break;
    for (let i = buffer.indexOf(NEWLINE, 0); i !== -1 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) {
      offsets.push(position + i + 1);
    }
    position += bytesRead;
  }
  const complete = offsets.at(offsets.length - 1);
  if (complete < size) {
    const torn = Buffer.allocUnsafe(size - complete);
    await fh.read(torn, 0, torn.length, complete);
    await appendFile(`${path}.corrupt`, Buffer.concat([torn, Buffer.from('\n')]), { flag: APPEND_NOFOLLOW });
    await fh.truncate(complete);
  }
  return offsets;
}
