import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLog, EventLogProvider } from '@mlgym/event-store';
import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER, SafeNameSchema } from '@mlgym/protocol';
import type { AuthErrorBody } from '@mlgym/protocol';
import { writeRefusal } from '@mlgym/server-security';
import { fail } from './httpAnswers.js';

/** A reader that takes nothing for this long is dropped (it holds the log's file open). */
const IDLE_MS = 60_000;

export interface HistoryHandlerOptions {
  storage: EventLogProvider;
  logFor: (gridSearchId: string) => Promise<EventLog>;
  chunkBytes: number;
  report: (line: string) => void;
}

/** Whether the request may read a grid search: undefined, or the refusal to answer. */
export type ReadCheck = (gridSearchId: string) => AuthErrorBody | undefined;

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * `GET /history/<grid_search_id>?from=<event id>`: the stored events from `from` on, as the log's own JSONL
 * (one event per line, ids counting up from `from`), streamed with backpressure. A browser fetches
 * its history this way: an HTTP stream reaches a page several times faster than the same bytes as
 * websocket messages. The socket's `join` with `last_event_id` then sends what was stored since,
 * and follows the room live, with no gap and no duplicate.
 */
export function createHistoryHandler(options: HistoryHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, mayRead: ReadCheck): Promise<void> => {
    const match = /^\/history\/([^/]+)$/.exec(url.pathname);
    if (!match)
      return fail(res, 404, 'NOT_FOUND', `no route ${url.pathname} (GET /history/<grid_search_id>?from=<event id>)`);
    if (req.method !== 'GET') return fail(res, 405, 'BAD_REQUEST', `${req.method} ${url.pathname}: only GET is served`);
    let room: string;
    try {
      room = decodeURIComponent(match[1]!);
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'the grid search id is not valid percent-encoding');
    }
    if (!SafeNameSchema.safeParse(room).success) {
      return fail(res, 400, 'STORAGE_PATH_UNSAFE', `${JSON.stringify(room)} is not a valid grid search id`);
    }
    const refusal = mayRead(room);
    if (refusal) return writeRefusal(res, refusal);
    const fromText = url.searchParams.get('from') ?? '0';
    const from = /^\d{1,15}$/.test(fromText) ? Number(fromText) : NaN;
    if (!Number.isSafeInteger(from)) {
      return fail(res, 400, 'BAD_REQUEST', `from=${JSON.stringify(fromText)}: expected an event id (an integer ≥ 0)`);
    }
    if (!options.storage.has(room)) return fail(res, 404, 'NOT_FOUND', `no grid search ${room} is stored`);

    const log = await options.logFor(room);
    const to = log.length;
    const first = Math.min(from, to);
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      [HISTORY_FIRST_ID_HEADER]: String(first),
      [HISTORY_COUNT_HEADER]: String(to - first),
    });
    let gone = false;
    res.on('close', () => (gone = true));
    res.setTimeout(IDLE_MS, () => res.destroy());
    try {
      for await (const chunk of log.readRaw(first, to, options.chunkBytes)) {
        if (gone) return;
        if (!res.write(chunk.bytes)) await drainedOrClosed(res);
      }
      res.end();
    } catch (error) {
      options.report(`ws endpoint: history of ${room} failed: ${String(error)}`);
      res.destroy();
    }
  };
}
