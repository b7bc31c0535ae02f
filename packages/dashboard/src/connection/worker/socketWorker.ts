/// <reference lib="webworker" />
import '../../shared/noEval';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { AUTH_ERROR_CODES } from '@mlgym/protocol';
import type {
  AuthErrorCode,
  ClientToServerEvents,
  HistoryChunk,
  MlgymEventMessage,
  ServerToClientEvents,
} from '@mlgym/protocol';
import { createEventFolder, transferables } from '../events/eventFolder';
import type { EventFolder } from '../events/eventFolder';
import type { Settings } from '../settings/settingsStorage';
import { fetchHistory } from './historyFetch';
import type { FetchedHistory } from './historyFetch';
import { historyLeftMs } from './historyPace';
import type { FromWorker, ToWorker } from './workerMessages';

/**
 * The page gets at most this many data posts per second. Each post makes every chart on screen draw
 * again in one frame; five larger updates a second kept frames shorter than ten smaller ones (every
 * frame that changes a canvas costs a commit and a composite, whatever it changed).
 */
const POSTS_PER_SECOND = 5;
/** How often the worker looks whether a post is due (a post follows an acknowledgement this soon). */
const TICK_MS = 25;
/** A page that has not acknowledged a post for this long gets the next one anyway. */
const ACK_TIMEOUT_MS = 5000;
/**
 * While the stored history streams in, posts are rarer: each post redraws every chart it touches
 * with all its points, so ten partial redraws a second made a long history load several times slower.
 */
const HISTORY_POST_MS = 5000;
/**
 * The first post comes this soon after the history starts arriving: the page builds its table and
 * charts from the first experiments while the rest streams in, instead of all at the end.
 */
const HISTORY_FIRST_POST_MS = 200;
/**
 * ...unless the rest of the history should be in within this long (judged from the share received so
 * far): then it comes as one post. For a history of a second or so, a first partial post only made
 * the page build its table twice, and the second build waited behind the first.
 */
const HISTORY_SHORT_MS = 800;

declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);
const decoder = new TextDecoder();

let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
let folder: EventFolder = createEventFolder();
let timers: number[] = [];
let messages = 0;
/** Connections made so far (a join waiting for the history belongs to one). */
let connections = 0;
let inLastSecond = 0;
let pingSentAt = 0;
let ping = -1;
let batching = true;
/** The token entered for the websocket endpoint's origin (the page sends it; sessionStorage is the page's). */
let token: string | null = null;
/** The settings of the connection being made, for a restart once a token is entered. */
let current: Settings | undefined;

let inHistory = true;
let lastPost = 0;
let firstChunkAt = 0;
let foldMs = 0;
/** Lines of the HTTP history received and announced (0: none announced). */
let historyLines: FetchedHistory = { received: 0, announced: 0 };
const epochNow = () => performance.timeOrigin + performance.now();

// Backpressure: while the page is still applying the last post, events keep folding into the next
// one, so a busy page gets fewer, larger updates instead of a growing queue.
let unackedSince = 0;

function flush(force = false): void {
  if (!folder.pending) return;
  if (!force && unackedSince && Date.now() - unackedSince < ACK_TIMEOUT_MS) return;
  lastPost = performance.now();
  const update = folder.take();
  post({ type: 'data', update }, transferables(update));
  unackedSince = Date.now();
}

let postedInHistory = false;

function tick(): void {
  if (
    inHistory &&
    !postedInHistory &&
    folder.pending &&
    firstChunkAt &&
    epochNow() - firstChunkAt >= HISTORY_FIRST_POST_MS &&
    historyLeftMs(epochNow() - firstChunkAt, historyLines) > HISTORY_SHORT_MS
  ) {
    postedInHistory = true;
    flush();
  } else if (performance.now() - lastPost >= (inHistory ? HISTORY_POST_MS : 1000 / POSTS_PER_SECOND)) flush();
}

/** Folds an event unless a resumed or repeated delivery already brought it. */
function accept(eventId: number, data: unknown): void {
  if (eventId <= folder.lastEventId) return;
  folder.fold(eventId, data);
  messages++;
  inLastSecond++;
}

function onEvent(message: MlgymEventMessage): void {
  if (message.event_id === 'batched_events') {
    if (!Array.isArray(message.data)) return;
    for (const item of message.data as Array<{ event_id?: unknown; data?: unknown }>) {
      if (typeof item?.event_id === 'number') accept(item.event_id, item.data);
    }
  } else if (typeof message.event_id === 'number') {
    accept(message.event_id, message.data);
  }
}

/** Folds one stored line (history over HTTP or a replayed chunk). */
function acceptLine(eventId: number, line: string): void {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    data = line; // counted as malformed by the folder
  }
  accept(eventId, data);
}

/** The stored history over HTTP, folded as it streams in; the socket's join then continues after it. */
async function loadHistory(settings: Settings, signal: AbortSignal): Promise<void> {
  const where = { endpoint: settings.socketConnectionUrl, gridSearchId: settings.gridSearchId, signal };
  const onChunk = (ms: number, progress: FetchedHistory) => {
    foldMs += ms;
    historyLines = progress;
  };
  const authorization = token ? `Bearer ${token}` : null;
  const fetched = await fetchHistory({ ...where, from: folder.lastEventId + 1, onChunk, authorization }, (id, line) => {
    if (!firstChunkAt) firstChunkAt = epochNow();
    acceptLine(id, line);
  });
  if (fetched?.problem && !signal.aborted)
    post({ type: 'serverError', message: `The websocket endpoint sent ${fetched.problem}.` });
}

