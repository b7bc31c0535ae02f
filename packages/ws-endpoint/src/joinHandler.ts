import type { EventLogProvider } from '@mlgym/event-store';
import { JoinRequestSchema, MlgymError, PUBLISHER_ROOMS, SafeNameSchema } from '@mlgym/protocol';
import type { AuthErrorBody, JoinAck } from '@mlgym/protocol';
import { parseChunk } from './parseChunk.js';
import type { Ack, Refuse } from './refusal.js';
import type { LogFor } from './roomLogs.js';
import type { MlgymSocket, Permit } from './socketAccess.js';
import { drained } from './socketBuffer.js';

export interface JoinHandlerOptions {
  storage: EventLogProvider;
  logFor: LogFor;
  permit: Permit;
  refuse: Refuse;
  /** Rooms one socket may be in at once. */
  maxRooms: number;
  /** History is replayed in chunks of about this many bytes. */
  chunkBytes: number;
}

/**
 * `join`: checks the request and the token for each room, then replays each room's history after the
 * client's last event id and joins the room with no gap and no duplicate.
 */
export function createJoinHandler(o: JoinHandlerOptions) {
  /** Sends a room's history after `next - 1`, then joins the room with no gap and no duplicate. */
  async function replay(socket: MlgymSocket, room: string, from: number, format: 'json' | 'jsonl'): Promise<void> {
    if (!o.storage.has(room)) {
      // Nothing stored yet: follow the room without creating anything. Joining in this tick is
      // safe, as a log is created only by a publish, which commits ticks later.
      await socket.join(room);
      socket.emit('history_done', { grid_search_id: room, next_event_id: 0 });
      return;
    }
    const log = await o.logFor(room);
    let next = Number.isSafeInteger(from) ? Math.max(0, from) : 0;
    for (;;) {
      // Joining in the same tick as the length check: every later commit is broadcast to us.
      if (next >= log.length) {
        await socket.join(room);
        socket.emit('history_done', { grid_search_id: room, next_event_id: log.length });
        return;
      }
      for await (const chunk of log.readRaw(next, log.length, o.chunkBytes)) {
        if (socket.disconnected) return;
        if (format === 'jsonl') {
          socket.emit('mlgym_event_chunk', {
            grid_search_id: room,
            first_event_id: chunk.firstId,
            count: chunk.count,
            jsonl: chunk.bytes,
          });
        } else {
          socket.emit('mlgym_event', { event_id: 'batched_events', data: parseChunk(chunk) });
        }
        if (chunk.firstId + chunk.count <= next) throw new Error(`replay of ${room} made no progress at ${next}`);
        next = chunk.firstId + chunk.count;
        await drained(socket);
      }
    }
  }

  function refuseJoin(socket: MlgymSocket, refusal: AuthErrorBody, ack: Ack<JoinAck>): void {
    o.refuse(socket, new MlgymError(refusal));
    ack?.({ ok: false, ...refusal });
  }

  return async function handleJoin(socket: MlgymSocket, raw: unknown, ack: Ack<JoinAck>): Promise<void> {
    const denied = o.permit(socket.data.token, 'join', 'join rooms');
    if (denied) return void refuseJoin(socket, denied, ack);
    const parsed = JoinRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const message = 'join expects {rooms: [grid_search_id, …], client_id?, last_event_id?, history_format?}';
      socket.emit('mlgym_error', { code: 'BAD_REQUEST', message });
      ack?.({ ok: false, message });
      return;
    }
    const request = parsed.data;
    const rooms = request.rooms;
    const adding = new Set(rooms.filter((r) => !socket.rooms.has(r))).size;
    if (socket.rooms.size - 1 + adding > o.maxRooms) {
      const message = `a connection may follow at most ${o.maxRooms} rooms`;
      socket.emit('mlgym_error', { code: 'BAD_REQUEST', message });
      ack?.({ ok: false, message });
      return;
    }
    socket.emit('server_log_message', `Client ${request.client_id ?? '<unknown>'} joined rooms: [${rooms.join(', ')}]`);
    let refused: AuthErrorBody | undefined;
    for (const room of rooms) {
      if ((PUBLISHER_ROOMS as readonly string[]).includes(room)) {
        await socket.join(room);
        continue;
      }
      if (!SafeNameSchema.safeParse(room).success) {
        o.refuse(
          socket,
          MlgymError.fromIssue({
            code: 'STORAGE_PATH_UNSAFE',
            problem: `room ${JSON.stringify(room)} is not a valid grid search id`,
          }),
        );
        continue;
      }
      const forbidden = o.permit(socket.data.token, 'join', `join ${room}`, room);
      if (forbidden) {
        refused = forbidden;
        o.refuse(socket, new MlgymError(forbidden));
        continue;
      }
      const ids = request.last_event_id;
      // Own properties only: `constructor` or `toString` must not read Object.prototype.
      const last =
        typeof ids === 'number' ? ids : ids !== undefined && Object.hasOwn(ids, room) ? (ids[room] ?? -1) : -1;
      await replay(socket, room, last + 1, request.history_format ?? 'json');
    }
    ack?.(refused ? { ok: false, ...refused } : { ok: true });
  };
}
