import type { ClientToServerEvents, ServerToClientEvents } from '@mlgym/protocol';
import type { Socket } from 'socket.io-client';
import { createEventFolder } from '../events/eventFolder';
import type { EventFolder } from '../events/eventFolder';
import type { Settings } from '../settings/settingsStorage';
import type { FetchedHistory } from './historyFetch';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Everything a session knows; one object, so a test can look at it and a restart is one assignment. */
export interface SessionState {
  socket: BoardSocket | undefined;
  folder: EventFolder;
  timers: Array<ReturnType<typeof setInterval>>;
  /** Events folded over this connection, and in the last second (the statistics). */
  messages: number;
  inLastSecond: number;
  /** Connections made so far (a join waiting for the history belongs to one). */
  connections: number;
  pingSentAt: number;
  ping: number;
  /** false: post once per socket message (a debug switch). */
  batching: boolean;
  /** The token entered for the websocket endpoint's origin (the page sends it; sessionStorage is the page's). */
  token: string | null;
  /** The settings of the connection being made, for a restart once a token is entered. */
  current: Settings | undefined;
  inHistory: boolean;
  postedInHistory: boolean;
  lastPost: number;
  firstChunkAt: number;
  foldMs: number;
  /** Lines of the HTTP history received and announced (0: none announced). */
  historyLines: FetchedHistory;
  /**
   * Backpressure: while the page is still applying the last post, events keep folding into the next
   * one, so a busy page gets fewer, larger updates instead of a growing queue.
   */
  unackedSince: number;
  /** Stops the history fetch of the connection being replaced: its lines must not reach the next folder. */
  historyFetch: AbortController;
}

export function initialSessionState(): SessionState {
  return {
    socket: undefined,
    folder: createEventFolder(),
    timers: [],
    messages: 0,
    inLastSecond: 0,
    connections: 0,
    pingSentAt: 0,
    ping: -1,
    batching: true,
    token: null,
    current: undefined,
    inHistory: true,
    postedInHistory: false,
    lastPost: 0,
    firstChunkAt: 0,
    foldMs: 0,
    historyLines: { received: 0, announced: 0 },
    unackedSince: 0,
    historyFetch: new AbortController(),
  };
}