/** The code of a handshake refused by the endpoint's authentication (`err.data.code`), if it is one. */
function authCodeOf(error: Error): AuthErrorCode | undefined {
  const data = (error as Error & { data?: unknown }).data;
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined;
  return (AUTH_ERROR_CODES as readonly unknown[]).includes(code) ? (code as AuthErrorCode) : undefined;
}

function onChunk(chunk: HistoryChunk): void {
  const t0 = performance.now();
  if (!firstChunkAt) firstChunkAt = epochNow();
  const text = decoder.decode(chunk.jsonl);
  let start = 0;
  for (let i = 0; i < chunk.count; i++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? undefined : end);
    start = end + 1;
    acceptLine(chunk.first_event_id + i, line);
    if (end < 0) break;
  }
  foldMs += performance.now() - t0;
}

/** Stops the history fetch of the connection being replaced: its lines must not reach the next folder. */
let historyFetch = new AbortController();

function stop(): void {
  historyFetch.abort();
  for (const t of timers) clearInterval(t);
  timers = [];
  socket?.removeAllListeners();
  socket?.close();
  socket = undefined;
}

function start(settings: Settings, lastEventId: number): void {
  stop();
  current = settings;
  folder = createEventFolder(lastEventId);
  messages = 0;
  unackedSince = 0;
  inHistory = true;
  postedInHistory = false;
  historyLines = { received: 0, announced: 0 };
  lastPost = performance.now();
  let attempts = 0;
  let connectedBefore = false;
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(settings.socketConnectionUrl, {
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
    // read at every attempt: a token entered after a refusal goes with the next handshake
    auth: (cb) => cb(token ? { token } : {}),
  });
  socket = s;
  // Connecting and streaming the history over HTTP run at once; the join waits for the history.
  historyFetch = new AbortController();
  const history = loadHistory(settings, historyFetch.signal);
  s.on('connect', () => {
    attempts = 0;
    post({ type: 'connected', reconnect: connectedBefore });
    connectedBefore = true;
    pingSentAt = 0;
    // Asked before joining: joining an unknown grid search may create its folder on the server.
    s.emit('list_grid_searches', (list) => {
      if (Array.isArray(list))
        post({ type: 'roomKnown', known: list.some((g) => g.grid_search_id === settings.gridSearchId) });
    });
    const connection = ++connections;
    void history.then(() => {
      if (socket !== s || connection !== connections || !s.connected) return;
      // a refused join (e.g. a token limited to other grid searches) comes back as mlgym_error
      s.emit('join', {
        rooms: [settings.gridSearchId],
        client_id: 'mlboard',
        last_event_id: folder.lastEventId,
        history_format: 'jsonl',
      });
    });
  });
  s.on('disconnect', (reason) => {
    flush(true);
    post({ type: 'disconnected', reason: `disconnected (${reason})` });
  });
  s.on('connect_error', (error) => {
    attempts++;
    const code = authCodeOf(error);
    post({ type: 'connectError', message: error.message, attempt: attempts, ...(code ? { code } : {}) });
  });
  // Without batching (a debug switch), every socket message reaches the page on its own, as in the original.
  s.on('mlgym_event', batching ? onEvent : (m) => (onEvent(m), flush(true)));
  s.on('mlgym_event_chunk', batching ? onChunk : (c) => (onChunk(c), flush(true)));
  s.on('history_done', (done) => {
    inHistory = false;
    const historyReceived = epochNow();
    flush(true);
    post({
      type: 'historyDone',
      nextEventId: done.next_event_id,
      timeline: { firstChunk: firstChunkAt, historyReceived, foldMs },
    });
  });
  s.on('mlgym_error', (e) =>
    post(
      e.code === 'AUTH_FORBIDDEN'
        ? { type: 'serverError', message: e.message, code: e.code }
        : { type: 'serverError', message: `${e.code}: ${e.message}` },
    ),
  );
  s.on('pong', () => {
    if (pingSentAt) ping = Date.now() - pingSentAt;
    pingSentAt = 0;
  });
  timers.push(
    self.setInterval(tick, TICK_MS),
    self.setInterval(() => {
      if (s.connected && pingSentAt === 0) {
        pingSentAt = Date.now();
        s.emit('ping');
      }
      post({ type: 'stats', ping: s.connected ? ping : -1, throughput: inLastSecond, messages });
      inLastSecond = 0;
    }, 1000),
  );
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'connect') {
    batching = message.batching ?? true;
    token = message.token ?? null;
    start(message.settings, message.lastEventId);
  } else if (message.type === 'token') {
    token = message.token;
    // A refused handshake is not retried by socket.io: start again (the history too), after what is held.
    if (current && !socket?.connected) {
      flush(true);
      start(current, folder.lastEventId);
    }
  } else if (message.type === 'ack') unackedSince = 0;
  else if (message.type === 'close') stop();
};
