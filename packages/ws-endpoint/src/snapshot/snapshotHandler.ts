import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLogProvider } from '@mlgym/event-store';
import { SNAPSHOT_NEXT_ID_HEADER, SafeNameSchema } from '@mlgym/protocol';
import { writeRefusal } from '@mlgym/server-security';
import type { ReadCheck } from '../historyHandler.js';
import { fail } from '../httpAnswers.js';
import type { Snapshots } from './snapshots.js';

/** A request waits this long for a snapshot being made; then the board reads the history instead. */
const READY_WAIT_MS = 3_000;

/**
 * `GET /snapshot/<grid_search_id>`: the grid search's columnar snapshot (see @mlgym/protocol's snapshot.ts) as
 * one binary body, with the id of the next event it does not hold in a header. 404 while there is no log, or
 * while the snapshot is still being made from a long log (the board then streams the history).
 */
export function createSnapshotHandler(o: { storage: EventLogProvider; snapshots: Snapshots }) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, mayRead: ReadCheck): Promise<void> => {
    const match = /^\/snapshot\/([^/]+)$/.exec(url.pathname);
    if (!match) return fail(res, 404, 'NOT_FOUND', `no route ${url.pathname} (GET /snapshot/<grid_search_id>)`);
    if (req.method !== 'GET') return fail(res, 405, 'BAD_REQUEST', `${req.method} ${url.pathname}: only GET is served`);
    let room: string;
    try {
      room = decodeURIComponent(match[1]!);
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'the grid search id is not valid percent-encoding');
    }
    if (!SafeNameSchema.safeParse(room).success)
      return fail(res, 400, 'STORAGE_PATH_UNSAFE', `${JSON.stringify(room)} is not a valid grid search id`);
    const refusal = mayRead(room);
    if (refusal) return writeRefusal(res, refusal);
    if (!o.storage.has(room)) return fail(res, 404, 'NOT_FOUND', `no grid search ${room} is stored`);
    const keeper = await o.snapshots.get(room);
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      keeper.ready.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    if (!ready)
      return fail(
        res,
        404,
        'NOT_FOUND',
        `the snapshot of ${room} is still being made from its log (${keeper.nextEventId} events so far); read its history`,
      );
    const bytes = keeper.bytes();
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.byteLength),
      'cache-control': 'no-store',
      [SNAPSHOT_NEXT_ID_HEADER]: String(keeper.nextEventId),
    });
    res.end(bytes);
  };
}
