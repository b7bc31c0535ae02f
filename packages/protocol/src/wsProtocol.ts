import { z } from 'zod';
import type { TokenScope } from './auth.js';

/** Rooms the original publishers join; they carry no event log. */
export const PUBLISHER_ROOMS = ['mlgym_event_publishers', 'mlgym_streamed_logger'] as const;

/** `join`: rooms to follow; optionally the last event id already held (per room or for all rooms). */
export const JoinRequestSchema = z.looseObject({
  client_id: z.string().max(200).optional(),
  rooms: z.array(z.string().max(200)).min(1).max(100),
  /** Safe integers only; a per-room record is read with own-property lookups (never `constructor` or `__proto__`). */
  last_event_id: z
    .union([
      z.number().int().min(-1),
      z.record(z.string().max(200), z.number().int().min(-1)).refine((r) => Object.keys(r).length <= 100),
    ])
    .optional(),
  /** `jsonl`: history arrives as raw JSONL chunks (`mlgym_event_chunk`), much cheaper for large logs. */
  history_format: z.enum(['json', 'jsonl']).optional(),
  /**
   * `original`: only the original's four event types, replayed and live (the original MLboard stops at the first
   * event type it does not know); `all`: every event. Default: `all` with `history_format: jsonl` (raw history),
   * else `original`, so a client joining as the original does is never sent what it cannot read.
   */
  event_types: z.enum(['original', 'all']).optional(),
});
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

/** `mlgym_events`: a publisher's batch; sequence numbers make re-sending safe. */
export const PublishBatchSchema = z.strictObject({
  publisher_id: z.string().min(1).max(200),
  first_seq: z.number().int().nonnegative(),
  events: z.array(z.unknown()).min(1).max(100_000),
});
export type PublishBatch = z.infer<typeof PublishBatchSchema>;

export type PublishAck =
  { ok: true; event_ids: number[]; duplicates: number } | { ok: false; code: string; message: string };

/** One live or replayed event as the original sends it. */
export interface MlgymEventMessage {
  event_id: number | 'batched_events';
  data: unknown;
}

export interface HistoryChunk {
  grid_search_id: string;
  first_event_id: number;
  count: number;
  /** JSONL bytes: `count` events, one per line. */
  jsonl: Uint8Array;
}

/**
 * The websocket endpoint also serves a room's history over HTTP: `GET /history/<grid_search_id>?from=<id>`
 * answers the stored events from `from` on as JSONL, with these headers naming the first line's id and the
 * number of lines. A `join` with `last_event_id` = first + count - 1 continues from there.
 */
export const HISTORY_PATH = (gridSearchId: string, from: number) =>
  `/history/${encodeURIComponent(gridSearchId)}?from=${from}`;
export const HISTORY_FIRST_ID_HEADER = 'x-mlgym-first-event-id';
export const HISTORY_COUNT_HEADER = 'x-mlgym-event-count';

export interface HistoryDone {
  grid_search_id: string;
  /** Id the next live event for this room will have. */
  next_event_id: number;
}

export interface ServerToClientEvents {
  mlgym_event: (message: MlgymEventMessage) => void;
  mlgym_event_chunk: (chunk: HistoryChunk) => void;
  history_done: (done: HistoryDone) => void;
  mlgym_error: (error: { code: string; message: string }) => void;
  server_log_message: (text: string) => void;
  pong: () => void;
}

export interface GridSearchListEntry {
  grid_search_id: string;
  event_count: number | null;
  size_bytes: number;
  modified: string;
}

/** The acknowledgement of `join`; `code` says why a room was refused (e.g. AUTH_FORBIDDEN). */
export interface JoinAck {
  ok: boolean;
  message?: string;
  code?: string;
}

export interface ClientToServerEvents {
  join: (request: JoinRequest, ack?: (result: JoinAck) => void) => void;
  leave: () => void;
  ping: () => void;
  mlgym_event: (event: unknown, ack?: (result: PublishAck) => void) => void;
  mlgym_events: (batch: PublishBatch, ack?: (result: PublishAck) => void) => void;
  list_grid_searches: (ack: (list: GridSearchListEntry[]) => void) => void;
}

/**
 * The token scope each message needs where the endpoint has tokens (null: any connection may send it). A message
 * naming grid searches (`join`'s rooms, an event's grid_search_id) also needs a token whose patterns match them.
 * Keyed by every client message, so a new message cannot be added without saying who may send it.
 */
export const WS_MESSAGE_SCOPES: { readonly [K in keyof ClientToServerEvents]-?: TokenScope | null } = {
  join: 'read',
  leave: null,
  ping: null,
  mlgym_event: 'write',
  mlgym_events: 'write',
  list_grid_searches: 'read',
};

/** Whether a join receives every event type or only the original's (see `JoinRequestSchema.event_types`). */
export function joinEventTypes(request: Pick<JoinRequest, 'event_types' | 'history_format'>): 'original' | 'all' {
  return request.event_types ?? (request.history_format === 'jsonl' ? 'all' : 'original');
}

/** The HTTP routes of the websocket endpoint beside socket.io, with the scope each needs (null: none). */
export const WS_HTTP_ROUTES: ReadonlyArray<{ method: 'get' | 'post'; path: string; scope: TokenScope | null }> = [
  { method: 'get', path: '/history/:gs', scope: 'read' },
  { method: 'post', path: '/annotations/:gs', scope: 'write' },
  // the columnar snapshot of a grid search's events (snapshot.ts)
  { method: 'get', path: '/snapshot/:gs', scope: 'read' },
  { method: 'get', path: '/whoami', scope: null },
];
