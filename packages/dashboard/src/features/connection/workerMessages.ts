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
    }
  /** The page applied the last data post and may take the next one. */
  | { type: 'ack' }
  | { type: 'close' };

/** Worker → page. */
export type FromWorker =
  | { type: 'connected'; reconnect: boolean }
  | { type: 'disconnected'; reason: string }
  | { type: 'connectError'; message: string; attempt: number }
  | { type: 'stats'; ping: number; throughput: number; messages: number }
  | { type: 'data'; update: DataUpdate }
  /** `timeline`: epoch ms (timeOrigin + now) of the worker's milestones, for benchmarks. */
  | {
      type: 'historyDone';
      nextEventId: number;
      timeline?: { firstChunk: number; historyReceived: number; foldMs: number };
    }
  | { type: 'roomKnown'; known: boolean }
  | { type: 'serverError'; message: string };
