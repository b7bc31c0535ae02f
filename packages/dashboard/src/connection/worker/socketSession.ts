import { AUTH_ERROR_CODES } from '@mlgym/protocol';
import type { AuthErrorCode, HistoryChunk, MlgymEventMessage } from '@mlgym/protocol';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { createEventFolder, transferables } from '../events/eventFolder';
import type { Settings } from '../settings/settingsStorage';
import { fetchHistory } from './historyFetch';
import type { FetchedHistory } from './historyFetch';
import { historyLeftMs } from './historyPace';
import { initialSessionState } from './sessionState';
import type { BoardSocket, SessionState } from './sessionState';
import type { FromWorker, ToWorker } from './workerMessages';

/**
 * The page gets at most this many data posts per second. Each post makes every chart on screen draw
 * again in one frame; five larger updates a second kept frames shorter than ten smaller ones (every
 * frame that changes a canvas costs a commit and a composite, whatever it changed).
 */
const POSTS_PER_SECOND = 5;
/** How often the session looks whether a post is due (a post follows an acknowledgement this soon). */
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

/** What the session is given instead of reaching for the worker's globals. */
export interface SocketSessionDeps {
  /** Opens a socket.io connection: `io` of socket.io-client in the worker. */
  connect(url: string, options: Partial<ManagerOptions & SocketOptions>): BoardSocket;
  /** Sends a message to the page: the worker's `postMessage`. */
  post(message: FromWorker, transfer: Transferable[]): void;
  /** How the history is fetched over HTTP. @default the global fetch */
  fetchFn?: typeof fetch;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** The code of a handshake refused by the endpoint's authentication (`err.data.code`), if it is one. */
function authCodeOf(error: Error): AuthErrorCode | undefined {
  const data = (error as Error & { data?: unknown }).data;
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined;
  return (AUTH_ERROR_CODES as readonly unknown[]).includes(code) ? (code as AuthErrorCode) : undefined;
}

/**
 * What the socket worker does, over an explicit state: connects, streams the stored history over
 * HTTP, joins the grid search's room after it, folds every event once (a resumed or repeated
 * delivery is dropped by event id), and posts the folded updates to the page at a pace it can take.
 * `handle` takes the page's messages (see workerMessages.ts).
 */
export function createSocketSession(deps: SocketSessionDeps, state: SessionState = initialSessionState()) {
  const decoder = new TextDecoder();
  const post = (message: FromWorker, transfer: Transferable[] = []) => deps.post(message, transfer);

  function flush(force = false): void {
    if (!state.folder.pending) return;
    if (!force && state.unackedSince && Date.now() - state.unackedSince < ACK_TIMEOUT_MS) return;
    state.lastPost = performance.now();
    const update = state.folder.take();
    post({ type: 'data', update }, transferables(update));
    state.unackedSince = Date.now();
  }

  function tick(): void {
    if (
      state.inHistory &&
      !state.postedInHistory &&
      state.folder.pending &&
      state.firstChunkAt &&
      epochNow() - state.firstChunkAt >= HISTORY_FIRST_POST_MS &&
      historyLeftMs(epochNow() - state.firstChunkAt, state.historyLines) > HISTORY_SHORT_MS
    ) {
      state.postedInHistory = true;
      flush();
    } else if (performance.now() - state.lastPost >= (state.inHistory ? HISTORY_POST_MS : 1000 / POSTS_PER_SECOND))
      flush();
  }

  /** Folds an event unless a resumed or repeated delivery already brought it. */
  function accept(eventId: number, data: unknown): void {
    if (eventId <= state.folder.lastEventId) return;
    state.folder.fold(eventId, data);
    state.messages++;
    state.inLastSecond++;
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

  function onChunk(chunk: HistoryChunk): void {
    const t0 = performance.now();
    if (!state.firstChunkAt) state.firstChunkAt = epochNow();
    const text = decoder.decode(chunk.jsonl);
    let start = 0;
    for (let i = 0; i < chunk.count; i++) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end < 0 ? undefined : end);
      start = end + 1;
      acceptLine(chunk.first_event_id + i, line);
      if (end < 0) break;
    }
    state.foldMs += performance.now() - t0;
  }

