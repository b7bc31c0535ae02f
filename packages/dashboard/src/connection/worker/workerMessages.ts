import type { AuthErrorCode } from '@mlgym/protocol';
import type { DataUpdate } from '../events/dataUpdate';
import type { Settings } from '../settings/settingsStorage';

/** Page → worker. */
export type ToWorker =
  | {
      type: 'connect';
      settings: Settings;
      lastEventId: number;
      /** false: post once per socket message instead of at most ~5 times a second (a debug switch). */
      batching?: boolean;
      /** The token entered for the websocket endpoint's origin (handshake `auth` and `/history`), if any. */
      token?: string | null;
    }
  /** A token was entered (or forgotten) for the websocket endpoint: the next handshake carries it. */
  | { type: 'token'; token: string | null }
  /** The page applied the last data post and may take the next one. */
  | { type: 'ack' }
  | { type: 'close' };

/** Worker → page. */
export type FromWorker =
  | { type: 'connected'; reconnect: boolean }
  | { type: 'disconnected'; reason: string }
  /** `code`: the refusal's code (AUTH_REQUIRED, …) when the endpoint's authentication refused the handshake. */
  | { type: 'connectError'; message: string; attempt: number; code?: AuthErrorCode }
  | { type: 'stats'; ping: number; throughput: number; messages: number }
  | { type: 'data'; update: DataUpdate }
  /** `timeline`: epoch ms (timeOrigin + now) of the worker's milestones, for benchmarks. */
  | {
      type: 'historyDone';
      nextEventId: number;
      timeline?: { firstChunk: number; historyReceived: number; foldMs: number };
    }
  | { type: 'roomKnown'; known: boolean }
  | { type: 'serverError'; message: string; code?: string };
