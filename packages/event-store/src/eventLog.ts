/** One stored event: its id (0-based line number) and the event object as received. */
export interface StoredEvent {
  id: number;
  data: unknown;
}

/** Identifies a publisher's batch so a re-sent batch is stored once (per-publisher sequence numbers). */
export interface PublisherBatch {
  publisherId: string;
  /** Sequence number of the first event of the batch; the others follow consecutively. */
  firstSeq: number;
}

export interface AppendResult {
  /** Ids of the events stored by this call (duplicates excluded), in order. */
  ids: number[];
  /** How many events were skipped because the publisher had sent them before. */
  duplicates: number;
}

/** A chunk of the log as raw JSONL bytes: `count` lines starting at event `firstId`. */
export interface RawChunk {
  firstId: number;
  count: number;
  bytes: Buffer;
}

export type CommitListener = (firstId: number, events: readonly unknown[]) => void;

/**
 * An append-only event log. Ids are line numbers; an append resolves only after the events are
 * in the store (and synced, as the store's policy says), so acknowledging then is safe.
 */
export interface EventLog {
  /** Number of committed events (the next id). */
  readonly length: number;
  append(events: readonly unknown[], batch?: PublisherBatch): Promise<AppendResult>;
  /** Parsed events with `from <= id < to` (default: everything committed now). */
  read(from?: number, to?: number): AsyncIterable<StoredEvent>;
  /** The same range as raw JSONL chunks of at most about `maxBytes` each. */
  readRaw(from?: number, to?: number, maxBytes?: number): AsyncIterable<RawChunk>;
  /** Highest sequence number stored for a publisher, or -1. */
  lastSeq(publisherId: string): Promise<number>;
  /** Called synchronously once a commit is written (readable), before its appends resolve (after the sync policy). */
  onCommit(listener: CommitListener): () => void;
  close(): Promise<void>;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
