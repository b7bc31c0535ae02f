import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { EventLog, EventLogProvider } from '@mlgym/event-store';
import {
  JoinRequestSchema,
  MlgymError,
  ORIGINAL_EVENT_TYPES,
  PUBLISHER_ROOMS,
  SafeNameSchema,
  joinEventTypes,
} from '@mlgym/protocol';
import type {
  AuthErrorBody,
  ClientToServerEvents,
  GridSearchListEntry,
  JoinAck,
  PublishAck,
  ServerToClientEvents,
} from '@mlgym/protocol';
import { createAccessControl, createHostCheck, createServer } from '@mlgym/server-security';
import type { AccessControl, HostCheck, TlsFiles } from '@mlgym/server-security';
import { createAnnotationHandler } from './annotationHandler.js';
import { guardHandshake } from './handshakeGuard.js';
import { createPublisher } from './publisher.js';
import { ORIGINAL_ONLY, messagePermit, recheckConnections } from './socketAccess.js';
import type { MlgymSocket, SocketData } from './socketAccess.js';
import { createHistoryHandler } from './historyHandler.js';
import { createHttpRoutes } from './httpRoutes.js';
import { DEFAULT_MAX_KEYS_PER_GRID_SEARCH, KeyLimit } from './keyLimit.js';
import { originAllowed } from './originAllowed.js';
import { parseChunk } from './parseChunk.js';
import { bufferedBytes, drained } from './socketBuffer.js';
import { DEFAULT_MAX_EVENT_BYTES } from './validateEvent.js';

export interface WsEndpointOptions {
  storage: EventLogProvider;
  /** Origins allowed to connect from a browser. @default [] (none: same-origin and non-browser clients only) */
  corsAllowedOrigins?: readonly string[];
  /** @default 1 MiB */
  maxEventBytes?: number;
  /** Largest publish batch. @default 10000 */
  maxBatchEvents?: number;
  /** Largest socket.io message accepted at all. @default 32 MiB */
  maxMessageBytes?: number;
  /** History is replayed in chunks of about this many bytes. @default 1 MiB */
  historyChunkBytes?: number;
  /** Rooms one socket may be in at once (grid searches it follows). @default 256 */
  maxRoomsPerSocket?: number;
  /**
   * A subscriber whose unsent output grows beyond this many bytes (it stopped reading) is
   * disconnected, instead of the server buffering for it until memory runs out. @default 64 MiB
   */
  maxBufferedBytes?: number;
  /** Where to report server-side problems. @default nothing */
  log?: (line: string) => void;
  /** Tokens and their scopes (`createAccessControl`). @default none: everything open, as for the original clients */
  access?: AccessControl;
  /** More names than loopback, IP addresses and the bound host that clients reach this server by (`--allowed_hosts`). */
  allowedHosts?: readonly string[];
  /** Serve HTTPS (and wss) with this certificate. */
  tls?: TlsFiles;
  /** Distinct metric, loss and config keys a grid search may have. @default 10000 */
  maxKeysPerGridSearch?: number;
}

