import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { EventLogProvider } from '@mlgym/event-store';
import type {
  ClientToServerEvents,
  GridSearchListEntry,
  JoinAck,
  PublishAck,
  ServerToClientEvents,
} from '@mlgym/protocol';
import { createAccessControl, createHostCheck, createServer } from '@mlgym/server-security';
import type { AccessControl, HostCheck, TlsFiles } from '@mlgym/server-security';
import { createGridSearchList } from './gridSearchList.js';
import { guardHandshake } from './handshakeGuard.js';
import { createHistoryHandler } from './historyHandler.js';
import { createHttpRoutes } from './httpRoutes.js';
import { createJoinHandler } from './joinHandler.js';
import { DEFAULT_MAX_KEYS_PER_GRID_SEARCH, KeyLimit } from './keyLimit.js';
import { originAllowed } from './originAllowed.js';
import { createPublisher } from './publisher.js';
import { asAck, createRefusal, errorBody } from './refusal.js';
import { createRoomLogs } from './roomLogs.js';
import { messagePermit, recheckConnections } from './socketAccess.js';
import type { SocketData } from './socketAccess.js';
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

  const rooms = createRoomLogs({ storage: options.storage, io, maxBufferedBytes: maxBuffered, report });
  const { logFor } = rooms;
  const httpRoutes = createHttpRoutes({
    access,
    hosts: () => hosts,
    allowedOrigins: allowed,
    history: createHistoryHandler({ storage: options.storage, logFor, chunkBytes, report }),
  });
  io.use(guardHandshake(access, () => hosts));

  const permit = messagePermit(access);
  const refuse = createRefusal(report);
  const publisher = createPublisher({ permit, logFor, keyLimit, maxEventBytes, maxBatchEvents });
  const handleJoin = createJoinHandler({ storage: options.storage, logFor, permit, refuse, maxRooms, chunkBytes });
  const listGridSearches = createGridSearchList({ storage: options.storage, access, permit });
  const stopRechecks = access.onChange(() => recheckConnections(io, access));

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
      listGridSearches(socket).then(
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
      stopRechecks();
      rooms.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
