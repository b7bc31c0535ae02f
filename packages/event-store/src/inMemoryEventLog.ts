import type { AppendResult, CommitListener, EventLog, PublisherBatch, RawChunk, StoredEvent } from './eventLog.js';
import { DEFAULT_CHUNK_BYTES } from './eventLog.js';

/** An event log in memory, for tests and for runs that keep nothing. */
export class InMemoryEventLog implements EventLog {
  private readonly lines: string[] = [];
  private readonly seqs = new Map<string, number>();
  private readonly listeners = new Set<CommitListener>();

  get length(): number {
    return this.lines.length;
  }

  async append(events: readonly unknown[], batch?: PublisherBatch): Promise<AppendResult> {
    const { fresh, duplicates } = skipSent(events, batch, this.seqs.get(batch?.publisherId ?? '') ?? -1);
    if (batch && fresh.length > 0) this.seqs.set(batch.publisherId, batch.firstSeq + events.length - 1);
    const firstId = this.lines.length;
    for (const e of fresh) this.lines.push(JSON.stringify(e));
    if (fresh.length > 0) {
      for (const l of this.listeners) {
        try {
          l(firstId, fresh);
        } catch {
          // a listener's failure never undoes a stored append
        }
      }
    }
    return { ids: fresh.map((_, i) => firstId + i), duplicates };
  }

  async *read(from = 0, to = this.length): AsyncIterable<StoredEvent> {
    for (let id = Math.max(0, from); id < Math.min(to, this.lines.length); id++) {
      yield { id, data: JSON.parse(this.lines[id] as string) as unknown };
    }
  }

  async *readRaw(from = 0, to = this.length, maxBytes = DEFAULT_CHUNK_BYTES): AsyncIterable<RawChunk> {
    let start = Math.max(0, from);
    const end = Math.min(to, this.lines.length);
    while (start < end) {
      let size = 0;
      let stop = start;
      while (stop < end && (stop === start || size < maxBytes)) size += (this.lines[stop++] as string).length + 1;
      const text = this.lines.slice(start, stop).join('\n') + '\n';
      yield { firstId: start, count: stop - start, bytes: Buffer.from(text) };
      start = stop;
    }
  }

  async lastSeq(publisherId: string): Promise<number> {
    return this.seqs.get(publisherId) ?? -1;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}
}

/** The events of a batch that the publisher has not had stored before. */
export function skipSent(
  events: readonly unknown[],
  batch: PublisherBatch | undefined,
  stored: number,
): { fresh: readonly unknown[]; duplicates: number } {
  if (!batch) return { fresh: events, duplicates: 0 };
  const skip = Math.max(0, Math.min(events.length, stored - batch.firstSeq + 1));
  return { fresh: skip === 0 ? events : events.slice(skip), duplicates: skip };
}