export interface WsEndpoint {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  readonly httpServer: HttpServer | HttpsServer;
  /** Listens and resolves with the bound port (pass 0 for a free one). @default host 127.0.0.1 */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

type Ack<T> = ((result: T) => void) | undefined;

function errorBody(error: unknown): { code: string; message: string } {
  if (error instanceof MlgymError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'internal error while handling the event' };
}

const ORIGINAL_TYPES = new Set<unknown>(ORIGINAL_EVENT_TYPES);

function isOriginal(event: { data: unknown }): boolean {
  const data = event.data;
  return typeof data === 'object' && data !== null && ORIGINAL_TYPES.has((data as { event_type?: unknown }).event_type);
}

function message(events: Array<{ event_id: number; data: unknown }>) {
  return events.length === 1
    ? { event_id: events[0]!.event_id, data: events[0]!.data }
    : { event_id: 'batched_events' as const, data: events };
}

function asAck<T>(ack: unknown): Ack<T> {
  return typeof ack === 'function' ? (ack as (result: T) => void) : undefined;
}

/**
 * The MLboard websocket endpoint. Speaks the original protocol (`join`, `mlgym_event`, `ping`,
 * `leave`, `server_log_message`) plus resumable joins, chunked history, acknowledged and
 * de-duplicated publishing, and a grid-search list. Bad input is refused with a message to its
 * sender; nothing a client sends can stop the server.
 */
export function createWsEndpoint(options: WsEndpointOptions): WsEndpoint {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const maxBatchEvents = options.maxBatchEvents ?? 10_000;
  const chunkBytes = options.historyChunkBytes ?? 1024 * 1024;
  const maxRooms = options.maxRoomsPerSocket ?? 256;
  const maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const report = options.log ?? (() => undefined);
  const allowed = new Set(options.corsAllowedOrigins ?? []);
  const access = options.access ?? createAccessControl();
  const keyLimit = new KeyLimit(options.maxKeysPerGridSearch ?? DEFAULT_MAX_KEYS_PER_GRID_SEARCH);
  let hosts: HostCheck = createHostCheck({ allowedHosts: options.allowedHosts });
  // Requests outside /socket.io/ (socket.io passes them on): /whoami and the history over HTTP.
  const httpServer = createServer((req, res) => {
    httpRoutes(req, res).catch((error: unknown) => {
      report(`ws endpoint: ${error instanceof Error ? error.stack : String(error)}`);
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'INTERNAL', message: 'internal error while serving the history' }));
    });
  }, options.tls);
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    cors: { origin: [...allowed], credentials: false },
    // CORS headers only guide browsers on polling requests; a websocket upgrade carries no such
    // check, so every handshake and upgrade is refused here unless its Origin is allowed.
    allowRequest: (req, callback) => {
      const ok = originAllowed(req.headers.origin, req.headers.host, allowed);
      callback(ok ? null : 'origin not allowed', ok);
    },
    maxHttpBufferSize: options.maxMessageBytes ?? 32 * 1024 * 1024,
    serveClient: false,
  });

  // One commit listener per grid-search log: it broadcasts every commit to the room.
  const watched = new Map<string, Promise<EventLog>>();
  const unsubscribe: Array<() => void> = [];
  function logFor(gridSearchId: string): Promise<EventLog> {
    let opening = watched.get(gridSearchId);
    if (!opening) {
      opening = options.storage.log(gridSearchId).then((log) => {
        unsubscribe.push(
          log.onCommit((firstId, events) => {
            const all = events.map((data, i) => ({ event_id: firstId + i, data }));
            const original = all.filter(isOriginal);
            try {
              if (original.length === all.length) io.to(gridSearchId).emit('mlgym_event', message(all));
              else {
                // the original MLboard stops at an event type it does not know: its joins get the original's only
                io.to(gridSearchId)
                  .except(ORIGINAL_ONLY + gridSearchId)
                  .emit('mlgym_event', message(all));
                if (original.length > 0) io.to(ORIGINAL_ONLY + gridSearchId).emit('mlgym_event', message(original));
              }
            } catch (error) {
              report(`ws endpoint: broadcasting events ${firstId}.. of ${gridSearchId} failed: ${String(error)}`);
            }
            dropSlowSubscribers(gridSearchId);
          }),
        );
        return log;
      });
      watched.set(gridSearchId, opening);
      opening.catch(() => watched.delete(gridSearchId));
    }
    return opening;
  }

  const httpRoutes = createHttpRoutes({
    access,
    hosts: () => hosts,
    allowedOrigins: allowed,
    history: createHistoryHandler({ storage: options.storage, logFor, chunkBytes, report }),
    annotations: createAnnotationHandler({ storage: options.storage, logFor, keyLimit }),
  });
  io.use(guardHandshake(access, () => hosts));

  const permit = messagePermit(access);
  const publisher = createPublisher({ permit, logFor, keyLimit, maxEventBytes, maxBatchEvents });

  /** Disconnects the room's subscribers that stopped reading (their unsent output is over the bound). */
  function dropSlowSubscribers(room: string): void {
    for (const id of io.sockets.adapter.rooms.get(room) ?? []) {
      const socket = io.sockets.sockets.get(id);
      if (socket && bufferedBytes(socket) > maxBuffered) {
        report(`ws endpoint: disconnecting ${id}: more than ${maxBuffered} bytes unsent (it stopped reading)`);
        socket.disconnect(true);
        // A websocket close handshake would wait behind the unread output: drop the connection.
        (socket.conn.transport as unknown as { socket?: { terminate?: () => void } }).socket?.terminate?.();
      }
    }
  }

  function refuse(socket: MlgymSocket, error: unknown, ack?: Ack<PublishAck>): void {
    const body = errorBody(error);
    if (!(error instanceof MlgymError)) report(`ws endpoint: ${error instanceof Error ? error.stack : String(error)}`);
    socket.emit('mlgym_error', body);
    socket.emit('server_log_message', `Refused: ${body.message}`);
    ack?.({ ok: false, ...body });
  }

  /** Sends a room's history after `next - 1`, then joins the room with no gap and no duplicate. */
  async function replay(
    socket: MlgymSocket,
    room: string,
    from: number,
    { format, types }: { format: 'json' | 'jsonl'; types: 'original' | 'all' },
  ): Promise<void> {
    const follow = async () => {
      if (types === 'original') await socket.join([room, ORIGINAL_ONLY + room]);
      else {
        await socket.leave(ORIGINAL_ONLY + room);
        await socket.join(room);
      }
    };
    if (!options.storage.has(room)) {
      // Nothing stored yet: follow the room without creating anything. Joining in this tick is
      // safe, as a log is created only by a publish, which commits ticks later.
      await follow();
      socket.emit('history_done', { grid_search_id: room, next_event_id: 0 });
      return;
    }
    const log = await logFor(room);
    let next = Number.isSafeInteger(from) ? Math.max(0, from) : 0;
    for (;;) {
      // Joining in the same tick as the length check: every later commit is broadcast to us.
      if (next >= log.length) {
        await follow();
        socket.emit('history_done', { grid_search_id: room, next_event_id: log.length });
        return;
      }
      for await (const chunk of log.readRaw(next, log.length, chunkBytes)) {
        if (socket.disconnected) return;
        if (format === 'jsonl') {
          socket.emit('mlgym_event_chunk', {
            grid_search_id: room,
            first_event_id: chunk.firstId,
            count: chunk.count,
            jsonl: chunk.bytes,
          });
        } else {
          const events = parseChunk(chunk);
          const sent = types === 'all' ? events : events.filter(isOriginal);
          if (sent.length > 0) socket.emit('mlgym_event', { event_id: 'batched_events', data: sent });
        }
        if (chunk.firstId + chunk.count <= next) throw new Error(`replay of ${room} made no progress at ${next}`);
        next = chunk.firstId + chunk.count;
        await drained(socket);
      }
    }
  }

  async function handleJoin(socket: MlgymSocket, raw: unknown, ack: Ack<JoinAck>): Promise<void> {
    const denied = permit(socket.data.token, 'join', 'join rooms');
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
    // the socket's own room and the marker rooms of original-only joins do not count
    const following = [...socket.rooms].filter((r) => r !== socket.id && !r.startsWith(ORIGINAL_ONLY)).length;
    if (following + adding > maxRooms) {
      const message = `a connection may follow at most ${maxRooms} rooms`;
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
        refuse(
          socket,
          MlgymError.fromIssue({
            code: 'STORAGE_PATH_UNSAFE',
            problem: `room ${JSON.stringify(room)} is not a valid grid search id`,
          }),
        );
        continue;
      }
      const forbidden = permit(socket.data.token, 'join', `join ${room}`, room);
      if (forbidden) {
        refused = forbidden;
        refuse(socket, new MlgymError(forbidden));
        continue;
      }
      const ids = request.last_event_id;
      // Own properties only: `constructor` or `toString` must not read Object.prototype.
      const last =
        typeof ids === 'number' ? ids : ids !== undefined && Object.hasOwn(ids, room) ? (ids[room] ?? -1) : -1;
      await replay(socket, room, last + 1, {
        format: request.history_format ?? 'json',
        types: joinEventTypes(request),
      });
    }
    ack?.(refused ? { ok: false, ...refused } : { ok: true });
  }

  function refuseJoin(socket: MlgymSocket, refusal: AuthErrorBody, ack: Ack<JoinAck>): void {
    refuse(socket, new MlgymError(refusal));
    ack?.({ ok: false, ...refusal });
  }

  async function handleList(socket: MlgymSocket): Promise<GridSearchListEntry[]> {
    const denied = permit(socket.data.token, 'list_grid_searches', 'list grid searches');
    if (denied) throw new MlgymError(denied);
    const who = access.authenticate(socket.data.token);
    const list = await options.storage.list();
    return who.ok ? list.filter((entry) => access.mayRead(who.principal, entry.grid_search_id)) : [];
  }

  unsubscribe.push(access.onChange(() => recheckConnections(io, access)));

  io.on('connection', (socket) => {
    // Joins of one socket run one after another so their replays cannot interleave.
    let joining: Promise<void> = Promise.resolve();
    socket.on('join', (raw: unknown, ack: unknown) => {
      const reply = asAck<JoinAck>(ack);
      joining = joining.then(() =>
        handleJoin(socket, raw, reply).catch((e: unknown) => {
          refuse(socket, e);
          reply?.({ ok: false, ...errorBody(e) });
        }),
      );
    });
    socket.on('mlgym_event', (event: unknown, ack: unknown) => {
      const reply = asAck<PublishAck>(ack);
      publisher.event(socket.data.token, event).then(reply, (e: unknown) => refuse(socket, e, reply));
    });
    socket.on('mlgym_events', (batch: unknown, ack: unknown) => {
      const reply = asAck<PublishAck>(ack);
      publisher.batch(socket.data.token, batch).then(reply, (e: unknown) => refuse(socket, e, reply));
    });
    socket.on('list_grid_searches', (ack: unknown) => {
      const reply = asAck<GridSearchListEntry[]>(ack);
      handleList(socket).then(
        (list) => reply?.(list),
        (e: unknown) => {
          refuse(socket, e);
          reply?.([]);
        },
      );
    });
    socket.on('ping', () => socket.emit('pong'));
    socket.on('leave', () => {
      socket.emit('server_log_message', 'You are now disconnected.');
      socket.disconnect(true);
    });
  });

  return {
    io,
    httpServer,
    listen: (port, host = '127.0.0.1') =>
      new Promise<number>((resolve, reject) => {
        hosts = createHostCheck({ bindHost: host, allowedHosts: options.allowedHosts });
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      for (const off of unsubscribe.splice(0)) off();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