  /** The stored history over HTTP, folded as it streams in; the socket's join then continues after it. */
  async function loadHistory(settings: Settings, signal: AbortSignal): Promise<void> {
    const onProgress = (ms: number, progress: FetchedHistory) => {
      state.foldMs += ms;
      state.historyLines = progress;
    };
    const fetched = await fetchHistory(
      {
        endpoint: settings.socketConnectionUrl,
        gridSearchId: settings.gridSearchId,
        signal,
        from: state.folder.lastEventId + 1,
        onChunk: onProgress,
        authorization: state.token ? `Bearer ${state.token}` : null,
        ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
      },
      (id, line) => {
        if (!state.firstChunkAt) state.firstChunkAt = epochNow();
        acceptLine(id, line);
      },
    );
    if (fetched?.problem && !signal.aborted)
      post({ type: 'serverError', message: `The websocket endpoint sent ${fetched.problem}.` });
  }

  function stop(): void {
    state.historyFetch.abort();
    for (const t of state.timers) clearInterval(t);
    state.timers = [];
    state.socket?.removeAllListeners();
    state.socket?.close();
    state.socket = undefined;
  }

  function start(settings: Settings, lastEventId: number): void {
    stop();
    state.current = settings;
    state.folder = createEventFolder(lastEventId);
    state.messages = 0;
    state.unackedSince = 0;
    state.inHistory = true;
    state.postedInHistory = false;
    state.historyLines = { received: 0, announced: 0 };
    state.lastPost = performance.now();
    let attempts = 0;
    let connectedBefore = false;
    const s = deps.connect(settings.socketConnectionUrl, {
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 10_000,
      // read at every attempt: a token entered after a refusal goes with the next handshake
      auth: (cb) => cb(state.token ? { token: state.token } : {}),
    });
    state.socket = s;
    // Connecting and streaming the history over HTTP run at once; the join waits for the history.
    state.historyFetch = new AbortController();
    const history = loadHistory(settings, state.historyFetch.signal);
    s.on('connect', () => {
      attempts = 0;
      post({ type: 'connected', reconnect: connectedBefore });
      connectedBefore = true;
      state.pingSentAt = 0;
      // Asked before joining: joining an unknown grid search may create its folder on the server.
      s.emit('list_grid_searches', (list) => {
        if (Array.isArray(list))
          post({ type: 'roomKnown', known: list.some((g) => g.grid_search_id === settings.gridSearchId) });
      });
      const connection = ++state.connections;
      void history.then(() => {
        if (state.socket !== s || connection !== state.connections || !s.connected) return;
        // a refused join (e.g. a token limited to other grid searches) comes back as mlgym_error
        s.emit('join', {
          rooms: [settings.gridSearchId],
          client_id: 'mlboard',
          last_event_id: state.folder.lastEventId,
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
    s.on('mlgym_event', state.batching ? onEvent : (m) => (onEvent(m), flush(true)));
    s.on('mlgym_event_chunk', state.batching ? onChunk : (c) => (onChunk(c), flush(true)));
    s.on('history_done', (done) => {
      state.inHistory = false;
      const historyReceived = epochNow();
      flush(true);
      post({
        type: 'historyDone',
        nextEventId: done.next_event_id,
        timeline: { firstChunk: state.firstChunkAt, historyReceived, foldMs: state.foldMs },
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
      if (state.pingSentAt) state.ping = Date.now() - state.pingSentAt;
      state.pingSentAt = 0;
    });
    state.timers.push(
      setInterval(tick, TICK_MS),
      setInterval(() => {
        if (s.connected && state.pingSentAt === 0) {
          state.pingSentAt = Date.now();
          s.emit('ping');
        }
        post({
          type: 'stats',
          ping: s.connected ? state.ping : -1,
          throughput: state.inLastSecond,
          messages: state.messages,
        });
        state.inLastSecond = 0;
      }, 1000),
    );
  }

  /** Takes one message of the page. */
  function handle(message: ToWorker): void {
    if (message.type === 'connect') {
      state.batching = message.batching ?? true;
      state.token = message.token ?? null;
      start(message.settings, message.lastEventId);
    } else if (message.type === 'token') {
      state.token = message.token;
      // A refused handshake is not retried by socket.io: start again (the history too), after what is held.
      if (state.current && !state.socket?.connected) {
        flush(true);
        start(state.current, state.folder.lastEventId);
      }
    } else if (message.type === 'ack') state.unackedSince = 0;
    else if (message.type === 'close') stop();
  }

  return { handle, state };
}
