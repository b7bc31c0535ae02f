import type { EventLog, EventLogProvider } from '@mlgym/event-store';
import { SnapshotKeeper } from './snapshotKeeper.js';

export interface SnapshotsOptions {
  storage: EventLogProvider;
  logFor: (gridSearchId: string) => Promise<EventLog>;
  report: (line: string) => void;
  /** A snapshot that changed is written beside its log this often. @default 30 s */
  keepEveryMs?: number;
  /** A snapshot neither asked for nor changed this long is written and let go (read back when next needed). @default 5 min */
  idleMs?: number;
  /** A snapshot is written when it holds this many events more than the one kept. @default 10,000 */
  keepAfterEvents?: number;
}

/**
 * The snapshots of grid searches: each followed from the first publish to it or the first request for it
 * (a grid search only read is not made until a board asks), written beside the log now and then and when
 * the endpoint closes, and let go when idle.
 */
export function createSnapshots(o: SnapshotsOptions) {
  const keepers = new Map<string, { keeper: SnapshotKeeper; used: number }>();
  const followed = new Set<string>();
  const keepEveryMs = o.keepEveryMs ?? 30_000;
  const idleMs = o.idleMs ?? 5 * 60_000;

  const keepIt = (gs: string, keeper: SnapshotKeeper) =>
    keeper
      .keep()
      .catch((error: unknown) => o.report(`ws endpoint: keeping the snapshot of ${gs} failed: ${String(error)}`));

  function keeperFor(gs: string, log: EventLog): SnapshotKeeper {
    if (!followed.has(gs)) {
      // once per log: a keeper let go while idle is made again by the next commit
      followed.add(gs);
      log.onCommit((firstId, events) => keeperFor(gs, log).onCommit(firstId, events));
    }
    const held = keepers.get(gs);
    if (held) {
      held.used = Date.now();
      return held.keeper;
    }
    const keeper = new SnapshotKeeper({
      gridSearchId: gs,
      log,
      file: o.storage.snapshotFile(gs),
      report: o.report,
      keepAfterEvents: o.keepAfterEvents ?? 10_000,
    });
    keepers.set(gs, { keeper, used: Date.now() });
    // a snapshot built from the log is kept at once: building it again would cost as much
    keeper.ready.then(
      () => keepIt(gs, keeper),
      (error: unknown) => {
        o.report(`ws endpoint: the snapshot of ${gs} could not be made: ${String(error)}`);
        if (keepers.get(gs)?.keeper === keeper) keepers.delete(gs);
      },
    );
    return keeper;
  }

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [gs, held] of keepers) {
      void keepIt(gs, held.keeper).then(() => {
        held.keeper.dropEncoded();
        if (now - held.used > idleMs && keepers.get(gs) === held) {
          held.keeper.close();
          keepers.delete(gs);
        }
      });
    }
  }, keepEveryMs);
  timer.unref();

  return {
    /** Follows a log published to: its snapshot is kept as its events arrive. */
    follow(gs: string, log: EventLog): void {
      keeperFor(gs, log);
    },
    /** The grid search's snapshot keeper (opening its log if needed). */
    async get(gs: string): Promise<SnapshotKeeper> {
      return keeperFor(gs, await o.logFor(gs));
    },
    /** Writes every snapshot that changed and lets them go. */
    async close(): Promise<void> {
      clearInterval(timer);
      const all = [...keepers];
      keepers.clear();
      for (const [gs, { keeper }] of all) {
        // a snapshot still being made from a long log stops where it is: what it folded is kept
        keeper.close();
        await keeper.ready.catch(() => undefined);
        await keepIt(gs, keeper);
      }
    },
  };
}
export type Snapshots = ReturnType<typeof createSnapshots>;
